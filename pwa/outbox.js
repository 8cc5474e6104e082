// The outbox (IndexedDB): changes sent in order, leaving only on a 2xx or the worker's discard.
// Client UUIDs make a resend harmless. Used by the page and the service worker.

import { ApiError, completePlan, deletePlan, getSession, putCarerVisit, putHouseholdVisit, putPlan, putVisit, putWrittenUp, withdrawVisit } from './api.js';

const DB_NAME = 'visit-app';
const DB_VERSION = 1;
const OUTBOX = 'outbox';
// Small facts (worker, session, saved list, last sync): wiped on sign-out and any 401.
const META = 'meta';
// Absent once signed out: nothing is sent without it.
export const WORKER_KEY = 'worker_id';
const SENT_LOG = 'sent_log';
const SENT_LOG_LENGTH = 10;
export const SYNC_TAG = 'outbox';

// Entry states: 'pending', 'rejected' (the worker decides), 'needs_sign_in'.
const REJECTIONS = {
  409: 'This visit was already saved with different details. Check the child’s page; if this copy is wrong, discard it.',
  422: 'The server could not accept this visit. Fix what is named below and record it again, then discard this copy.',
  404: 'You can no longer see this child, so the visit cannot be saved. Tell your manager, then discard this copy.',
  403: 'You are not allowed to record this visit. Tell your manager, then discard this copy.',
};

const PLAN_REJECTIONS = {
  409: 'This plan was already completed or cancelled, or its visit was saved differently. Check the child’s page, then discard this copy.',
  422: 'The server could not accept this plan. Fix what is named below and plan again, then discard this copy.',
  404: 'You can no longer see this child (or the plan is gone). Discard this copy.',
  403: 'Only the worker who made this plan can change it. Discard this copy.',
};

const WITHDRAW_REJECTIONS = {
  403: 'Only the worker who recorded this visit (within 7 days), their team manager or an admin can withdraw it. Ask your team manager, then discard this copy.',
  404: 'You can no longer see this child, so the visit cannot be withdrawn. Tell your manager, then discard this copy.',
};

let dbPromise = null;

function openDb() {
  dbPromise ??= new Promise((resolve, reject) => {
    const opening = indexedDB.open(DB_NAME, DB_VERSION);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore(OUTBOX, { keyPath: 'id' });
      opening.result.createObjectStore(META);
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  return dbPromise;
}

// `action(transaction)`: its request's result, if it returns one, is the answer once committed.
async function transact(storeNames, mode, action) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeNames, mode);
    const result = action(transaction);
    transaction.oncomplete = () => resolve(result?.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

function run(storeName, mode, action) {
  return transact(storeName, mode, (transaction) => action(transaction.objectStore(storeName)));
}

export function listEntries() {
  return run(OUTBOX, 'readonly', (store) => store.getAll()).then((entries) =>
    entries.sort((a, b) => a.created_at.localeCompare(b.created_at)),
  );
}

// `label`: the least the list needs to show it; `kind`: null (in person), or a call or text.
export function addVisit({ childId, date, role, childSeen, seenAlone, kind = null, workerId, label }) {
  const visit = { child_id: childId, date, role, child_seen: childSeen, seen_alone: childSeen && seenAlone, kind };
  return queue({ visit }, workerId, label);
}

// type 'plan', 'cancel_plan' or 'complete_plan'; its own entry id: a plan can move twice.
export function addPlanAction({ type, planId, body, workerId, label }) {
  return queue({ type, plan_id: planId, body: body ?? null }, workerId, label);
}

export function addHouseholdVisit({ body, workerId, label }) {
  return queue({ type: 'household_visit', body }, workerId, label);
}

// One transaction: the sent entry is marked withdrawn as its visits' withdrawals are queued, and
// an entry marked already queues nothing again. `withdrawals`: [{ visitId, label }].
export function addWithdrawals(sentId, withdrawals, workerId) {
  return transact([OUTBOX, META], 'readwrite', (transaction) => {
    const meta = transaction.objectStore(META);
    const log = meta.get(SENT_LOG);
    log.onsuccess = () => {
      const sent = (log.result || []).find((entry) => entry.id === sentId);
      if (sent?.withdrawn_at) return;
      if (sent) meta.put(log.result.map((entry) => (entry === sent ? { ...sent, withdrawn_at: new Date().toISOString() } : entry)), SENT_LOG);
      for (const { visitId, label } of withdrawals) transaction.objectStore(OUTBOX).put(entryOf({ type: 'withdraw_visit', visit_id: visitId }, workerId, label));
    };
  });
}

function entryOf(request, workerId, label) {
  return { id: crypto.randomUUID(), ...request, worker_id: workerId, label, state: 'pending', problem: null, created_at: new Date().toISOString() };
}

async function queue(request, workerId, label) {
  const entry = entryOf(request, workerId, label);
  await run(OUTBOX, 'readwrite', (store) => store.put(entry));
  return entry;
}

// An entry in flight holds a lock of its own (across the page and the service worker) from the
// moment it is read to be sent until it is sent or kept: what takes it back waits for that.
function whileInFlight(entryId, action) {
  return self.navigator?.locks ? navigator.locks.request(`outbox-entry-${entryId}`, action) : action();
}

function getEntry(entryId) {
  return run(OUTBOX, 'readonly', (store) => store.get(entryId));
}

// Undo's one decision, whatever the timing: once any send of the entry has settled, an entry still
// here is discarded (null: the server never had it), else the sent log's copy is the answer.
export function takeBack(entry) {
  return whileInFlight(entry.id, async () => {
    if (await getEntry(entry.id)) return discardEntry(entry.id).then(() => null);
    return (await sentEntries()).find((sent) => sent.id === entry.id) || entry;
  });
}

async function send(entry) {
  if (entry.type === 'plan') {
    const { body } = await putPlan(entry.plan_id, entry.body);
    await setMeta('last_plan_answer', body);
  } else if (entry.type === 'cancel_plan') {
    await deletePlan(entry.plan_id);
  } else if (entry.type === 'complete_plan') {
    await completePlan(entry.plan_id, entry.body);
  } else if (entry.type === 'carer_visit') {
    await putCarerVisit(entry.id, entry.body);
  } else if (entry.type === 'written_up') {
    // Queued with addPlanAction: its plan_id is the visit's id.
    await putWrittenUp(entry.plan_id, entry.body);
  } else if (entry.type === 'withdraw_visit') {
    await withdrawVisit(entry.visit_id);
  } else if (entry.type === 'household_visit') {
    // The server makes one visit per child under ids of its own: kept, for Undo to withdraw them.
    const { body } = await putHouseholdVisit(entry.id, entry.body);
    return { visits: body.visits.map(({ id, child_id }) => ({ id, child_id })) };
  } else {
    await putVisit(entry.id, entry.visit);
  }
}

// One transaction: an entry is always in the outbox or in the sent log, which Undo reads.
function moveToSentLog(entry) {
  const sent = { ...entry, state: 'sent', sent_at: new Date().toISOString() };
  return transact([OUTBOX, META], 'readwrite', (transaction) => {
    const meta = transaction.objectStore(META);
    transaction.objectStore(OUTBOX).delete(entry.id);
    const log = meta.get(SENT_LOG);
    log.onsuccess = () => meta.put([sent, ...(log.result || [])].slice(0, SENT_LOG_LENGTH), SENT_LOG);
  });
}

export async function sentEntries() {
  return (await getMeta(SENT_LOG)) || [];
}

export function discardEntry(entryId) {
  return run(OUTBOX, 'readwrite', (store) => store.delete(entryId));
}

// One worker's entries; another worker's kept entries stay for them.
export async function discardAllOf(workerId) {
  for (const entry of await listEntries()) {
    if (entry.worker_id === workerId) await discardEntry(entry.id);
  }
}

function saveEntry(entry) {
  return run(OUTBOX, 'readwrite', (store) => store.put(entry));
}

export function getMeta(key) {
  return run(META, 'readonly', (store) => store.get(key));
}

export function setMeta(key, value) {
  return run(META, 'readwrite', (store) => store.put(value, key));
}

export function deleteMeta(key) {
  return run(META, 'readwrite', (store) => store.delete(key));
}

export function clearMeta() {
  return run(META, 'readwrite', (store) => store.clear());
}

export async function forgetChildData() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => !name.startsWith('shell-')).map((name) => caches.delete(name)));
  await clearMeta();
}

function rejectionsFor(entry) {
  if (entry.type === 'withdraw_visit') return WITHDRAW_REJECTIONS;
  return entry.type && entry.type !== 'household_visit' ? PLAN_REJECTIONS : REJECTIONS;
}

function rejection(error, entry) {
  return {
    status: error.status,
    message: rejectionsFor(entry)[error.status] || 'The server refused this.',
    details: error.fieldMessages(),
  };
}

async function sendEntry(entry) {
  try {
    const answer = await send(entry);
    await moveToSentLog({ ...entry, ...answer });
    return 'sent';
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429) return 'retry';
    if (error.status === 401) {
      await saveEntry({ ...entry, state: 'needs_sign_in' });
      return 'needs_sign_in';
    }
    await saveEntry({ ...entry, state: 'rejected', problem: rejection(error, entry) });
    return 'rejected';
  }
}

// null: the session has ended; undefined: unreachable.
async function currentWorkerId() {
  try {
    return (await getSession()).worker.id;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) return undefined;
    await forgetChildData();
    return null;
  }
}

async function replayEntries() {
  const outcome = { sent: 0, rejected: 0, needsSignIn: 0, retry: 0, otherAccount: 0 };
  // Only the phone's worker's entries: a kept entry waits for its worker to sign in again.
  const phoneWorker = await getMeta(WORKER_KEY);
  const entries = (await listEntries()).filter((entry) => entry.state !== 'rejected' && entry.worker_id === phoneWorker);
  if (!phoneWorker || entries.length === 0) return outcome;
  const workerId = await currentWorkerId();
  if (workerId === undefined) return { ...outcome, retry: entries.length };
  for (const entry of entries) {
    if (workerId === null) {
      await saveEntry({ ...entry, state: 'needs_sign_in' });
      outcome.needsSignIn += 1;
    } else if (entry.worker_id !== workerId) {
      // Another account's visit waits for that account: the server would credit it to this one.
      outcome.otherAccount += 1;
    } else {
      // Read again in flight: taken back since the list was read, it is not sent.
      const result = await whileInFlight(entry.id, async () => {
        const current = await getEntry(entry.id);
        return current ? sendEntry(current) : 'gone';
      });
      if (result === 'gone') continue;
      outcome[{ sent: 'sent', rejected: 'rejected', needs_sign_in: 'needsSignIn', retry: 'retry' }[result]] += 1;
      if (result === 'retry') break;
    }
  }
  return outcome;
}

// One replay at a time across the page and the service worker.
export function replay() {
  if (self.navigator?.locks) {
    return navigator.locks.request('outbox-replay', replayEntries);
  }
  return replayEntries();
}

export async function parkForSignIn() {
  for (const entry of await listEntries()) {
    if (entry.state === 'pending') await saveEntry({ ...entry, state: 'needs_sign_in' });
  }
}

export async function resumeAfterSignIn() {
  for (const entry of await listEntries()) {
    if (entry.state === 'needs_sign_in') await saveEntry({ ...entry, state: 'pending' });
  }
}
