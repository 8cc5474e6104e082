// Wiring: the session, the router, the screens' data and the outbox's sync loop.

import * as api from './api.js';
import * as outbox from './outbox.js';
import * as pages from './pages.js';
import * as render from './render.js';
import * as visits from './visits.js';
import { bindSettings, clearReminders, reRegisterReminders, showSettings } from './settings.js';

const REPLAY_INTERVAL_MS = 60_000;
const SCREENS = ['sign-in', 'visits', 'child', 'settings', 'team'];
const MANAGER_ROLES = ['team_manager', 'admin'];
const PENDING_SIGN_OUT = 'pending_sign_out';

const state = { session: null, caseload: null, storedAt: null, lastSync: null, entries: [], loadFailed: false };
const $ = (id) => document.getElementById(id);

// ---- routing ----------------------------------------------------------------------------

// Links in notifications use hash routes (/#/children/<id>, /#/visits); the app uses paths.
function adoptHashRoute() {
  if (!location.hash.startsWith('#/')) return;
  const path = location.hash.slice(1);
  history.replaceState(null, '', path === '/visits' ? api.routes.visits() : path);
}

function routeOf(pathname) {
  if (pathname.startsWith('/children/')) return { screen: 'child', childId: decodeURIComponent(pathname.slice(10)) };
  return { '/sign-in': { screen: 'sign-in' }, '/settings': { screen: 'settings' }, '/team': { screen: 'team' } }[pathname] || { screen: 'visits' };
}

function showScreen(name, title, { focus = true } = {}) {
  for (const screen of SCREENS) $(`screen-${screen}`).hidden = screen !== name;
  $('nav').hidden = name === 'sign-in';
  for (const link of $('nav').querySelectorAll('a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${title} – Visits`;
  if (focus) $(`screen-${name}`).querySelector('h1')?.focus();
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else if (path !== location.pathname) history.pushState(null, '', path);
  route({ focus: true });
}

function route({ focus = false } = {}) {
  const { screen, childId } = routeOf(location.pathname);
  if (!state.session) return showSignIn({ focus });
  if (screen === 'sign-in') return navigate(api.routes.visits(), { replace: true });
  if (screen === 'child') return showPage('child', 'Child', () => pages.childPage(childId), focus);
  if (screen === 'settings') {
    showScreen('settings', 'Settings', { focus });
    return showSettings(state.session);
  }
  if (screen === 'team') return showPage('team', 'Team', () => pages.teamPage(state.session.worker.team_id), focus);
  showScreen('visits', 'My visits', { focus });
  renderVisits();
}

function interceptLinks(event) {
  const link = event.target.closest('a[href^="/"]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/feeds/') || link.target) return;
  event.preventDefault();
  navigate(link.pathname);
}

// ---- session ----------------------------------------------------------------------------

function showSignIn({ focus = false } = {}) {
  if (location.pathname !== api.routes.signIn()) history.replaceState(null, '', api.routes.signIn());
  const waiting = state.entries.length;
  $('sign-in-outbox').hidden = waiting === 0;
  $('sign-in-outbox').textContent = `${waiting} visit${waiting === 1 ? '' : 's'} on this phone will be sent once you sign in.`;
  showScreen('sign-in', 'Sign in', { focus });
}

async function submitSignIn(event) {
  event.preventDefault();
  const form = event.target;
  $('sign-in-error').textContent = '';
  try {
    const session = await api.signIn(form.email.value.trim(), form.password.value);
    form.password.value = '';
    await outbox.deleteMeta(PENDING_SIGN_OUT);
    await signedIn(session);
    navigate(api.routes.visits(), { replace: true });
    await syncNow();
  } catch (error) {
    $('sign-in-error').textContent = signInMessage(error);
  }
}

function signInMessage(error) {
  if (!(error instanceof api.ApiError)) return 'No connection. Try again when you have signal.';
  if (error.status === 401) return 'That email and password do not match an account.';
  if (error.status === 429) return 'Too many attempts. Wait a few minutes, then try again.';
  return error.message;
}

async function signedIn(session) {
  const previousWorker = await outbox.getMeta('worker_id');
  if (previousWorker && previousWorker !== session.worker.id) await clearChildData();
  state.session = session;
  await outbox.setMeta('worker_id', session.worker.id);
  await outbox.resumeAfterSignIn();
  state.lastSync = (await outbox.getMeta('last_sync')) || null;
  $('nav-team').hidden = !(MANAGER_ROLES.includes(session.worker.role) && session.worker.team_id);
  reRegisterReminders().catch(() => undefined);
}

function sessionEnded() {
  state.session = null;
  showSignIn({ focus: true });
}

// Everything about children on this phone goes; the outbox stays unless `discardOutbox`.
async function clearChildData({ discardOutbox = false } = {}) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => !name.startsWith('shell-')).map((name) => caches.delete(name)));
  await outbox.clearMeta();
  if (discardOutbox) await outbox.discardAll();
  Object.assign(state, { caseload: null, storedAt: null, lastSync: null });
  for (const id of ['visit-groups', 'counts', 'child-content', 'team-content']) $(id).replaceChildren();
}

async function signOut() {
  const waiting = await outbox.listEntries();
  let discardOutbox = false;
  if (waiting.length > 0) {
    $('sign-out-count').textContent = `${waiting.length} visit${waiting.length === 1 ? ' has' : 's have'} not reached the server yet. If you keep ${waiting.length === 1 ? 'it' : 'them'}, ${waiting.length === 1 ? 'it' : 'they'} will be sent after the next sign-in on this phone.`;
    const choice = await visits.ask($('sign-out-dialog'));
    if (choice !== 'keep' && choice !== 'discard') return;
    discardOutbox = choice === 'discard';
  }
  await clearReminders().catch(() => undefined);
  let offline = false;
  await api.signOut().catch((error) => {
    offline = !(error instanceof api.ApiError);
  });
  await clearChildData({ discardOutbox });
  // Offline, the server session outlives this: end it at the next start with a network.
  if (offline) await outbox.setMeta(PENDING_SIGN_OUT, true);
  state.session = null;
  await refreshEntries();
  $('sign-in-error').textContent = offline ? 'Signed out on this phone. You were offline, so the server is told at the next start with a connection.' : '';
  showSignIn({ focus: true });
}

// ---- my visits ----------------------------------------------------------------------------

function renderVisits() {
  visits.renderVisitsScreen({ ...state, workerId: state.session?.worker.id });
  updateSyncStatus();
}

async function refreshEntries() {
  state.entries = await outbox.listEntries();
  if (routeOf(location.pathname).screen === 'visits' && state.session) renderVisits();
  else visits.renderOutbox(state.entries, state.session?.worker.id);
  updateSyncStatus();
}

// `reading` may be a request already under way (started at launch, beside the session check).
async function loadCaseload(reading = api.getCaseload()) {
  let changed = true;
  try {
    const { body, storedAt } = await reading;
    // An unchanged list is not rebuilt: rebuilding would move focus and scroll under the worker.
    changed = JSON.stringify([body, storedAt]) !== JSON.stringify([state.caseload, state.storedAt]);
    Object.assign(state, { caseload: body, storedAt, loadFailed: false });
    if (!storedAt) state.lastSync = new Date().toISOString();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) return sessionEnded();
    state.loadFailed = true;
  }
  if (changed && routeOf(location.pathname).screen === 'visits') renderVisits();
  updateSyncStatus();
  if (state.lastSync) await outbox.setMeta('last_sync', state.lastSync);
}

function updateSyncStatus() {
  $('sync-status').textContent = visits.statusLine(state);
  $('sync-status').dataset.online = String(navigator.onLine);
}

// Send the outbox, then fetch the list again so it reflects what the server now holds.
function hasUnsent() {
  return state.entries.some((entry) => entry.state !== 'rejected');
}

async function syncNow({ readSession = true } = {}) {
  if (!state.session) return;
  if (hasUnsent()) {
    const outcome = await outbox.replay();
    await refreshEntries();
    if (outcome.needsSignIn > 0) return sessionEnded();
  }
  // The session is read again too, so the service worker keeps a fresh copy for offline starts.
  await Promise.all([loadCaseload(), readSession && api.getSession().catch(() => undefined)]);
}

async function requestBackgroundSync() {
  const registration = await navigator.serviceWorker?.ready;
  if (registration && 'sync' in registration) await registration.sync.register(outbox.SYNC_TAG).catch(() => undefined);
}

// ---- recording a visit ------------------------------------------------------------------

async function recordVisit(button) {
  const row = button.closest('li.visit');
  const obligation = state.caseload.obligations.find(
    (item) => item.child_id === row.dataset.childId && item.role === row.dataset.role,
  );
  const visit = await visits.askForVisit(obligation);
  if (!visit) return;
  await outbox.addVisit({
    ...visit,
    childId: obligation.child_id,
    role: obligation.role,
    workerId: state.session.worker.id,
    label: { reference: obligation.reference, initials: obligation.initials },
  });
  await refreshEntries();
  await requestBackgroundSync();
  if (navigator.onLine) await syncNow();
}

async function discardEntry(button) {
  $('confirm-text').textContent = 'This visit will be removed from this phone and will never reach the server.';
  if ((await visits.ask($('confirm-dialog'))) !== 'yes') return;
  await outbox.discardEntry(button.closest('li').dataset.entryId);
  await refreshEntries();
}

// ---- child and team pages ----------------------------------------------------------------

// Child and team pages: loaded on each visit, network-first through the service worker.
async function showPage(screen, title, build, focus) {
  const content = $(`${screen}-content`);
  showScreen(screen, title, { focus: false });
  content.replaceChildren(render.h('p', { role: 'status' }, 'Loading…'));
  try {
    content.replaceChildren(...(await build()));
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) return sessionEnded();
    content.replaceChildren(...pages.errorPage(title, error));
  }
  if (focus) content.querySelector('h1')?.focus();
}

// ---- start ------------------------------------------------------------------------------

function bindEvents() {
  document.addEventListener('click', interceptLinks);
  window.addEventListener('popstate', () => route({ focus: true }));
  window.addEventListener('hashchange', () => {
    adoptHashRoute();
    route({ focus: true });
  });
  $('sign-in-form').addEventListener('submit', submitSignIn);
  $('refresh').addEventListener('click', () => syncNow());
  $('visit-groups').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="record"]');
    if (button) recordVisit(button);
  });
  $('outbox-list').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="discard"]');
    if (button) discardEntry(button);
  });
  window.addEventListener('online', () => syncNow());
  // The first visit's reads happen before the new service worker controls the page: read
  // again through it, so the list is there the first time the phone is offline.
  navigator.serviceWorker?.addEventListener('controllerchange', () => navigator.onLine && syncNow());
  window.addEventListener('offline', updateSyncStatus);
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type === 'outbox-replayed') refreshEntries().then(() => event.data.outcome.sent && loadCaseload());
  });
  setInterval(() => {
    if (navigator.onLine && state.session && state.entries.some((entry) => entry.state === 'pending')) syncNow();
  }, REPLAY_INTERVAL_MS);
  bindSettings({ signOut });
}

async function finishPendingSignOut() {
  try {
    await api.getSession();
    await api.signOut();
  } catch (error) {
    if (!(error instanceof api.ApiError)) return; // still offline: try again next time
  }
  await outbox.deleteMeta(PENDING_SIGN_OUT);
}

async function loadSession() {
  if (await outbox.getMeta(PENDING_SIGN_OUT)) {
    await finishPendingSignOut();
    return null;
  }
  try {
    return await api.getSession();
  } catch (error) {
    if (!(error instanceof api.ApiError) || error.status !== 401) {
      $('sign-in-error').textContent = 'No connection, and this phone has no saved session.';
    }
    return null;
  }
}

// Signed in last time on this phone: ask for the list beside the session, a round trip sooner.
async function earlyCaseload() {
  if (!(await outbox.getMeta('worker_id')) || (await outbox.getMeta(PENDING_SIGN_OUT))) return null;
  const reading = api.getCaseload();
  reading.catch(() => undefined); // judged later, with the session
  return reading;
}

async function start() {
  adoptHashRoute();
  bindEvents();
  const early = await earlyCaseload();
  await refreshEntries();
  const session = await loadSession();
  if (session) await signedIn(session);
  route();
  if (session && early && !hasUnsent()) await loadCaseload(early);
  else if (session) await syncNow({ readSession: false });
  document.body.dataset.ready = 'true';
  // After the first screen, so installing the shell does not compete with the first reads.
  navigator.serviceWorker?.register('/sw.js', { type: 'module', scope: '/', updateViaCache: 'none' }).catch(() => undefined);
}

start();
