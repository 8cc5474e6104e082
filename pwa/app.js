// Wiring: the session, the router, the screens' data and the outbox's sync loop.

import * as api from './api.js';
import { carerVisitOf } from './carers.js';
import * as outbox from './outbox.js';
import * as pages from './pages.js';
import * as plans from './plans.js';
import * as render from './render.js';
import * as visits from './visits.js';
import { bindSettings, clearReminders, reRegisterReminders, showSettings } from './settings.js';

const REPLAY_INTERVAL_MS = 60_000;
const SCREENS = ['sign-in', 'visits', 'child', 'settings', 'team'];
const MANAGER_ROLES = ['team_manager', 'admin'];
const PENDING_SIGN_OUT = 'pending_sign_out';
const SAVED_SESSION = 'session';
const SAVED_CASELOAD = 'caseload';

// storedAt: when the list shown was saved (null: fresh).
const state = {
  session: null,
  caseload: null,
  storedAt: null,
  lastSync: null,
  entries: [],
  allEntries: [],
  sent: [],
  filter: '', // the status tile pressed: only those rows are shown
  loadFailed: false,
  refreshing: false,
  refreshProblem: null,
};
const $ = (id) => document.getElementById(id);

// ---- routing

// Links in notifications use hash routes (/#/children/<id>, /#/visits); the app uses paths.
function adoptHashRoute() {
  if (!location.hash.startsWith('#/')) return;
  const path = location.hash.slice(1);
  history.replaceState(null, '', path === '/visits' ? api.routes.visits() : path);
}

function routeOf(pathname) {
  if (pathname.startsWith('/children/')) return { screen: 'child', childId: decodeURIComponent(pathname.slice(10)) };
  if (pathname.startsWith('/teams/')) return { screen: 'team', teamId: decodeURIComponent(pathname.slice(7)) };
  if (pathname.startsWith('/workers/')) return { screen: 'team', workerId: decodeURIComponent(pathname.slice(9)) };
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

// Managers and admins land on their team; the child page goes back to the screen it came from.
const landing = () => (MANAGER_ROLES.includes(state.session?.worker.role) ? api.routes.team() : api.routes.visits());
let cameFrom = null;

function backTo(page) {
  const link = cameFrom && page[0]?.querySelector?.('a');
  if (link) Object.assign(link, { href: cameFrom, textContent: '← Back' });
  return page;
}

function route({ focus = false } = {}) {
  const { screen, childId, ...where } = routeOf(location.pathname);
  if (!state.session) return showSignIn({ focus });
  if (screen === 'sign-in') return navigate(landing(), { replace: true });
  if (screen === 'child') return showPage('child', 'Child', () => pages.childPage(childId, state.session.worker.id).then(backTo), focus);
  cameFrom = screen === 'team' ? location.pathname : null;
  if (screen === 'settings') {
    showScreen('settings', 'Settings', { focus });
    return showSettings(state.session);
  }
  if (screen === 'team') return showPage('team', 'Team', () => import('./team.js').then((team) => team.teamScreen(where, state.session, route)), focus);
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

// ---- session

function showSignIn({ focus = false } = {}) {
  if (location.pathname !== api.routes.signIn()) history.replaceState(null, '', api.routes.signIn());
  const waiting = state.allEntries.length;
  $('sign-in-outbox').hidden = waiting === 0;
  $('sign-in-outbox').textContent = `${waiting} visit${waiting === 1 ? '' : 's'} on this phone will be sent once you sign in.`;
  updateSyncStatus();
  showScreen('sign-in', 'Sign in', { focus });
  offerOrganisation();
}

// A refused organisation sign-in comes back as /sign-in?problem=<status>.
const ORGANISATION_PROBLEMS = {
  401: 'Signing in with your organisation did not complete. Try again.',
  403: 'Your organisation account has no access here. Ask your administrator.',
  429: 'Too many attempts. Wait a few minutes, then try again.',
};

async function offerOrganisation() {
  const problem = new URLSearchParams(location.search).get('problem');
  if (problem) $('sign-in-error').textContent = ORGANISATION_PROBLEMS[problem] || ORGANISATION_PROBLEMS[401];
  const options = await api.signInOptions().catch(() => null);
  const button = $('sign-in-organisation');
  button.hidden = !options?.organisation;
  if (options?.organisation) Object.assign(button, { textContent: options.organisation.label, href: options.organisation.url });
  $('sign-in-form').hidden = options?.passwords === false;
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
    navigate(landing(), { replace: true });
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
  const previousWorker = await outbox.getMeta(outbox.WORKER_KEY);
  if (previousWorker && previousWorker !== session.worker.id) await clearChildData();
  useSession(session);
  const { storedAt, ...saved } = session;
  await outbox.setMeta(outbox.WORKER_KEY, session.worker.id);
  await outbox.setMeta(SAVED_SESSION, saved);
  await outbox.resumeAfterSignIn();
  state.lastSync = (await outbox.getMeta('last_sync')) || null;
  await refreshEntries();
  reRegisterReminders().catch(() => undefined);
}

function useSession(session) {
  state.session = session;
  $('nav-team').hidden = !MANAGER_ROLES.includes(session.worker.role);
}

// 401: nothing about children stays but unsent entries, kept for their worker.
async function sessionEnded() {
  state.session = null;
  api.forgetSession();
  await clearChildData();
  await outbox.parkForSignIn();
  await refreshEntries();
  $('sign-in-error').textContent = 'Your session has ended. Sign in again to carry on.';
  showSignIn({ focus: true });
}

// The outbox stays, but for the entries of `discardOutboxOf`.
async function clearChildData({ discardOutboxOf = null } = {}) {
  await outbox.forgetChildData();
  if (discardOutboxOf) await outbox.discardAllOf(discardOutboxOf);
  Object.assign(state, { caseload: null, storedAt: null, lastSync: null, refreshProblem: null, loadFailed: false });
  hideSaveNote();
  for (const id of ['visit-groups', 'counts', 'child-content', 'team-content']) $(id).replaceChildren();
}

async function signOut() {
  const workerId = state.session?.worker.id;
  await refreshEntries();
  const waiting = state.entries;
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
  state.session = null;
  api.forgetSession();
  await clearChildData({ discardOutboxOf: discardOutbox ? workerId : null });
  // Offline, the server session outlives this: end it at the next start with a network.
  if (offline) await outbox.setMeta(PENDING_SIGN_OUT, true);
  await refreshEntries();
  $('sign-in-error').textContent = offline ? 'Signed out on this phone. You were offline, so the server is told at the next start with a connection.' : '';
  showSignIn({ focus: true });
}

// ---- my visits

function renderVisits() {
  visits.renderVisitsScreen({ ...state, workerId: state.session?.worker.id });
  updateSyncStatus();
  // For the performance budget (docs/phone-app.md).
  if (state.caseload && !performance.getEntriesByName('list-painted').length) performance.mark('list-painted');
}

// Another worker's kept entries are never shown or sent.
async function refreshEntries() {
  state.allEntries = await outbox.listEntries();
  const mine = (entry) => state.session && entry.worker_id === state.session.worker.id;
  state.entries = state.allEntries.filter(mine);
  state.sent = (await outbox.sentEntries()).filter(mine);
  if (routeOf(location.pathname).screen === 'visits' && state.session) renderVisits();
  else visits.renderOutbox(state.entries, state.session?.worker.id, state.sent);
  updateSyncStatus();
}

function refreshProblemText(error) {
  if (error instanceof api.TimedOut) return 'No answer from the server in time';
  if (error instanceof api.ApiError && error.status !== 503) return `Could not refresh: the server answered ${error.status} (${error.message})`;
  return null; // offline: the note says so already
}

async function loadCaseload() {
  let changed = true;
  state.refreshing = true;
  updateSyncStatus();
  try {
    const { body, storedAt } = await api.getCaseload();
    if (!state.session) return; // signed out meanwhile: keep nothing
    // An unchanged list is not rebuilt: that would move focus and scroll.
    changed = JSON.stringify([body, storedAt]) !== JSON.stringify([state.caseload, state.storedAt]);
    const problem = storedAt && navigator.onLine ? 'Could not reach the server' : null;
    Object.assign(state, { caseload: body, storedAt, loadFailed: false, refreshProblem: problem });
    if (!storedAt) {
      state.lastSync = new Date().toISOString();
      await outbox.setMeta(SAVED_CASELOAD, { body, at: state.lastSync });
      await outbox.setMeta('last_sync', state.lastSync);
    }
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) return sessionEnded();
    Object.assign(state, { loadFailed: true, refreshProblem: refreshProblemText(error) });
  } finally {
    state.refreshing = false;
  }
  if (!state.session) return;
  if (changed && routeOf(location.pathname).screen === 'visits') renderVisits();
  else visits.renderNotes(state);
  updateSyncStatus();
  if (!state.storedAt && !state.loadFailed) keepPagesOffline();
}

// Never awaited: behind the list.
function keepPagesOffline() {
  const workerId = state.session.worker.id;
  pages.keepChildPagesOffline(state.caseload.obligations, () => state.session?.worker.id === workerId).catch(() => undefined);
}

function updateSyncStatus() {
  $('sync-status').textContent = state.session ? visits.statusLine(state) : `${navigator.onLine ? 'Online' : 'Offline'} · signed out`;
  $('sync-status').dataset.online = String(navigator.onLine);
}

function hasUnsent() {
  return state.entries.some((entry) => entry.state !== 'rejected');
}

async function syncNow() {
  if (!state.session) return;
  if (hasUnsent()) {
    const outcome = await outbox.replay();
    await refreshEntries();
    await showPlanAnswer();
    if (outcome.needsSignIn > 0) return sessionEnded();
  }
  await loadCaseload();
}

async function checkSession() {
  try {
    const session = await api.getSession();
    if (!state.session) return false;
    if (session.storedAt) return true; // the service worker's copy: offline, nothing learnt
    if (session.worker.id !== state.session.worker.id) {
      await sessionEnded();
      return false;
    }
    await signedIn(session);
    return true;
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      await sessionEnded();
      return false;
    }
    return true; // unreachable or failing: the saved list stays, the caseload read says why
  }
}

async function refreshBehind() {
  state.refreshing = true;
  updateSyncStatus();
  // Side by side: a hanging network costs one time limit, not two.
  const [sessionHolds] = await Promise.all([checkSession(), loadCaseload()]);
  if (sessionHolds && hasUnsent()) await syncNow();
  state.refreshing = false;
  updateSyncStatus();
}

async function requestBackgroundSync() {
  const registration = await navigator.serviceWorker?.ready;
  if (registration && 'sync' in registration) await registration.sync.register(outbox.SYNC_TAG).catch(() => undefined);
}

// ---- recording a visit

async function recordVisit(button) {
  const { childId, role } = button.dataset.childId ? button.dataset : button.closest('li.visit').dataset;
  const obligation = state.caseload?.obligations.find((item) => item.child_id === childId && item.role === role);
  if (!obligation) return;
  const visit = await visits.askForVisit(obligation);
  if (!visit) return;
  const entry = await outbox.addVisit({
    ...visit,
    childId: obligation.child_id,
    role: obligation.role,
    workerId: state.session.worker.id,
    label: { reference: obligation.reference, initials: obligation.initials },
  });
  await afterSave(entry, childSave(obligation));
  if (routeOf(location.pathname).screen === 'child') route();
}

const childrenWords = (count) => `${count} child${count === 1 ? '' : 'ren'}`;

async function recordHouseholdVisit(button) {
  const group = visits.households(state.caseload?.obligations || [])[Number(button.dataset.index)];
  const body = group && (await visits.askForHouseholdVisit(group));
  if (!body) return;
  const label = { reference: `Household ${group.household}`, initials: childrenWords(body.children.length) };
  const entry = await outbox.addHouseholdVisit({ body, workerId: state.session.worker.id, label });
  await afterSave(entry, {
    focus: `button[data-action=household][data-household="${CSS.escape(group.household)}"][data-role="${CSS.escape(group.role)}"]`,
    // An older service worker's replay logs no answer: the children sent, then.
    sentWords: (sent) => `Saved for ${childrenWords(sent.visits?.length ?? sent.body.children.length)}.`,
    what: 'household visit',
  });
}

// ---- saying what was saved, and undoing it

const UNDO_MS = 10_000;
let lastSave = null;

// The server's visits a sent entry made, with their labels: a household visit made one per child.
function visitsOf(entry) {
  if (entry.type !== 'household_visit') return [[entry.visit ? entry.id : entry.body?.visit_id, entry.label]];
  const labelOf = (childId) => state.caseload?.obligations.find((item) => item.child_id === childId) || entry.label;
  return (entry.visits || []).map((visit) => [visit.id, labelOf(visit.child_id)]);
}

// Back to the button saved from when a re-render took focus away.
function focusOn(selector) {
  const active = document.activeElement;
  if (active && active !== document.body && document.contains(active)) return;
  document.querySelector(selector)?.focus();
}

function childSave(obligation) {
  return {
    focus: `li.visit[data-child-id="${CSS.escape(obligation.child_id)}"][data-role="${CSS.escape(obligation.role)}"] button.record`,
    sentWords: () => nextDueWords(obligation),
  };
}

function showSaveNote(text, { undo = false } = {}) {
  $('save-text').textContent = text;
  $('save-undo').hidden = !undo;
  $('save-note').hidden = false;
}

function hideSaveNote() {
  clearTimeout(lastSave?.timer);
  lastSave = null;
  $('save-note').hidden = true;
}

function nextDueWords(obligation) {
  const now = state.caseload?.obligations.find((item) => item.child_id === obligation.child_id && item.role === obligation.role);
  return now ? `Saved. Next visit due ${render.formatDate(now.due)}.` : 'Saved.';
}

// At once, with Undo (unless `undo` is false); once sent, `sentWords(the sent entry)`. Focus
// stays on the button saved from (`focus`, a selector).
async function afterSave(entry, { focus, sentWords, undo = true, what = 'visit' }) {
  await refreshEntries();
  focusOn(focus);
  clearTimeout(lastSave?.timer);
  lastSave = { entry, focus, what, timer: setTimeout(hideSaveNote, UNDO_MS) };
  showSaveNote('Saved on this phone. It is sent when there is signal.', { undo });
  await requestBackgroundSync();
  if (navigator.onLine) await syncNow();
  focusOn(focus);
  const sent = lastSave?.entry.id === entry.id && state.sent.find((item) => item.id === entry.id);
  if (sent) showSaveNote(sentWords(sent), { undo });
}

// Undo: an entry still on the phone is discarded; the visits the server has are withdrawn (queued).
// One being sent is let settle first (outbox.takeBack), so the words say what became of it.
async function undoLastSave() {
  if (!lastSave) return;
  const { entry, focus, what } = lastSave;
  hideSaveNote();
  showSaveNote(`Undoing the ${what}…`);
  const sent = await outbox.takeBack(entry);
  if (sent) await withdrawSent(sent);
  await refreshEntries();
  showSaveNote(`Undone: the ${what} ${sent ? 'is being withdrawn' : 'was removed from this phone'}.`);
  focusOn(focus);
  if (sent && navigator.onLine) await syncNow();
}

// A withdrawal per visit the entry made, each labelled with its child's reference and initials.
async function withdrawSent(entry) {
  const withdrawals = visitsOf(entry).map(([visitId, label]) => ({ visitId, label: { reference: label?.reference, initials: label?.initials } }));
  await outbox.addWithdrawals(entry.id, withdrawals, state.session.worker.id);
  await requestBackgroundSync();
}

async function withdrawFromSentList(button) {
  if (!(await visits.confirm('Withdraw this visit?', 'Only if it was recorded in error: it stays in the child’s history, marked withdrawn, and no longer counts for the due date.', 'Withdraw it', 'Keep it'))) return;
  const entry = state.sent.find((sent) => sent.id === button.closest('li').dataset.entryId);
  if (entry) await withdrawSent(entry);
  await refreshEntries();
  if (navigator.onLine) await syncNow();
}

// ---- planning contacts

function obligationOfRow(button) {
  const { childId, role } = button.dataset;
  const found = state.caseload?.obligations.find((item) => item.child_id === childId && item.role === role);
  if (!found) throw new Error('not on this worker’s caseload');
  return found;
}

function planLabel(obligation) {
  return { reference: obligation.reference, initials: obligation.initials, child_id: obligation.child_id, role: obligation.role };
}

async function queuePlanAction(action) {
  await outbox.deleteMeta('last_plan_answer');
  await outbox.addPlanAction({ ...action, workerId: state.session.worker.id });
  await refreshEntries();
  await requestBackgroundSync();
  if (navigator.onLine) await syncNow();
  if (routeOf(location.pathname).screen === 'child') route();
}

// Marks a visit's record complete today, through the outbox like any other write.
function markWrittenUp(button) {
  const { visitId, reference, initials } = button.dataset;
  button.disabled = true;
  return queuePlanAction({ type: 'written_up', planId: visitId, body: { written_up: render.localIsoDate() }, label: { reference, initials } });
}

function planAction(event) {
  const carerVisit = carerVisitOf(event.target, state.caseload?.carers || [], render.localIsoDate());
  if (carerVisit) return confirmCarerVisit(carerVisit);
  const button = event.target.closest('button[data-action]');
  const actions = { record: recordVisit, household: recordHouseholdVisit, plan: planContact, 'cancel-plan': cancelPlan, 'complete-plan': completeFromPlan, 'written-up': markWrittenUp };
  if (button && actions[button.dataset.action]) actions[button.dataset.action](button);
}

// Recorded as today's in one tap otherwise: asked first, so a mistaken tap records nothing.
// No Undo: the API has no withdrawal of a carer visit.
async function confirmCarerVisit(action) {
  const what = `${action.label.reference}: ${action.body.unannounced ? 'an unannounced' : 'a supervisory'} visit today.`;
  if (!(await visits.confirm('Record this carer visit?', what, 'Record it', 'Cancel', { danger: false }))) return;
  const entry = await outbox.addPlanAction({ ...action, workerId: state.session.worker.id });
  const focus = `li.carer[data-carer-id="${CSS.escape(action.body.carer_id)}"] button[data-carer-action="${action.body.unannounced}"]`;
  await afterSave(entry, { focus, sentWords: () => 'Saved.', undo: false });
}

async function showPlanAnswer() {
  const answer = await outbox.getMeta('last_plan_answer');
  $('plan-answer').hidden = !answer;
  if (answer) $('plan-answer').textContent = plans.answerText(answer);
}

async function planContact(button) {
  const obligation = obligationOfRow(button);
  const planId = button.dataset.planId;
  let existing = null;
  if (planId) {
    // The note to self is not in the list: read it, so that moving the plan keeps it.
    existing = await api.getPlan(planId).then(({ body }) => body, () => ({ ...obligation.next_plan, note: '' }));
  }
  const body = await plans.askForPlan(visits.ask, obligation, existing);
  if (!body) return;
  await queuePlanAction({ type: 'plan', planId: planId || crypto.randomUUID(), body, label: planLabel(obligation) });
}

async function cancelPlan(button) {
  if (!(await visits.confirm('Cancel this plan?', 'The plan will be cancelled; the visit is still due.', 'Cancel the plan', 'Keep the plan'))) return;
  await queuePlanAction({ type: 'cancel_plan', planId: button.dataset.planId, label: planLabel(obligationOfRow(button)) });
}

// Dated the plan's day when it has passed, else today.
async function completeFromPlan(button) {
  const obligation = obligationOfRow(button);
  const today = render.localIsoDate();
  const planDate = button.dataset.planDate;
  const visit = await visits.askForVisit(obligation, { date: planDate <= today ? planDate : today, title: 'Record the planned visit', planned: true });
  if (!visit) return;
  const body = { date: visit.date, child_seen: visit.childSeen, seen_alone: visit.childSeen && visit.seenAlone, visit_id: crypto.randomUUID() };
  await outbox.deleteMeta('last_plan_answer');
  const entry = await outbox.addPlanAction({ type: 'complete_plan', planId: button.dataset.planId, body, label: planLabel(obligation), workerId: state.session.worker.id });
  await afterSave(entry, childSave(obligation));
  if (routeOf(location.pathname).screen === 'child') route();
}

async function discardEntry(button) {
  if (!(await visits.confirm('Discard this?', 'This visit will be removed from this phone and will never reach the server.'))) return;
  // One being sent settles first: if it reached the server, it shows as sent.
  await outbox.takeBack({ id: button.closest('li').dataset.entryId });
  await refreshEntries();
}

// ---- child and team pages

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

// ---- start

function bindEvents() {
  document.addEventListener('click', interceptLinks);
  window.addEventListener('popstate', () => route({ focus: true }));
  window.addEventListener('hashchange', () => {
    adoptHashRoute();
    route({ focus: true });
  });
  $('sign-in-form').addEventListener('submit', submitSignIn);
  $('refresh').addEventListener('click', () => syncNow());
  $('visit-groups').addEventListener('click', planAction);
  $('child-content').addEventListener('click', planAction);
  $('outbox-list').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="discard"]');
    if (button) discardEntry(button);
  });
  $('sent-list').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="withdraw"]');
    if (button) withdrawFromSentList(button);
  });
  $('save-undo').addEventListener('click', undoLastSave);
  $('counts').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-filter]');
    if (!button) return;
    state.filter = state.filter === button.dataset.filter ? '' : button.dataset.filter;
    visits.applyFilters(state.filter);
  });
  $('visit-search').addEventListener('input', () => visits.applyFilters(state.filter));
  window.addEventListener('online', () => (state.session ? syncNow() : finishPendingSignOut()));
  // First reads bypassed the new service worker: read again through it, to have them offline.
  navigator.serviceWorker?.addEventListener('controllerchange', () => navigator.onLine && syncNow());
  window.addEventListener('offline', updateSyncStatus);
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if (event.data?.type !== 'outbox-replayed') return;
    const { outcome } = event.data;
    // The service worker's replay may learn first that the session ended.
    if (state.session && outcome.needsSignIn) return sessionEnded();
    refreshEntries().then(showPlanAnswer).then(() => state.session && outcome.sent && loadCaseload());
  });
  setInterval(() => {
    if (!navigator.onLine) return;
    if (!state.session) finishPendingSignOut();
    else if (state.entries.some((entry) => entry.state === 'pending')) syncNow();
  }, REPLAY_INTERVAL_MS);
  bindSettings({ signOut });
}

async function finishPendingSignOut(attempt = 0) {
  if (!(await outbox.getMeta(PENDING_SIGN_OUT))) return;
  try {
    await api.getSession();
    await api.signOut();
  } catch (error) {
    // Only a 401 says it is over; anything else is tried again soon, then each minute.
    if (!(error instanceof api.ApiError && error.status === 401)) {
      if (navigator.onLine && attempt < 4) setTimeout(() => finishPendingSignOut(attempt + 1), 2000 * (attempt + 1));
      return;
    }
  }
  await outbox.deleteMeta(PENDING_SIGN_OUT);
}

async function loadSession() {
  try {
    return await api.getSession();
  } catch (error) {
    if (!(error instanceof api.ApiError) || error.status !== 401) {
      $('sign-in-error').textContent = 'No connection, and this phone has no saved session.';
    }
    return null;
  }
}

async function savedCopy() {
  const [workerId, session, caseload] = await Promise.all(
    [outbox.WORKER_KEY, SAVED_SESSION, SAVED_CASELOAD].map((key) => outbox.getMeta(key)),
  );
  if (!workerId || session?.worker?.id !== workerId) return null;
  return { session, caseload };
}

function ready() {
  document.body.dataset.ready = 'true';
  // After the first screen, so installing the shell does not compete with the first reads.
  navigator.serviceWorker?.register('/sw.js', { type: 'module', scope: '/', updateViaCache: 'none' }).catch(() => undefined);
}

// Cache first: the saved list, then the reads behind it. Every failure ends on a screen.
async function start() {
  adoptHashRoute();
  bindEvents();
  if (await outbox.getMeta(PENDING_SIGN_OUT)) {
    await refreshEntries();
    showSignIn();
    ready();
    return finishPendingSignOut();
  }
  const saved = await savedCopy();
  if (saved) {
    api.useSavedSession(saved.session);
    useSession(saved.session);
    Object.assign(state, {
      caseload: saved.caseload?.body ?? null,
      storedAt: saved.caseload?.at ?? null,
      lastSync: (await outbox.getMeta('last_sync')) || null,
    });
    await refreshEntries();
    if (location.pathname === '/') history.replaceState(null, '', landing());
    route();
    ready();
    return refreshBehind();
  }
  await refreshEntries();
  const session = await loadSession();
  if (session) await signedIn(session);
  if (session && location.pathname === '/') history.replaceState(null, '', landing());
  route();
  ready();
  if (session) await syncNow();
}

start();
