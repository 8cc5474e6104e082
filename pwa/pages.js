// The child and team pages: fetch what each needs and build it. Errors are thrown to the caller.

import * as api from './api.js';
import * as plans from './plans.js';
import * as render from './render.js';

export async function childPage(childId, workerId) {
  const [child, obligations, projections, planned] = await Promise.all([
    api.getChild(childId),
    api.getChildObligations(childId),
    api.getProjections(childId),
    api.getChildPlans(childId).catch(() => ({ body: { plans: [] } })),
  ]);
  document.title = `${child.body.reference} – Visits`;
  const page = render.renderChild(child.body, obligations.body.obligations, projections.body.projections, api.routes.visits());
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
