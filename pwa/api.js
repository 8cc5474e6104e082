// The only module that knows the server's URLs. Works in the page and in the service worker
// (no DOM here), so the worker's Background Sync replay sends exactly what the page would.

export const API_PREFIX = '/api/';
// Header the service worker adds to a response it served from its cache: when it was stored.
export const FROM_CACHE_HEADER = 'X-From-Cache';
// The service worker's cache of API answers (child data): emptied on sign-out and on any 401.
export const DATA_CACHE = 'api-data';

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  // "field: message" lines from a problem's errors, for showing the worker what to fix.
  fieldMessages() {
    const errors = this.problem.errors || {};
    return Object.entries(errors).map(([field, messages]) => `${field}: ${[].concat(messages).join(' ')}`);
  }
}

export function isApiRead(request) {
  const url = new URL(request.url);
  return request.method === 'GET' && url.origin === self.location.origin && url.pathname.startsWith(API_PREFIX);
}

async function readBody(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : null;
}

// A read that gets no answer within this long is given up (lie-fi: requests that hang).
export const READ_TIME_LIMIT_MS = 10_000;

// Thrown when a read was given up after READ_TIME_LIMIT_MS; like a network error, not an ApiError.
export class TimedOut extends Error {}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const controller = new AbortController();
  const timer = method === 'GET' ? setTimeout(() => controller.abort(), READ_TIME_LIMIT_MS) : null;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
    });
  } catch (error) {
    throw controller.signal.aborted ? new TimedOut(`no answer within ${READ_TIME_LIMIT_MS} ms`) : error;
  } finally {
    clearTimeout(timer);
  }
  const payload = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, payload);
  const storedAt = response.headers.get(FROM_CACHE_HEADER);
  return { status: response.status, body: payload, storedAt: storedAt || null };
}

function remember(session) {
  csrfToken = session.csrf_token;
  return session;
}

// A session saved on the phone, used until the server is heard from again.
export function useSavedSession(session) {
  remember(session);
}

export function forgetSession() {
  csrfToken = null;
}

// GET /api/session: the signed-in worker, or an ApiError with status 401.
export async function getSession() {
  const { body, storedAt } = await request('GET', `${API_PREFIX}session`);
  return { ...remember(body), storedAt };
}

// GET /api/session/providers: whether passwords and the organisation's sign-in are on.
export async function signInOptions() {
  return (await request('GET', `${API_PREFIX}session/providers`)).body;
}

export async function signIn(email, password) {
  const { body } = await request('POST', `${API_PREFIX}session`, { email, password });
  return remember(body);
}

export async function signOut() {
  try {
    await request('DELETE', `${API_PREFIX}session`);
  } finally {
    csrfToken = null;
  }
}

export function hasSession() {
  return csrfToken !== null;
}

export function getCaseload() {
  return request('GET', `${API_PREFIX}caseload`);
}

export function getChild(childId) {
  return request('GET', `${API_PREFIX}children/${encodeURIComponent(childId)}`);
}

export function getChildObligations(childId) {
  return request('GET', `${API_PREFIX}children/${encodeURIComponent(childId)}/obligations`);
}

export function getChildDeadlines(childId) {
  return request('GET', `${API_PREFIX}children/${encodeURIComponent(childId)}/deadlines`);
}

export function getProjections(childId, count = 3) {
  return request('GET', `${API_PREFIX}children/${encodeURIComponent(childId)}/projections?count=${count}`);
}

export function getTeamOverview(teamId, query = '') {
  return request('GET', `${API_PREFIX}teams/${encodeURIComponent(teamId)}/overview${query}`);
}

export function overviewCsvUrl(teamId, query = '') {
  return `${API_PREFIX}teams/${encodeURIComponent(teamId)}/overview.csv${query}`;
}

export function getWorkerCaseload(workerId) {
  return request('GET', `${API_PREFIX}workers/${encodeURIComponent(workerId)}/caseload`);
}

// 404: not a child or worker the caller manages; 422: a worker outside the team, or a role they do not hold.
export function reallocate(childId, body) {
  return request('POST', `${API_PREFIX}children/${encodeURIComponent(childId)}/reallocation`, body);
}

export function getTeams() {
  return request('GET', `${API_PREFIX}teams`);
}

// GET /api/children?q=: children whose reference holds q or whose initials are q.
export function findChildren(q) {
  return request('GET', `${API_PREFIX}children?${new URLSearchParams({ q })}`);
}

// PUT /api/visits/<uuid>: 201 created, 200 identical replay; anything else throws ApiError.
export function putVisit(visitId, visit) {
  return request('PUT', `${API_PREFIX}visits/${encodeURIComponent(visitId)}`, visit);
}

// PUT /api/household-visits/<uuid>: one visit per child, 201 created, 200 replayed.
export function putHouseholdVisit(visitId, body) {
  return request('PUT', `${API_PREFIX}household-visits/${encodeURIComponent(visitId)}`, body);
}

// PUT /api/carer-visits/<uuid>: a visit to a carer, replayed safely as a visit to a child is.
export function putCarerVisit(visitId, visit) {
  return request('PUT', `${API_PREFIX}carer-visits/${encodeURIComponent(visitId)}`, visit);
}

// DELETE /api/visits/<uuid>: 204 withdrawn as recorded in error (also when it already was).
// PUT /api/visits/<uuid>/written-up: the day the visit's record was completed.
export function putWrittenUp(visitId, body) {
  return request('PUT', `${API_PREFIX}visits/${encodeURIComponent(visitId)}/written-up`, body);
}

export function withdrawVisit(visitId) {
  return request('DELETE', `${API_PREFIX}visits/${encodeURIComponent(visitId)}`);
}

// PUT /api/plans/<uuid>: 201 created, 200 moved or replayed; the plan with on_time and warnings.
export function putPlan(planId, plan) {
  return request('PUT', `${API_PREFIX}plans/${encodeURIComponent(planId)}`, plan);
}

// DELETE /api/plans/<uuid>: 204, also when already cancelled.
export function deletePlan(planId) {
  return request('DELETE', `${API_PREFIX}plans/${encodeURIComponent(planId)}`);
}

// POST /api/plans/<uuid>/complete: records the plan's visit (idempotent by the visit's id).
export function completePlan(planId, completion) {
  return request('POST', `${API_PREFIX}plans/${encodeURIComponent(planId)}/complete`, completion);
}

export function getPlan(planId) {
  return request('GET', `${API_PREFIX}plans/${encodeURIComponent(planId)}`);
}

export function getChildPlans(childId) {
  return request('GET', `${API_PREFIX}plans?child_id=${encodeURIComponent(childId)}&status=planned`);
}

export async function getPushPublicKey() {
  const { body } = await request('GET', `${API_PREFIX}push/public-key`);
  return body.public_key;
}

export function registerPushSubscription(subscriptionJson) {
  return request('POST', `${API_PREFIX}push/subscriptions`, subscriptionJson);
}

export function deletePushSubscription(endpoint) {
  return request('DELETE', `${API_PREFIX}push/subscriptions`, { endpoint });
}

export function sendTestPush() {
  return request('POST', `${API_PREFIX}push/test`, {});
}

// POST /api/feeds/token -> {url, webcal_url}; calling it again rotates the link.
// kind 'team': a team manager's feed of the team's overdue and due-today visits.
export async function createFeedLink(kind = 'worker') {
  const { body } = await request('POST', `${API_PREFIX}feeds/token`, { kind });
  return body;
}

// GET/PUT /api/push/preferences: when reminders come (lead_working_days, slot_time, plan_lead_minutes...).
export async function getReminderPreferences() {
  return (await request('GET', `${API_PREFIX}push/preferences`)).body;
}

export async function putReminderPreferences(changes) {
  return (await request('PUT', `${API_PREFIX}push/preferences`, changes)).body;
}

// GET /api/feeds/settings: `active_feeds` names the kinds with a live link.
export async function getFeedSettings() {
  const { body } = await request('GET', `${API_PREFIX}feeds/settings`);
  return body;
}

export function deleteFeedLink() {
  return request('DELETE', `${API_PREFIX}feeds/token`);
}

// In-app routes (paths the server answers with the app shell), for links and notifications.
export const routes = {
  visits: () => '/',
  child: (childId) => `/children/${encodeURIComponent(childId)}`,
  settings: () => '/settings',
  team: () => '/team',
  teamOf: (teamId) => `/teams/${encodeURIComponent(teamId)}`,
  worker: (workerId) => `/workers/${encodeURIComponent(workerId)}`,
  signIn: () => '/sign-in',
};
