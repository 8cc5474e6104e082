// The only module that knows the server's URLs; no DOM, so the service worker shares it.

export const API_PREFIX = '/api/';
// Set by the service worker on an answer from its cache: when it was stored.
export const FROM_CACHE_HEADER = 'X-From-Cache';
// Child data: emptied on sign-out and any 401.
export const DATA_CACHE = 'api-data';

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

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

// Lie-fi: a read that hangs is given up after this long (TimedOut, not an ApiError).
export const READ_TIME_LIMIT_MS = 10_000;

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

export function useSavedSession(session) {
  remember(session);
}

export function forgetSession() {
  csrfToken = null;
}

export async function getSession() {
  const { body, storedAt } = await request('GET', `${API_PREFIX}session`);
  return { ...remember(body), storedAt };
}

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

// 404: not a carer the caller may change; 422 naming supervising_worker_id: a worker outside the caller's team.
export function updateCarer(carerId, changes) {
  return request('PATCH', `${API_PREFIX}carers/${encodeURIComponent(carerId)}`, changes);
}

export function cover(workerId, method = 'GET', body, id = '') {
  return request(method, `${API_PREFIX}workers/${encodeURIComponent(workerId)}/cover${id && `/${id}`}`, body);
}

export function getTeams() {
  return request('GET', `${API_PREFIX}teams`);
}

export function findChildren(q) {
  return request('GET', `${API_PREFIX}children?${new URLSearchParams({ q })}`);
}

// Writes by client UUID: a replay answers 200 (PUT) or 204 (DELETE) again.
export function putVisit(visitId, visit) {
  return request('PUT', `${API_PREFIX}visits/${encodeURIComponent(visitId)}`, visit);
}

export function putHouseholdVisit(visitId, body) {
  return request('PUT', `${API_PREFIX}household-visits/${encodeURIComponent(visitId)}`, body);
}

export function putCarerVisit(visitId, visit) {
  return request('PUT', `${API_PREFIX}carer-visits/${encodeURIComponent(visitId)}`, visit);
}

// PUT /api/visits/<uuid>/written-up: the day the visit's record was completed.
export function putWrittenUp(visitId, body) {
  return request('PUT', `${API_PREFIX}visits/${encodeURIComponent(visitId)}/written-up`, body);
}

export function withdrawVisit(visitId) {
  return request('DELETE', `${API_PREFIX}visits/${encodeURIComponent(visitId)}`);
}

export function putPlan(planId, plan) {
  return request('PUT', `${API_PREFIX}plans/${encodeURIComponent(planId)}`, plan);
}

export function deletePlan(planId) {
  return request('DELETE', `${API_PREFIX}plans/${encodeURIComponent(planId)}`);
}

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

// Calling it again rotates the link; kind 'team': a team manager's feed.
export async function createFeedLink(kind = 'worker') {
  const { body } = await request('POST', `${API_PREFIX}feeds/token`, { kind });
  return body;
}

export async function getReminderPreferences() {
  return (await request('GET', `${API_PREFIX}push/preferences`)).body;
}

export async function putReminderPreferences(changes) {
  return (await request('PUT', `${API_PREFIX}push/preferences`, changes)).body;
}

export async function getFeedSettings() {
  const { body } = await request('GET', `${API_PREFIX}feeds/settings`);
  return body;
}

export function deleteFeedLink() {
  return request('DELETE', `${API_PREFIX}feeds/token`);
}

// In-app paths (the server answers them with the shell).
export const routes = {
  visits: () => '/',
  child: (childId) => `/children/${encodeURIComponent(childId)}`,
  settings: () => '/settings',
  team: () => '/team',
  teamOf: (teamId) => `/teams/${encodeURIComponent(teamId)}`,
  worker: (workerId) => `/workers/${encodeURIComponent(workerId)}`,
  signIn: () => '/sign-in',
};
