// The child page: its reads, and keeping the caseload's pages offline. Errors go to the caller.

import * as api from './api.js';
import { getMeta, setMeta } from './outbox.js';
import * as plans from './plans.js';
import * as render from './render.js';

// Every read a child page makes, shared with keepChildPagesOffline.
function childReads(childId) {
  return [api.getChild(childId), api.getChildObligations(childId), api.getProjections(childId), api.getChildPlans(childId), api.getChildDeadlines(childId)];
}

export async function childPage(childId, workerId) {
  // Plans and deadlines are extras: the page shows without them.
  const extras = [{ body: { plans: [] } }, { body: { deadlines: [] } }];
  const [child, obligations, projections, planned, deadlines] = await Promise.all(
    childReads(childId).map((read, index) => (index >= 3 ? read.catch(() => extras[index - 3]) : read)),
  );
  document.title = `${child.body.reference} – Visits`;
  const page = render.renderChild(child.body, obligations.body.obligations, projections.body.projections, api.routes.visits(), obligations.body.practice_checks);
  const upcoming = planned.body.plans;
  // Plans are made in a role the worker holds for the child now.
  const held = child.body.allocations.filter((allocation) => allocation.worker_id === workerId && !allocation.to).map((allocation) => allocation.role);
  // Placed after "Visits due": what is planned answers what is due.
  page.splice(
    5,
    0,
    render.h('h2', {}, 'Planned contacts'),
    upcoming.length ? render.h('ul', { class: 'plans' }, upcoming.map((plan) => plans.renderPlan(plan, workerId))) : render.h('p', {}, 'Nothing planned.'),
    render.h(
      'div',
      { class: 'plan-actions' },
      obligations.body.obligations
        .filter((obligation) => held.includes(obligation.role))
        .flatMap((obligation) => [recordButtonFor(childId, obligation), plans.planButtonFor(childId, obligation)]),
    ),
  );
  page.push(...render.renderDeadlines(deadlines.body.deadlines));
  return page;
}

function recordButtonFor(childId, obligation) {
  return render.h('button', { type: 'button', class: 'primary record', dataset: { action: 'record', childId, role: obligation.role } }, 'Record visit');
}

export function errorPage(title, error) {
  return [render.h('h1', { tabindex: '-1' }, title), render.h('p', {}, errorMessage(error))];
}

function errorMessage(error) {
  if (error instanceof api.ApiError && error.status === 404) return 'Not found, or not on your caseload.';
  if (error instanceof api.ApiError && error.status === 403) return 'Only team managers can see this page.';
  return 'Offline, and this page has not been saved on this phone yet.';
}

// ---- child pages kept for offline use

// Saved pages, with what their list rows said then.
const KEPT_PAGES = 'kept_pages';
// A saved page is read again when its rows change, or after a day (history, allocations).
const KEEP_FOR_MS = 24 * 60 * 60 * 1000;
let keeping = null;

// Read each child page through the service worker so it opens offline (audited as any read):
// only new, changed or day-old ones; stop once `signedIn()` is false. See docs/phone-app.md.
export function keepChildPagesOffline(obligations, signedIn) {
  if (!navigator.serviceWorker?.controller) return Promise.resolve(); // nothing would be stored
  keeping ??= keepPages(obligations, signedIn).finally(() => {
    keeping = null;
  });
  return keeping;
}

async function keepPages(obligations, signedIn) {
  const rows = {};
  for (const row of obligations) rows[row.child_id] = (rows[row.child_id] || '') + JSON.stringify(row);
  const kept = (await getMeta(KEPT_PAGES)) || {};
  const now = Date.now();
  for (const [childId, signature] of Object.entries(rows)) {
    const old = kept[childId];
    if (old?.signature === signature && now - old.at < KEEP_FOR_MS) continue;
    if (!signedIn()) return;
    const reads = await Promise.allSettled(childReads(childId));
    // Failed, timed out or answered from the cache: poor signal. Stop, leaving the connections to the worker.
    if (!reads.every((read) => read.status === 'fulfilled' && !read.value.storedAt)) break;
    kept[childId] = { signature, at: now };
  }
  if (!signedIn()) return;
  for (const childId of Object.keys(kept)) if (!(childId in rows)) delete kept[childId];
  await setMeta(KEPT_PAGES, kept);
  await forgetPagesBut(new Set(Object.keys(rows)));
}

// Bounded by the caseload: saved reads of any other child go.
async function forgetPagesBut(childIds) {
  const cache = await caches.open(api.DATA_CACHE);
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    const childId = url.pathname.match(/^\/api\/children\/([^/]+)/)?.[1] ?? url.searchParams.get('child_id');
    if (childId && !childIds.has(decodeURIComponent(childId))) await cache.delete(request);
  }
}
