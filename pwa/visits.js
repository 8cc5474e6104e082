// The "My visits" screen and the record dialogs.

import { routes } from './api.js';
import { renderCarers } from './carers.js';
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

function withPlan(row, obligation, entries) {
  const name = `${obligation.reference} · ${obligation.initials}`;
  row.querySelector('button.record').before(plans.planLine(obligation, planEntriesFor(obligation, entries).at(-1)));
  row.append(render.h('div', { class: 'plan-actions' }, plans.planButtons(obligation, name)));
  return row;
}

function renderGroup(group, entries, asOf) {
  const rows = group.items.map((obligation) =>
    withPlan(render.renderVisitRow(obligation, routes.child(obligation.child_id), pendingFor(obligation, entries), asOf), obligation, entries),
  );
  return render.h(
    'section',
    { class: 'group', 'aria-labelledby': `group-${group.id}` },
    render.h('h2', { id: `group-${group.id}` }, `${group.title} (${group.items.length})`),
    render.h('ul', { class: 'visits' }, rows),
  );
}

// Children of one household on this list in one role, two or more: seen in one visit.
export function households(obligations) {
  const found = new Map();
  for (const item of obligations) {
    const key = item.household && `${item.household} ${item.role}`;
    if (!key) continue;
    if (!found.has(key)) found.set(key, { household: item.household, role: item.role, items: [] });
    const { items } = found.get(key);
    if (!items.some((other) => other.child_id === item.child_id)) items.push(item);
  }
  return [...found.values()].filter((group) => group.items.length > 1);
}

function renderHousehold(group, index) {
  const children = group.items.map((item) =>
    render.h('li', { class: `household-child status-${item.status}` }, `${item.reference} · ${item.initials} `, render.statusBadge(item.status), ` due ${render.formatDate(item.due)}`),
  );
  return render.h(
    'li',
    { class: 'household' },
    render.h('p', {}, `Household ${group.household} · ${render.roleWord(group.role)}`),
    render.h('ul', {}, children),
    render.h('button', { type: 'button', class: 'secondary', dataset: { action: 'household', index, household: group.household, role: group.role } }, 'Record household visit'),
  );
}

function renderHouseholds(groups) {
  if (!groups.length) return null;
  return render.h('section', { class: 'households' }, render.h('h2', {}, 'Households'), render.h('ul', { class: 'visits' }, groups.map(renderHousehold)));
}

export function renderOutbox(entries, workerId, sent = []) {
  $('outbox-section').hidden = entries.length === 0;
  $('outbox-list').replaceChildren(...entries.map((entry) => render.renderOutboxEntry(entry, workerId)));
  $('sent-section').hidden = sent.length === 0;
  $('sent-list').replaceChildren(...sent.map((entry) => render.renderOutboxEntry(entry, workerId)));
}

// The note above the list: how old the list on screen is, and why it is not newer.
function staleNote({ caseload, storedAt, loadFailed, refreshing, refreshProblem }) {
  if (!caseload) {
    if (!loadFailed || refreshing) return null;
    return `${refreshProblem || 'Offline'}, and this phone has no saved copy of your list yet.`;
  }
  if (!storedAt) return null;
  const asOf = `${render.formatTime(storedAt)} (${render.formatAge(storedAt)})`;
  if (refreshing) return `Your list as of ${asOf}. Refreshing…`;
  if (refreshProblem) return `${refreshProblem}. This is your list as of ${asOf}.`;
  return `Offline: this is your list as it was at ${asOf}.`;
}

// Without rebuilding the list (which would move focus).
export function renderNotes(state) {
  const note = staleNote(state);
  $('stale-note').hidden = !note;
  $('stale-note').textContent = note || '';
}

// Rows not matching the pressed tile or the search (reference or initials) hide, and empty groups.
export function applyFilters(filter) {
  const words = $('visit-search').value.trim().toLowerCase().replaceAll('.', '');
  for (const row of document.querySelectorAll('#visit-groups li.visit')) {
    const name = row.querySelector('.visit-child').textContent.toLowerCase().replaceAll('.', '');
    row.hidden = Boolean((filter && !row.classList.contains(`status-${filter}`)) || (words && !name.includes(words)));
  }
  for (const group of document.querySelectorAll('#visit-groups section.group')) {
    group.hidden = !group.querySelector('li.visit:not([hidden])');
  }
  for (const button of document.querySelectorAll('#counts button')) button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
}

export function renderVisitsScreen({ caseload, entries, workerId, sent, filter = '', ...rest }) {
  renderOutbox(entries, workerId, sent);
  renderNotes({ caseload, ...rest });
  if (!caseload) return;
  $('counts').replaceChildren(...render.renderCounts(caseload.obligations, filter));
  const groups = render.groupObligations(caseload.obligations, caseload.as_of);
  $('visit-groups').replaceChildren(
    ...[renderHouseholds(households(caseload.obligations))].filter(Boolean),
    ...(groups.length ? groups.map((group) => renderGroup(group, entries, caseload.as_of)) : [render.h('p', {}, 'No visits are due on your caseload.')]),
    ...[render.renderWeekDeadlines(caseload.deadlines, routes.child), render.renderUnscheduled(caseload.unscheduled, routes.child), renderCarers(caseload.carers, entries)].filter(Boolean),
  );
  applyFilters(filter);
}

// A working day: a phone that has not reached the server for this long says so plainly.
const SYNC_OVERDUE_MS = 8 * 60 * 60 * 1000;

function syncedWords(lastSync, now = Date.now()) {
  if (!lastSync) return 'not synced yet';
  if (now - new Date(lastSync).getTime() > SYNC_OVERDUE_MS) {
    return `not synced since ${render.formatDate(lastSync.slice(0, 10))} ${render.formatTime(lastSync)}: connect to send and refresh`;
  }
  return `last synced ${render.formatTime(lastSync)}`;
}

export function statusLine({ storedAt, lastSync, entries, refreshing, refreshProblem }) {
  const parts = [];
  if (refreshing) parts.push('Refreshing…');
  else if (!navigator.onLine || (storedAt && !refreshProblem)) parts.push('Offline');
  else parts.push(refreshProblem ? 'Online · not refreshed' : 'Online');
  parts.push(syncedWords(lastSync));
  if (storedAt && !refreshing) parts.push(`as of ${render.formatTime(storedAt)}`);
  const waiting = entries.filter((entry) => entry.state !== 'rejected').length;
  if (waiting) parts.push(`${waiting} waiting to sync`);
  return parts.join(' · ');
}

export function ask(dialog) {
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

// `danger`: only for what discards, replaces, withdraws or cancels; any other yes is a plain primary action.
export async function confirm(title, text, yes = 'Discard', no = 'Keep it', { danger = true } = {}) {
  Object.entries({ 'confirm-title': title, 'confirm-text': text, 'confirm-yes': yes, 'confirm-no': no }).forEach(([id, words]) => {
    $(id).textContent = words;
  });
  $('confirm-yes').className = danger ? 'danger' : 'primary';
  return (await ask($('confirm-dialog'))) === 'yes';
}

// Two taps from the list: today's date, one button saves; null when cancelled.
export async function askForVisit(obligation, { date = null, title = 'Record a visit', planned = false } = {}) {
  const today = render.localIsoDate();
  $('record-title').textContent = title;
  $('record-child').textContent = `${obligation.reference} · ${obligation.initials}, ${obligation.plan_label || obligation.plan_type}`;
  Object.assign($('record-date'), { value: date || today, max: today });
  $('record-alone').checked = false;
  $('record-kind').value = '';
  $('record-kind-row').hidden = planned; // a plan has its kind already
  // "Seen alone" is asked of children, not of a young person leaving care.
  const person = render.personWord(obligation.plan_type);
  $('record-alone-row').hidden = person !== 'child';
  $('record-seen').textContent = `${person === 'child' ? 'Child' : 'Young person'} seen`;
  const choice = await ask($('record-dialog'));
  if (choice !== 'seen' && choice !== 'no-access') return null;
  return { date: $('record-date').value, childSeen: choice === 'seen', seenAlone: $('record-alone').checked, kind: $('record-kind').value || null };
}

// One visit, several children, each answered; null when cancelled.
export async function askForHouseholdVisit(group) {
  const today = render.localIsoDate();
  Object.assign($('household-date'), { value: today, max: today });
  // A row each, the whole row the target: a tap beside one box never lands on another.
  const box = (name, index, words, checked) =>
    render.h('div', { class: 'check-row' }, render.h('input', { type: 'checkbox', id: `hh-${name}-${index}`, checked }), render.h('label', { for: `hh-${name}-${index}` }, words));
  $('household-children').replaceChildren(
    ...group.items.map((item, index) =>
      render.h(
        'fieldset',
        { class: 'household-child' },
        render.h('legend', {}, `${item.reference} · ${item.initials}`),
        box('seen', index, 'Seen', true),
        box('alone', index, 'Seen alone', false),
        box('bedroom', index, 'Bedroom seen', false),
      ),
    ),
  );
  // Not seen cannot be seen alone: unticking "Seen" clears and locks "Seen alone".
  $('household-children').onchange = ({ target }) => {
    const alone = target.id.startsWith('hh-seen-') && $(target.id.replace('seen', 'alone'));
    if (alone) Object.assign(alone, { disabled: !target.checked, checked: alone.checked && target.checked });
  };
  if ((await ask($('household-dialog'))) !== 'save') return null;
  const checked = (name, index) => $(`hh-${name}-${index}`).checked;
  const children = group.items.map((item, index) => ({
    child_id: item.child_id,
    child_seen: checked('seen', index),
    seen_alone: checked('seen', index) && checked('alone', index),
    bedroom_seen: checked('bedroom', index),
  }));
  return { date: $('household-date').value, role: group.role, children };
}
