// Planning a contact: the dialog, its at-once check against plan_by, and plans in rows and pages.

import { formatDate, h, localIsoDate } from './render.js';

const $ = (id) => document.getElementById(id);

export const KIND_WORDS = {
  home_visit: 'Home visit',
  visit_elsewhere: 'Visit elsewhere',
  phone: 'Phone call',
  video: 'Video call',
  text: 'Text message',
};
const IN_PERSON = ['home_visit', 'visit_elsewhere'];

// "2026-11-26T16:00:00+00:00" -> "16:00": the server answers in London time with its offset.
export function localTime(startsAt) {
  return startsAt.slice(11, 16);
}

// Before the server answers (bank holidays, school hours): plan_by, weekend, not in person.
export function quickCheck(obligation, date, kind) {
  const lines = [];
  const onTime = !obligation || date <= obligation.plan_by;
  lines.push(onTime ? `On time: on or before ${formatDate(obligation?.plan_by)}.` : `Late: after ${formatDate(obligation.plan_by)}, the plan-by date (due ${formatDate(obligation.due)}).`);
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) lines.push('A weekend day.');
  if (!IN_PERSON.includes(kind)) lines.push('Keeping in touch: this does not count as a visit; the visit still needs contact in person.');
  return { onTime, lines };
}

function showCheck(obligation) {
  const { onTime, lines } = quickCheck(obligation, $('plan-date').value, $('plan-kind').value);
  $('plan-check').replaceChildren(...lines.map((line) => h('li', {}, line)));
  $('plan-check').dataset.onTime = String(onTime);
}

// Filled from `existing` when moving a plan; null when cancelled.
export async function askForPlan(ask, obligation, existing = null) {
  $('plan-child').textContent = `${obligation.reference} · ${obligation.initials}, due ${formatDate(obligation.due)} (plan by ${formatDate(obligation.plan_by)})`;
  const today = localIsoDate();
  Object.assign($('plan-date'), { value: existing ? existing.date : obligation.plan_by >= today ? obligation.plan_by : today, min: today });
  $('plan-time').value = existing ? localTime(existing.starts_at) : '10:00';
  $('plan-duration').value = existing?.duration_minutes ?? 60;
  $('plan-kind').value = existing?.kind ?? 'home_visit';
  $('plan-note').value = existing?.note ?? '';
  const update = () => showCheck(obligation);
  for (const id of ['plan-date', 'plan-kind']) $(id).addEventListener('input', update);
  update();
  const choice = await ask($('plan-dialog'));
  for (const id of ['plan-date', 'plan-kind']) $(id).removeEventListener('input', update);
  if (choice !== 'save' || !$('plan-date').value || !$('plan-time').value) return null;
  const duration = Number.parseInt($('plan-duration').value, 10);
  return {
    child_id: obligation.child_id,
    role: obligation.role,
    starts_at: `${$('plan-date').value}T${$('plan-time').value}`,
    duration_minutes: Number.isFinite(duration) && duration > 0 ? duration : null,
    kind: $('plan-kind').value,
    note: $('plan-note').value,
  };
}

export function planLine(obligation, waiting) {
  if (waiting) {
    const body = waiting.body;
    if (waiting.type === 'cancel_plan') return h('p', { class: 'plan-line' }, 'Plan cancelled on this phone, waiting to sync');
    if (waiting.type === 'complete_plan') return h('p', { class: 'plan-line' }, 'Visit recorded from the plan, waiting to sync');
    const onTime = quickCheck(obligation, body.starts_at.slice(0, 10), body.kind).onTime;
    return h('p', { class: `plan-line ${onTime ? 'on-time' : 'late'}` }, `Planned ${formatDate(body.starts_at.slice(0, 10))} ${body.starts_at.slice(11, 16)} (${onTime ? 'on time' : 'late'}), waiting to sync`);
  }
  const plan = obligation.next_plan;
  if (!plan) return h('p', { class: 'plan-line none' }, 'No visit planned');
  return h('p', { class: `plan-line ${plan.on_time ? 'on-time' : 'late'}` }, `Planned ${formatDate(plan.date)} ${localTime(plan.starts_at)}: ${KIND_WORDS[plan.kind] || plan.kind} (${plan.on_time ? 'on time' : 'late'})`);
}

// Buttons carry child, role and plan, so the list and the child page share handlers.
export function planButtons(obligation, name) {
  const about = { childId: obligation.child_id, role: obligation.role };
  const plan = obligation.next_plan;
  if (!plan) {
    return [h('button', { type: 'button', class: 'secondary', dataset: { action: 'plan', ...about }, 'aria-label': `Plan a visit for ${name}` }, 'Plan')];
  }
  return ownPlanButtons({ ...about, planId: plan.id, planDate: plan.date }, name);
}

function ownPlanButtons(about, name) {
  return [
    h('button', { type: 'button', class: 'secondary', dataset: { action: 'complete-plan', ...about }, 'aria-label': `Record the planned visit for ${name}` }, 'Record planned visit'),
    h('button', { type: 'button', class: 'secondary', dataset: { action: 'plan', ...about }, 'aria-label': `Move the plan for ${name}` }, 'Move'),
    h('button', { type: 'button', class: 'quiet', dataset: { action: 'cancel-plan', ...about }, 'aria-label': `Cancel the plan for ${name}` }, 'Cancel plan'),
  ];
}

// A plan on the child page, with the server's warnings; the planner's own get their buttons.
export function renderPlan(plan, workerId) {
  const own = plan.planner_id === workerId;
  const name = `the ${formatDate(plan.date)} plan`;
  return h(
    'li',
    { class: `plan ${plan.on_time ? 'on-time' : 'late'}`, dataset: { planId: plan.id } },
    h('p', {}, `${formatDate(plan.date)} ${localTime(plan.starts_at)} · ${KIND_WORDS[plan.kind] || plan.kind}${plan.duration_minutes ? `, ${plan.duration_minutes} min` : ''}`),
    h('p', { class: 'plan-standing' }, plan.on_time ? 'On time' : `Late: after ${formatDate(plan.plan_by)}`),
    plan.warnings.length ? h('ul', { class: 'plan-warnings' }, plan.warnings.map((warning) => h('li', {}, warning.message))) : null,
    plan.note ? h('p', { class: 'plan-note' }, `Note to self: ${plan.note}`) : null,
    own ? h('div', { class: 'plan-actions' }, ownPlanButtons({ childId: plan.child_id, role: plan.role, planId: plan.id, planDate: plan.date }, name)) : null,
  );
}

export function planButtonFor(childId, obligation) {
  return h('button', { type: 'button', class: 'secondary', dataset: { action: 'plan', childId, role: obligation.role } }, 'Plan a contact');
}

// The server's answer to the last plan sent, shown once after syncing.
export function answerText(plan) {
  const standing = plan.on_time ? 'on time' : `late (after ${formatDate(plan.plan_by)})`;
  const warnings = plan.warnings.filter((warning) => !warning.code.startsWith('after_')).map((warning) => warning.message);
  return [`Planned ${formatDate(plan.date)} ${localTime(plan.starts_at)}: ${standing}.`, ...warnings].join(' ');
}
