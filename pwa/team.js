// The team manager's and admin's screens: the team, visits in timescale, a worker's list and
// moving children. Imported when first opened, so a worker's phone never parses it.

import * as api from './api.js';
import { formatDate, formatTime, h, localIsoDate, PLAN_TAGS, planTag, renderPlanCounts, renderTimeliness, renderUnscheduled, renderWorkerLoad, roleWord, statusBadge, svg } from './render.js';
import { confirm } from './visits.js';

const MANAGERS = ['team_manager', 'admin'];
const MONTHS = 'JFMAMJJASOND';

// Kept between screens: the period chosen, and the team last shown (its workers are who a child
// can be moved to, and where a worker's list goes back to).
const seen = { period: null, overview: null, path: null, note: null };

const planName = (planType) => PLAN_TAGS[planType] || planType.replaceAll('_', ' ');
const percent = (row) => (row.due ? `${Math.round((100 * row.in_time) / row.due)}%` : '—');
const plural = (count, word, words = `${word}s`) => `${count} ${count === 1 ? word : words}`;
// The service worker's saved copy, when the network failed: never shown without its age.
const savedNote = (storedAt) => storedAt && h('p', { class: 'notice stale', role: 'status' }, `Offline: as of ${formatTime(storedAt)}`);

// `where`: {teamId} or {workerId} from the path; `reload` builds the screen again.
export async function teamScreen(where, session, reload) {
  const nodes = await (where.workerId ? workerPage(where.workerId, session, reload) : teamPage(where.teamId || session.worker.team_id, session, reload));
  return nodes.filter(Boolean);
}

async function teamPage(teamId, session, reload) {
  const admin = session.worker.role === 'admin';
  const finderPanel = admin ? await finder() : null;
  if (!teamId) return [h('h1', { tabindex: '-1' }, 'Teams and children'), finderPanel];
  const query = seen.period && seen.overview?.team.id === teamId ? `?${new URLSearchParams(seen.period)}` : '';
  const { body, storedAt } = await api.getTeamOverview(teamId, query);
  Object.assign(seen, { overview: body, path: location.pathname });
  const workers = workersByAttention(body.workers);
  const note = seen.note;
  seen.note = null;
  return [
    h('h1', { tabindex: '-1' }, body.team.name),
    note ? h('p', { class: 'notice', role: 'alert' }, note) : savedNote(storedAt),
    finderPanel,
    h('h2', {}, 'Each worker, by what needs attention'),
    h('ul', { class: 'workers' }, workerRows(workers, session.worker.id)),
    h('h2', {}, `Overdue (${body.overdue.length})`),
    body.overdue.length ? h('ul', { class: 'overdue-list' }, byLateness(body.overdue).map(overdueRow)) : h('p', {}, 'Nothing is overdue.'),
    renderUnscheduled(body.unscheduled, api.routes.child),
    outsideSection(body.allocated_outside || [], body.unallocated || [], body.workers, reload),
    supervisedSection([...(body.supervised_outside || []), ...(body.unsupervised || [])], body.workers, reload),
    body.plans ? renderPlanCounts(body.plans) : null,
    carersAndChecks(body),
    ...timescale(body, workers, reload),
    ...trend(body.trend || []),
    deadlinesTable(body.deadlines || []),
    h('p', {}, h('a', { href: api.overviewCsvUrl(teamId, `?${new URLSearchParams({ from: body.timeliness.from, to: body.timeliness.to })}`), download: true }, 'Download this overview (CSV)'), ' or ', h('a', { href: api.overviewCsvUrl(teamId, '?section=overdue'), download: true }, 'the overdue list')),
    session.worker.role === 'team_manager' ? h('p', {}, h('a', { href: api.routes.settings() }, 'The team’s calendar feed is in Settings')) : null,
  ];
}

// Overdue first, then due today, then due soon; a manager is listed only when holding cases.
function workersByAttention(workers) {
  const load = (worker) => worker.overdue + worker.due_today + worker.due_soon;
  const shown = workers.filter((worker) => !MANAGERS.includes(worker.role) || load(worker) > 0);
  shown.sort((a, b) => b.overdue - a.overdue || b.due_today - a.due_today || b.due_soon - a.due_soon || a.name.localeCompare(b.name));
  return shown;
}

// The manager's own row goes to their own list (the worker route is for others' lists).
function workerRows(workers, myId) {
  const scale = Math.max(1, ...workers.map((worker) => worker.overdue + worker.due_today + worker.due_soon));
  return workers.map((worker) => {
    const row = renderWorkerLoad(worker, scale);
    row.firstChild.replaceChildren(h('a', { href: worker.id === myId ? api.routes.visits() : api.routes.worker(worker.id) }, worker.name));
    return row;
  });
}

// Latest first; child protection first among visits as late.
function byLateness(overdue) {
  const cp = (item) => Number(item.plan_type === 'child_protection');
  return [...overdue].sort((a, b) => b.days_overdue - a.days_overdue || cp(b) - cp(a));
}

function overdueRow(item) {
  return h(
    'li',
    {},
    h('a', { href: api.routes.child(item.child_id) }, `${item.reference} · ${item.initials}`),
    h('p', {}, h('strong', {}, `${plural(item.days_overdue, 'day')} overdue`), ` (due ${formatDate(item.due)}) `, item.escalated && h('span', { class: 'tag' }, 'Escalated')),
    h('p', {}, planTag(item.plan_type), `${item.plan_label || planName(item.plan_type)} · ${roleWord(item.role)}: ${item.worker_name}`),
    h('p', { class: 'visit-plan' }, `Last visit ${formatDate(item.last_visit)} · last no access ${formatDate(item.last_no_access)}`),
  );
}

// Per worker, in the order and for the workers listed above.
function timescale(overview, workers, reload) {
  const { from, to } = overview.timeliness;
  const rows = Object.fromEntries((overview.by_worker || []).map((row) => [row.worker_id, row]));
  const byWorker = workers.filter((worker) => rows[worker.id]).map((worker) => [worker.name, rows[worker.id]]);
  return [
    h('h2', {}, 'Visits in timescale'),
    periodForm(from, to, reload),
    h('p', {}, `Of the visits that fell due from ${formatDate(from)} to ${formatDate(to)}, how many were made on or before their due date. No-access attempts (child not seen) are counted beside them.`),
    renderTimeliness(overview.timeliness),
    countsTable('By plan type', 'Plan', (overview.by_plan_type || []).map((row) => [planName(row.plan_type), row])),
    countsTable('By worker', 'Worker', byWorker),
  ];
}

function periodForm(from, to, reload) {
  const start = h('input', { type: 'date', id: 'period-from', value: from, required: true });
  const end = h('input', { type: 'date', id: 'period-to', value: to, min: from, required: true });
  const form = h('form', { class: 'stack' }, h('label', { for: 'period-from' }, 'From'), start, h('label', { for: 'period-to' }, 'To'), end, h('button', { class: 'secondary' }, 'Show this period'));
  // The browser refuses an end before the start, in its own words.
  start.addEventListener('input', () => (end.min = start.value));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    seen.period = { from: start.value, to: end.value };
    reload();
  });
  return form;
}

// Rows of [label, {due, in_time, no_access}]; the trend's months have no no-access column.
function countsTable(caption, first, rows, className = 'counts-table') {
  if (!rows.length) return null;
  const words = [first, 'Fell due', 'In time', '%', 'No access'].slice(0, 'no_access' in rows[0][1] ? 5 : 4);
  const cells = (row) => [row.due, row.in_time, percent(row), row.no_access].slice(0, words.length - 1).map((value) => h('td', {}, String(value)));
  return h(
    'table',
    { class: className },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, words.map((word) => h('th', { scope: 'col' }, word)))),
    h('tbody', {}, rows.map(([label, row]) => h('tr', {}, h('th', { scope: 'row' }, label), cells(row)))),
  );
}

// Deadlines that are not visits (conferences, core groups, reviews, write-ups), per kind, for the period.
function deadlinesTable(rows) {
  if (!rows.length) return null;
  const head = ['Deadline', 'Fell due', 'In time', 'Overdue'].map((word) => h('th', { scope: 'col' }, word));
  const cells = (row) => [row.due, row.met_in_time, row.overdue].map((value) => h('td', {}, String(value)));
  const body = rows.map((row) => h('tr', {}, h('th', { scope: 'row' }, row.kind.replaceAll('_', ' ')), cells(row)));
  return h('table', { class: 'counts-table' }, h('caption', {}, 'Other deadlines in the period'), h('thead', {}, h('tr', {}, head)), h('tbody', {}, body));
}

// One small chart per plan type: a bar a month, its height the percentage in timescale.
function trend(entries) {
  const byPlan = new Map();
  for (const entry of entries) byPlan.set(entry.plan_type, [...(byPlan.get(entry.plan_type) || []), entry]);
  if (!byPlan.size) return [];
  return [h('h2', {}, 'Visits in timescale, last 12 months'), ...[...byPlan].map(([planType, months]) => trendChart(planName(planType), months.sort((a, b) => a.month.localeCompare(b.month))))];
}

function trendChart(name, months) {
  const chart = svg('svg', { viewBox: '0 -16 360 140', 'aria-hidden': 'true' }, svg('line', { x1: 0, x2: 360, y1: 100, y2: 100 }));
  months.forEach((month, index) => {
    const x = index * 30 + 15;
    const share = month.due ? Math.round((100 * month.in_time) / month.due) : null;
    if (share !== null) chart.append(svg('rect', { x: x - 11, y: 100 - share, width: 22, height: share }), svg('text', { x, y: 96 - share }, String(share)));
    chart.append(svg('text', { x, y: 118, class: 'month' }, MONTHS[Number(month.month.slice(5)) - 1]));
  });
  return h(
    'figure',
    { class: 'trend' },
    h('figcaption', {}, `${name}: % in timescale, ${months[0].month} to ${months[months.length - 1].month}`),
    chart,
    countsTable(`${name}, visits in timescale by month`, 'Month', months.map((month) => [month.month, month]), 'sr-only'),
  );
}

// Admins: any team, and any child by reference or initials.
async function finder() {
  const { body } = await api.getTeams();
  const input = h('input', { type: 'search', id: 'find-child', autocomplete: 'off', required: true });
  const found = h('ul', { class: 'overdue-list', 'aria-live': 'polite' });
  const form = h('form', { class: 'stack' }, h('label', { for: 'find-child' }, 'Find a child by reference or initials'), input, h('button', { class: 'secondary' }, 'Find'), found);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const children = await api.findChildren(input.value.trim()).then(({ body }) => body.children, () => null);
    found.replaceChildren(...(children || []).map((child) => h('li', {}, h('a', { href: api.routes.child(child.id) }, `${child.reference} · ${child.initials}`))));
    if (!children?.length) found.append(h('li', {}, children ? 'No child found.' : 'No connection: try again with signal.'));
  });
  return h('section', { class: 'panel' }, h('h2', {}, 'Teams'), h('ul', { class: 'overdue-list' }, body.teams.map((team) => h('li', {}, h('a', { href: api.routes.teamOf(team.id) }, team.name)))), form);
}

// ---- one worker's list, and moving children from it

async function workerPage(workerId, session, reload) {
  const { body, storedAt } = await api.getWorkerCaseload(workerId);
  // Opened directly (a reload, a link): the manager's own team gives the colleagues.
  const own = !seen.overview && session.worker.team_id;
  const team = own ? (await api.getTeamOverview(own)).body : seen.overview;
  const worker = team?.workers.find((item) => item.id === workerId);
  const rows = body.obligations.map((obligation, index) => caseRow(obligation, index));
  const note = seen.note;
  seen.note = null;
  return [
    h('p', { class: 'back' }, h('a', { href: seen.path || api.routes.team() }, `← ${team ? team.team.name : 'Team'}`)),
    h('h1', { tabindex: '-1' }, worker ? worker.name : 'Worker’s visits'),
    note ? h('p', { class: 'notice', role: 'alert' }, note) : savedNote(storedAt),
    rows.length ? h('ul', { class: 'obligations' }, rows) : h('p', {}, 'Nothing is due on this list.'),
    renderUnscheduled(body.unscheduled, api.routes.child),
    rows.length && team ? moveForm(body.obligations, team.workers.filter((item) => item.id !== workerId), reload) : null,
    team && MANAGERS.includes(session.worker.role) ? await coverPanel(workerId, worker?.name || 'this worker', team.workers.filter((item) => item.id !== workerId), reload) : null,
  ];
}

function caseRow(obligation, index) {
  const name = `${obligation.reference} · ${obligation.initials}`;
  return h(
    'li',
    { class: `obligation status-${obligation.status}` },
    h('div', { class: 'visit-main' }, h('a', { href: api.routes.child(obligation.child_id), class: 'visit-child' }, name), statusBadge(obligation.status)),
    h('p', { class: 'visit-plan' }, planTag(obligation.plan_type), `${obligation.plan_label || planName(obligation.plan_type)} · ${roleWord(obligation.role)}`),
    h('p', {}, `Due ${formatDate(obligation.due)} · last visit ${formatDate(obligation.last_visit)}`),
    h('div', { class: 'check-row' }, h('input', { type: 'checkbox', id: `move-${index}`, form: 'move-form', name: 'move', value: String(index) }), h('label', { for: `move-${index}` }, `Move ${name}`)),
  );
}

function moveForm(obligations, colleagues, reload) {
  const target = h('select', { id: 'move-to', required: true }, h('option', { value: '' }, 'Choose a colleague'), colleagues.map((worker) => h('option', { value: worker.id }, worker.name)));
  const from = h('input', { type: 'date', id: 'move-from', value: localIsoDate(), required: true });
  const status = h('p', { role: 'status' });
  const form = h(
    'form',
    { id: 'move-form', class: 'stack panel' },
    h('h2', {}, 'Move the children ticked above'),
    h('label', { for: 'move-to' }, 'To'),
    target,
    h('label', { for: 'move-from' }, 'From'),
    from,
    h('button', { class: 'primary' }, 'Move'),
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = [...document.querySelectorAll('input[name=move]:checked')].map((box) => obligations[box.value]);
    if (!chosen.length) return (status.textContent = 'Tick the children to move first.');
    const to = target.selectedOptions[0].text;
    if (!(await confirm(`Move ${plural(chosen.length, 'child', 'children')} to ${to}?`, `From ${formatDate(from.value)}; the history is kept.`, 'Move', 'Cancel', { danger: false }))) return;
    const failures = [];
    for (const obligation of chosen) {
      await api.reallocate(obligation.child_id, { role: obligation.role, worker_id: target.value, from: from.value }).catch((error) => failures.push(`${obligation.reference}: ${moveProblem(error)}`));
    }
    // Said on the list as rebuilt, which no longer holds the children moved.
    seen.note = `${chosen.length - failures.length} moved to ${to}.${failures.length ? ` Not moved: ${failures.join('; ')}` : ''}`;
    reload();
  });
  return form;
}

// The team's children a worker of another team holds (one moved, say), and those whose role nobody holds
// (the worker left): only this team's manager allocates them, with one move form. A child allocated in no
// role whose plan no rule covers has no role to allocate: listed with the reason, no tick box.
function outsideSection(outside, unallocated, colleagues, reload) {
  const rows = [...outside, ...unallocated];
  if (!rows.length) return null;
  const row = (item, index) => h('li', {}, h('a', { href: api.routes.child(item.child_id) }, `${item.reference} · ${item.initials}`), item.role ? ` ${roleWord(item.role)}: ${item.worker_name ? `${item.worker_name}${item.team_name ? `, ${item.team_name}` : ''}` : 'nobody'} ` : ` ${item.reason}`, item.status && statusBadge(item.status), item.role && h('div', { class: 'check-row' }, h('input', { type: 'checkbox', id: `move-${index}`, form: 'move-form', name: 'move', value: String(index) }), h('label', { for: `move-${index}` }, `Move ${item.reference}`)));
  const list = (title, from, to) => (to > from ? [h('h2', {}, `${title} (${to - from})`), h('ul', {}, rows.slice(from, to).map((item, index) => row(item, from + index)))] : []);
  return h('section', { class: 'outside' }, list('Allocated outside the team: reallocate', 0, outside.length), list('Not allocated: allocate', outside.length, rows.length), moveForm(rows, colleagues, reload));
}

// The team's carers a worker of another team supervises, or nobody: this team's manager gives each one of the team.
function supervisedSection(rows, colleagues, reload) {
  if (!rows.length) return null;
  const row = (item) => {
    const to = h('select', { 'aria-label': `Supervising social worker for ${item.reference}`, required: true }, h('option', { value: '' }, 'Choose a colleague'), colleagues.map((worker) => h('option', { value: worker.id }, worker.name)));
    const form = h('form', { class: 'check-row' }, to, h('button', { class: 'secondary' }, 'Supervise'));
    form.onsubmit = (event) => {
      event.preventDefault();
      const said = (text) => (seen.note = `${item.reference}: ${text}`);
      api.updateCarer(item.carer_id, { supervising_worker_id: to.value }).then(() => said(`supervised by ${to.selectedOptions[0].text}.`), (error) => said(moveProblem(error))).then(reload);
    };
    return h('li', {}, `${item.reference} · ${item.initials} supervised by ${item.worker_name || 'nobody'}${item.team_name ? `, ${item.team_name}` : ''} `, item.status && statusBadge(item.status), form);
  };
  return h('section', { class: 'supervised' }, h('h2', {}, `Carers supervised outside the team or by nobody: change (${rows.length})`), h('ul', {}, rows.map(row)));
}

// The team's carers and practice checks, a line each.
function carersAndChecks({ carers: c, practice_checks: checks }) {
  return h(
    'section',
    { class: 'panel' },
    c && h('p', {}, `Carers: ${c.overdue} overdue, ${c.due_today} due today, ${c.due_soon} due soon`),
    checks && h('p', {}, `Practice checks: ${plural(checks.children, 'child', 'children')} (not seen alone ${checks.seen_alone}, bedroom ${checks.bedroom_seen}, awake ${checks.seen_awake})`),
  );
}

// "Act for", and the cover to come, each with End.
async function coverPanel(workerId, name, colleagues, reload) {
  const covers = (await api.cover(workerId).catch(() => null))?.body.covers || [];
  const who = h('select', { id: 'cover-who', required: true }, h('option', { value: '' }, 'Choose a colleague'), colleagues.map((worker) => h('option', { value: worker.id }, worker.name)));
  const from = h('input', { type: 'date', id: 'cover-from', value: localIsoDate(), required: true });
  const until = h('input', { type: 'date', id: 'cover-until', required: true });
  const act = (...args) => api.cover(workerId, ...args).catch((error) => (seen.note = moveProblem(error))).then(reload);
  const form = h('form', { id: 'cover-form', class: 'stack panel' }, h('label', { for: 'cover-who' }, `Let a colleague record visits for ${name}`), who, h('label', { for: 'cover-from' }, 'From'), from, h('label', { for: 'cover-until' }, 'To'), until, h('button', { class: 'secondary' }, 'Let them'));
  for (const cover of covers) {
    const end = h('button', { type: 'button', class: 'secondary' }, 'End');
    end.onclick = () => act('DELETE', undefined, cover.id);
    form.append(h('p', {}, `${cover.worker_name}: ${formatDate(cover.from)} to ${formatDate(cover.until)} `, end));
  }
  form.onsubmit = (event) => {
    event.preventDefault();
    act('POST', { worker_id: who.value, from: from.value, until: until.value });
  };
  return form;
}

function moveProblem(error) {
  if (!(error instanceof api.ApiError)) return 'no connection, try again with signal';
  if (error.status === 404) return 'not a child or colleague you manage';
  if (error.status === 422) return error.fieldMessages().join(' ') || error.message;
  return error.message;
}
