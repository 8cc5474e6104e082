// Carers the worker supervises (the caseload's `carers`): visits due, recorded through the outbox.

import { formatDate, h, statusBadge } from './render.js';

const DUTY = { visit: 'Supervisory visit', unannounced: 'Unannounced visit' };

function row(item, pending) {
  const name = `${item.reference} · ${item.initials}`;
  const button = (unannounced, text) =>
    h('button', { type: 'button', class: unannounced ? 'secondary' : 'record', dataset: { carerAction: String(unannounced) } }, text);
  return h(
    'li',
    { class: `visit carer status-${item.status}`, dataset: { carerId: item.carer_id } },
    h('div', { class: 'visit-main' }, h('span', { class: 'visit-child' }, name), statusBadge(item.status)),
    h('p', { class: 'visit-plan' }, `${DUTY[item.duty] || item.duty} · ${item.carer_label}`),
    item.covering_for && h('p', { class: 'tag' }, `Covering for ${item.covering_for}`),
    h('p', { class: 'visit-dates' }, `Due ${formatDate(item.due)} · plan by ${formatDate(item.plan_by)}`),
    pending ? h('p', { class: 'pending-note' }, 'Visit waiting to sync') : null,
    button(false, 'Record visit'),
    button(true, 'Unannounced'),
  );
}

// The section below the children's groups, or nothing for a worker who supervises no carer.
export function renderCarers(carers = [], entries = []) {
  if (!carers.length) return null;
  const waiting = new Set(entries.filter((entry) => entry.type === 'carer_visit').map((entry) => entry.body.carer_id));
  return h(
    'section',
    { class: 'group', 'aria-labelledby': 'group-carers' },
    h('h2', { id: 'group-carers' }, `Carers (${carers.length})`),
    h('ul', { class: 'visits' }, carers.map((item) => row(item, waiting.has(item.carer_id)))),
  );
}

// A tap on a row's button: the outbox action recording it (null for any other tap).
export function carerVisitOf(target, carers, today) {
  const button = target.closest('button[data-carer-action]');
  const item = button && carers.find((carer) => carer.carer_id === button.closest('li').dataset.carerId);
  if (!item) return null;
  return {
    type: 'carer_visit',
    planId: null,
    body: { carer_id: item.carer_id, date: today, unannounced: button.dataset.carerAction === 'true' },
    label: { reference: item.reference, initials: item.initials },
  };
}
