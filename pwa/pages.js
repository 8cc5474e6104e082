// The child and team pages: fetch what each needs and build it. Errors are thrown to the caller.

import * as api from './api.js';
import * as render from './render.js';

export async function childPage(childId) {
  const [child, obligations, projections] = await Promise.all([
    api.getChild(childId),
    api.getChildObligations(childId),
    api.getProjections(childId),
  ]);
  document.title = `${child.body.reference} – Visits`;
  return render.renderChild(child.body, obligations.body.obligations, projections.body.projections, api.routes.visits());
}

export async function teamPage(teamId) {
  const { body } = await api.getTeamOverview(teamId);
  return render.renderTeam(body, api.routes.child);
}

export function errorPage(title, error) {
  return [render.h('h1', { tabindex: '-1' }, title), render.h('p', {}, errorMessage(error))];
}

function errorMessage(error) {
  if (error instanceof api.ApiError && error.status === 404) return 'Not found, or not on your caseload.';
  if (error instanceof api.ApiError && error.status === 403) return 'Only team managers can see this page.';
  return 'Offline, and this page has not been saved on this phone yet.';
}
