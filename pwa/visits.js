// The "My visits" screen and the record-a-visit dialog: state in, DOM out, no network.

import { routes } from './api.js';
import * as plans from './plans.js';
import * as render from './render.js';

const $ = (id) => document.getElementById(id);

function pendingFor(obligation, entries) {
  return entries.filter((entry) => entry.visit && entry.visit.child_id === obligation.child_id && entry.visit.role === obligation.role);
}

function planEntriesFor(obligation, entries) {
  return entries.filter(
    (entry) => entry.type && entry.state !== 'rejected' && entry.label?.child_id === obligation.child_id && entry.label?.role === obligation.role,
  );
}

// The row gains its plan: the next plan (or one waiting to sync) beside the due date, and its buttons.
function withPlan(row, obligation, entries) {
  const name = `${obligation.reference} · ${obligation.initials}`;
  row.querySelector('button.record').before(plans.planLine(obligation, planEntriesFor(obligation, entries).at(-1)));
  row.append(render.h('div', { class: 'plan-actions' }, plans.planButtons(obligation, name)));
  return row;
}

function renderGroup(group, entries) {
  const rows = group.items.map((obligation) =>
    withPlan(render.renderVisitRow(obligation, routes.child(obligation.child_id), pendingFor(obligation, entries)), obligation, entries),
  );
  return render.h(
    'section',
    { class: 'group', 'aria-labelledby': `group-${group.id}` },
    render.h('h2', { id: `group-${group.id}` }, `${group.title} (${group.items.length})`),
    render.h('ul', { class: 'visits' }, rows),
  );
}

export function renderOutbox(entries, workerId) {
  $('outbox-section').hidden = entries.length === 0;
  $('outbox-list').replaceChildren(...entries.map((entry) => render.renderOutboxEntry(entry, workerId)));
}

export function renderVisitsScreen({ caseload, storedAt, entries, workerId, loadFailed }) {
  renderOutbox(entries, workerId);
  $('stale-note').hidden = !storedAt && !(loadFailed && !caseload);
  if (storedAt) {
    $('stale-note').textContent = `Offline: this is your list as it was at ${render.formatTime(storedAt)} (${render.formatAge(storedAt)}).`;
  } else if (loadFailed && !caseload) {
    $('stale-note').textContent = 'Offline, and this phone has no saved copy of your list yet.';
  }
  if (!caseload) return;
  $('counts').replaceChildren(...render.renderCounts(caseload.obligations));
  const groups = render.groupObligations(caseload.obligations, caseload.as_of);
  $('visit-groups').replaceChildren(
    ...(groups.length ? groups.map((group) => renderGroup(group, entries)) : [render.h('p', {}, 'No visits are due on your caseload.')]),
    ...[render.renderUnscheduled(caseload.unscheduled, routes.child)].filter(Boolean),
  );
}

export function statusLine({ storedAt, lastSync, entries }) {
  const parts = [navigator.onLine && !storedAt ? 'Online' : 'Offline'];
  parts.push(lastSync ? `last synced ${render.formatTime(lastSync)}` : 'not synced yet');
  const waiting = entries.filter((entry) => entry.state !== 'rejected').length;
  if (waiting) parts.push(`${waiting} waiting to sync`);
  return parts.join(' · ');
}

// Show a modal dialog whose form buttons carry values; resolves with the chosen value.
export function ask(dialog) {
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

// Two taps from the list: this dialog opens with today's date, and one button saves.
// Resolves with {date, childSeen, seenAlone}, or null when cancelled.
export async function askForVisit(obligation) {
  const today = render.localIsoDate();
  $('record-child').textContent = `${obligation.reference} · ${obligation.initials}, ${obligation.plan_label || obligation.plan_type}`;
  Object.assign($('record-date'), { value: today, max: today });
  $('record-alone').checked = false;
  const choice = await ask($('record-dialog'));
  if (choice !== 'seen' && choice !== 'no-access') return null;
  return { date: $('record-date').value, childSeen: choice === 'seen', seenAlone: $('record-alone').checked };
}
