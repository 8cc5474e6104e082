// DOM from API data, no network: text only through textContent, so nothing becomes markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Short tags a worker reads at a glance; a care leaver is a young person, not a child.
export const PLAN_TAGS = { child_in_need: 'CIN', child_protection: 'CP', cared_for: 'CLA', care_leaver: 'Care leaver' };

export function planTag(planType) {
  return PLAN_TAGS[planType] ? h('span', { class: 'tag' }, PLAN_TAGS[planType]) : null;
}

export function personWord(planType) {
  return planType === 'care_leaver' ? 'young person' : 'child';
}

export const STATUS_WORDS = {
  overdue: 'Overdue',
  due_today: 'Due today',
  due_soon: 'Due soon',
  ok: 'On track',
};

const ROLE_WORDS = {
  social_worker: 'social worker',
  personal_adviser: 'personal adviser',
  supervising_social_worker: 'supervising social worker',
  early_help_practitioner: 'early help practitioner',
};

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

// Dates from the API are calendar dates: parse them as UTC noon so no time zone shifts the day.
function isoToDate(iso) {
  return new Date(`${iso}T12:00:00Z`);
}

export function formatDate(iso) {
  if (!iso) return '—';
  return isoToDate(iso).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function formatLongDate(iso) {
  return isoToDate(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function formatTime(when) {
  return new Date(when).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function formatAge(when, now = Date.now()) {
  const minutes = Math.max(0, Math.round((now - new Date(when).getTime()) / 60000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function localIsoDate(now = new Date()) {
  const pad = (number) => String(number).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function addDays(iso, days) {
  const day = isoToDate(iso);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

// Child protection first among equals: of visits due the same day, the CP ones lead.
function cpFirst(obligations) {
  const rank = (item) => (item.plan_type === 'child_protection' ? 0 : 1);
  return [...obligations].sort((a, b) => a.due.localeCompare(b.due) || rank(a) - rank(b));
}

// Today and overdue, the rest of this week (to Sunday), later; the API's order is kept.
export function groupObligations(obligations, asOf) {
  const sunday = addDays(asOf, (7 - isoToDate(asOf).getUTCDay()) % 7);
  const groups = [
    { id: 'now', title: 'Today and overdue', items: [] },
    { id: 'week', title: 'Later this week', items: [] },
    { id: 'later', title: 'Later', items: [] },
  ];
  for (const obligation of cpFirst(obligations)) {
    const group = obligation.due <= asOf ? 0 : obligation.due <= sunday ? 1 : 2;
    groups[group].items.push(obligation);
  }
  return groups.filter((group) => group.items.length > 0);
}

export function countByStatus(obligations) {
  const counts = { overdue: 0, due_today: 0, due_soon: 0, ok: 0 };
  for (const obligation of obligations) counts[obligation.status] = (counts[obligation.status] || 0) + 1;
  return counts;
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, STATUS_WORDS[status] || status);
}

// Each tile is a toggle that shows only its rows ('' : all of them).
export function renderCounts(obligations, filter = '') {
  const counts = countByStatus(obligations);
  const tile = (status, count, words) =>
    h(
      'li',
      { class: `count ${status ? `status-${status}` : ''}` },
      h('button', { type: 'button', class: 'count-button', dataset: { filter: status }, 'aria-pressed': String(filter === status) }, h('strong', {}, String(count)), ` ${words}`),
    );
  return ['overdue', 'due_today', 'due_soon'].map((status) => tile(status, counts[status], STATUS_WORDS[status])).concat(tile('', obligations.length, 'in total'));
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function roleWord(role) {
  return ROLE_WORDS[role] || role.replaceAll('_', ' ');
}

function pendingNote(pending) {
  if (pending.length === 0) return null;
  const latest = pending[pending.length - 1];
  const seen = latest.visit.child_seen ? 'child seen' : 'no access';
  return h('p', { class: 'pending-note' }, `Visit ${formatDate(latest.visit.date)} (${seen}) waiting to sync`);
}

function daysBetween(fromIso, toIso) {
  return Math.round((isoToDate(toIso) - isoToDate(fromIso)) / 86_400_000);
}

// "12 days overdue (due Mon 4 Jan)": how late, not only since when.
function dueWords(obligation, asOf) {
  const late = asOf ? daysBetween(obligation.due, asOf) : 0;
  const due = `Due ${formatDate(obligation.due)}`;
  if (obligation.status !== 'overdue' || late <= 0) return due;
  return `${late} day${late === 1 ? '' : 's'} overdue (due ${formatDate(obligation.due)})`;
}

// A visit tried without seeing the child: recorded, but the visit is still due.
function attemptNote(day) {
  return day ? h('p', { class: 'attempt-note' }, `No access on ${formatDate(day)}: the visit is still due`) : null;
}

// The latest no-access attempt since the last visit that counted (as last_no_access).
export function lastNoAccess(visits, obligation) {
  const tried = visits.filter(
    (visit) =>
      visit.role === obligation.role && !visit.child_seen && !visit.withdrawn_at && [null, 'home_visit', 'visit_elsewhere'].includes(visit.kind) && visit.date > (obligation.last_visit || ''),
  );
  return tried.map((visit) => visit.date).sort().at(-1) || null;
}

export function renderVisitRow(obligation, childHref, pending, asOf = null) {
  const name = `${obligation.reference} · ${obligation.initials}`;
  return h(
    'li',
    { class: `visit status-${obligation.status}`, dataset: { childId: obligation.child_id, role: obligation.role } },
    h(
      'div',
      { class: 'visit-main' },
      h('a', { href: childHref, class: 'visit-child' }, name),
      statusBadge(obligation.status),
    ),
    h('p', { class: 'visit-plan' }, planTag(obligation.plan_type), `${obligation.plan_label || obligation.plan_type} · ${roleWord(obligation.role)}`),
    obligation.covering_for && h('p', { class: 'tag' }, `Covering for ${obligation.covering_for}`),
    h('p', { class: 'visit-dates' }, `${dueWords(obligation, asOf)} · plan by ${formatDate(obligation.plan_by)}`),
    attemptNote(obligation.last_no_access),
    pendingNote(pending),
    h(
      'button',
      { type: 'button', class: 'record', dataset: { action: 'record' }, 'aria-label': `Record visit for ${name}` },
      'Record visit',
    ),
  );
}

const ENTRY_STATE_WORDS = {
  pending: 'Waiting to sync',
  sent: 'Sent',
  needs_sign_in: 'Waiting: sign in again to send',
  rejected: 'Not saved: needs you',
};

const PLAN_ACTION_WORDS = {
  plan: 'plan',
  cancel_plan: 'plan cancelled',
  complete_plan: 'visit recorded from the plan',
  withdraw_visit: 'visit withdrawn (recorded in error)',
  household_visit: 'household visit',
  carer_visit: 'carer visited today',
  written_up: 'visit written up',
};

function outboxTitle(entry, label) {
  if (entry.type === 'plan') return `${label}: plan ${formatDate(entry.body.starts_at.slice(0, 10))} ${entry.body.starts_at.slice(11, 16)}`;
  if (entry.type) return `${label}: ${PLAN_ACTION_WORDS[entry.type]}`;
  const seen = entry.visit.child_seen ? (entry.visit.seen_alone ? 'child seen alone' : 'child seen') : 'no access';
  return `${label}: ${formatDate(entry.visit.date)}, ${seen}`;
}

function entryStateWords(entry, otherAccount) {
  if (otherAccount) return 'Recorded under another account: sign in as that person to send it';
  if (entry.state === 'sent') return `Sent ${formatTime(entry.sent_at)}: the server has it${entry.withdrawn_at ? '; withdrawn: recorded in error' : ''}`;
  return ENTRY_STATE_WORDS[entry.state];
}

export function renderOutboxEntry(entry, currentWorkerId) {
  const label = entry.label ? `${entry.label.reference} · ${entry.label.initials}` : 'Visit';
  const otherAccount = currentWorkerId && entry.worker_id !== currentWorkerId;
  const problem = entry.problem;
  return h(
    'li',
    { class: `outbox-entry state-${entry.state}`, dataset: { entryId: entry.id } },
    h('p', { class: 'entry-title' }, outboxTitle(entry, label)),
    h('p', { class: 'entry-state' }, entryStateWords(entry, otherAccount)),
    problem ? h('p', { class: 'entry-problem' }, problem.message) : null,
    problem && problem.details.length ? h('ul', { class: 'entry-details' }, problem.details.map((line) => h('li', {}, line))) : null,
    entry.state !== 'sent'
      ? h('button', { type: 'button', class: 'secondary', dataset: { action: 'discard' } }, entry.type ? 'Discard this change' : 'Discard this visit')
      : null,
    // A household visit's answer named each child's visit (an older service worker's kept none).
    entry.state === 'sent' && !entry.withdrawn_at && (entry.visit || entry.visits?.length)
      ? h('button', { type: 'button', class: 'secondary', dataset: { action: 'withdraw' } }, 'Withdraw: recorded in error')
      : null,
  );
}

// Conditions a procedure asks of the last visits (seen alone, bedroom): never moving a due date.
function renderChecks(checks = []) {
  return checks.length ? h('ul', { class: 'practice-checks' }, checks.map((check) => h('li', {}, `${check.message} `, h('small', {}, check.source)))) : null;
}

export function renderChild(child, obligations, projections, visitsHref, checks = []) {
  const projectionsByRole = Object.fromEntries(projections.map((projection) => [projection.role, projection.dates]));
  return [
    h('p', { class: 'back' }, h('a', { href: visitsHref }, '← My visits')),
    h('h1', { tabindex: '-1' }, child.name),
    h('p', { class: 'child-ref' }, `${child.reference} · ${child.initials}`),
    h('h2', {}, 'Visits due'),
    h(
      'div',
      {},
      obligations.length
        ? h('ul', { class: 'obligations' }, obligations.map((obligation) => renderObligation(obligation, projectionsByRole[obligation.role], lastNoAccess(child.visits, obligation))))
        : h('p', {}, 'No visits are due for this child.'),
      renderChecks(checks),
    ),
    h('h2', {}, 'Last visits'),
    child.visits.length
      ? h('ul', { class: 'past-visits' }, lastVisits(child.visits).map((visit) => renderPastVisit(visit, child)))
      : h('p', {}, 'No visits recorded yet.'),
  ];
}

// Deadlines that are not visits (conference, review, write-up), soonest first.
export function renderDeadlines(deadlines) {
  const item = (deadline) =>
    h(
      'li',
      { class: `obligation status-${deadline.status}` },
      h('div', { class: 'visit-main' }, h('h3', {}, deadline.explanation.split(':')[0]), statusBadge(deadline.status)),
      h('p', {}, `Due ${formatDate(deadline.due)}`),
      h('p', { class: 'explanation' }, deadline.explanation),
    );
  return deadlines.length ? [h('h2', {}, 'Other deadlines'), h('ul', { class: 'deadlines' }, deadlines.map(item))] : [];
}

function renderObligation(obligation, projected, attempted) {
  return h(
    'li',
    { class: `obligation status-${obligation.status}` },
    h('div', { class: 'visit-main' }, h('h3', {}, `${capitalise(roleWord(obligation.role))} visit`), statusBadge(obligation.status)),
    h('p', {}, `Due ${formatDate(obligation.due)} · plan by ${formatDate(obligation.plan_by)}`),
    h('p', { class: 'why-title' }, 'Why is it due then?'),
    h('p', { class: 'explanation' }, obligation.explanation),
    attemptNote(attempted),
    projected && projected.length
      ? h('p', { class: 'projection' }, `Projected due dates, if each visit is made when due (today, if late): ${projected.map(formatDate).join(', ')}`)
      : null,
  );
}

const REMOTE_CONTACTS = { phone: 'phone call', video: 'video call', text: 'text message' };

// The five latest visits that count, then the withdrawn ones among them: never shown as the last visit.
function lastVisits(visits) {
  const counted = visits.filter((visit) => !visit.withdrawn_at).slice(0, 5);
  const since = counted.length === 5 ? counted[4].date : '';
  return [...counted, ...visits.filter((visit) => visit.withdrawn_at && visit.date >= since)];
}

function renderPastVisit(visit, child) {
  const seen = visit.child_seen ? (visit.seen_alone ? 'child seen alone' : 'child seen') : 'no access';
  if (visit.withdrawn_at) return h('li', { class: 'withdrawn' }, `${formatLongDate(visit.date)}: ${REMOTE_CONTACTS[visit.kind] || seen}, withdrawn: recorded in error`);
  // Keeping-in-touch contacts are history, but only contact in person counts as a visit.
  const remote = REMOTE_CONTACTS[visit.kind];
  if (remote) return h('li', { class: 'remote-contact' }, `${formatLongDate(visit.date)}: ${remote} (${roleWord(visit.role)}), does not count as a visit`);
  // A write-up deadline counts from the visit until its record is marked complete (queued offline).
  const writeUp = visit.written_up
    ? ', written up'
    : visit.id && !visit.withdrawn_at && h('button', { type: 'button', class: 'secondary', dataset: { action: 'written-up', visitId: visit.id, reference: child.reference, initials: child.initials } }, 'Written up');
  return h('li', {}, `${formatLongDate(visit.date)}: ${roleWord(visit.role)}, ${seen}`, writeUp || null);
}

export function renderWorkerLoad(worker, scale) {
  const parts = [
    ['overdue', worker.overdue],
    ['due_today', worker.due_today],
    ['due_soon', worker.due_soon],
  ];
  const words = parts.map(([status, count]) => `${count} ${STATUS_WORDS[status].toLowerCase()}`).join(', ');
  let x = 0;
  const bars = parts.map(([status, count]) => {
    const width = scale > 0 ? (count / scale) * 200 : 0;
    const rect = svg('rect', { x: String(x), y: '0', width: String(width), height: '16', class: `bar status-${status}` });
    x += width;
    return rect;
  });
  return h(
    'li',
    { class: 'worker-load' },
    h('p', { class: 'worker-name' }, worker.name),
    svg('svg', { viewBox: '0 0 200 16', preserveAspectRatio: 'none', width: '100%', height: '16', 'aria-hidden': 'true', class: 'load-chart' }, ...bars),
    h('p', { class: 'worker-counts' }, words),
  );
}

export function renderTimeliness(timeliness) {
  const percent = timeliness.percent === null || timeliness.percent === undefined ? null : Number(timeliness.percent);
  const label =
    percent === null
      ? `No visits fell due between ${formatDate(timeliness.from)} and ${formatDate(timeliness.to)}`
      : `${Math.round(percent)}% of visits in time: ${timeliness.in_time} of ${timeliness.fell_due} between ${formatDate(timeliness.from)} and ${formatDate(timeliness.to)}`;
  const filled = percent === null ? 0 : Math.max(0, Math.min(100, percent)) * 2;
  return h(
    'figure',
    { class: 'timeliness' },
    svg(
      'svg',
      { viewBox: '0 0 200 24', preserveAspectRatio: 'none', width: '100%', height: '24', role: 'img', 'aria-label': label, class: 'timeliness-chart' },
      svg('rect', { x: '0', y: '0', width: '200', height: '24', class: 'track' }),
      svg('rect', { x: '0', y: '0', width: String(filled), height: '24', class: 'fill' }),
    ),
    h('figcaption', {}, label),
  );
}

export function renderPlanCounts(plans) {
  const rows = ['overdue', 'due_today', 'due_soon'].map((status) => {
    const counts = plans[status];
    return h('li', { class: `plan-counts status-${status}` }, `${STATUS_WORDS[status]}: ${counts.on_time} planned on time, ${counts.late} planned late, ${counts.none} not planned`);
  });
  return h('section', { class: 'plan-summary', 'aria-labelledby': 'plan-summary-title' }, h('h2', { id: 'plan-summary-title' }, 'Planned visits'), h('ul', {}, rows));
}

// The caseload's deadlines overdue or due this week (write-ups, core groups, reviews), compactly.
export function renderWeekDeadlines(items = [], childHref) {
  if (!items.length) return null;
  const item = (d) => h('li', {}, h('a', { href: childHref(d.child_id) }, `${d.reference} · ${d.initials}`), ` ${d.explanation.split(':')[0]}, ${formatDate(d.due)}${d.covering_for ? ` (covering for ${d.covering_for})` : ''} `, statusBadge(d.status));
  return h('section', { class: 'deadlines' }, h('h2', {}, `Other deadlines this week (${items.length})`), h('ul', {}, items.map(item)));
}

export function renderUnscheduled(items = [], childHref) {
  if (!items.length) return null;
  return h(
    'section',
    { class: 'unscheduled' },
    h('h2', {}, `No visiting rule: check these children (${items.length})`),
    h('ul', {}, items.map((item) => h('li', {}, h('a', { href: childHref(item.child_id) }, `${item.reference} · ${item.initials}`), ` ${item.plan_label}: ${item.reason}${item.worker_name ? `, ${item.worker_name}` : ''}${item.covering_for ? ` (covering for ${item.covering_for})` : ''}`))),
  );
}
