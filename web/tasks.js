// Colmena dashboard, the TaskHistory table: its filters, paging and CSV link; rows drawn anew only
// when their task changed.
import { state } from './state.js';
import { t } from './i18n.js';
import { fmtDuration, fmtNumber, fmtRelative, fmtTime, shorten } from './format.js';
import { fmtError, fmtMoves, fmtParams, fmtReason, fmtStatus, fmtType } from './phrases.js';
import { $, el, progressLine } from './dom.js';
import { renderSummary } from './summary.js';
import { pollNow } from './poll.js';

const PAGE_SIZE = 25;

export function tasksStart() {
  $('task-filters').addEventListener('change', onFilterChange);
  $('task-filters').addEventListener('submit', (e) => e.preventDefault());
  $('summary').addEventListener('click', onStatusShortcut);
  $('older').addEventListener('click', onOlder);
  $('newer').addEventListener('click', onNewer);
  $('newest').addEventListener('click', onNewest);
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
  return q;
}

export function tasksUrl() {
  const q = filterQuery();
  q.set('limit', String(PAGE_SIZE));
  if (state.cursor) q.set('before', state.cursor);
  return '/api/tasks?' + q.toString();
}

/** Node and type choices, and the CSV link for the filters shown. */
export function renderFilters() {
  const nodeIds = (state.nodes || []).map((n) => n.id).sort();
  fillSelect($('f-node'), nodeIds, state.filters.node);
  fillSelect($('f-type'), state.types ? state.types.types.map((x) => x.name) : [], state.filters.type, fmtType);
  $('f-status').value = state.filters.status;
  const q = new URLSearchParams({ node: state.filters.node, status: state.filters.status, type: state.filters.type });
  // For the spreadsheet that will open it: Spanish Excel splits on ';' and needs the BOM to read
  // UTF-8; times in this browser's zone; a file named after the day.
  if (state.lang === 'es') q.set('sep', 'semicolon');
  q.set('bom', '1');
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) q.set('tz', zone);
  const href = '/api/tasks.csv?' + q.toString();
  if ($('csv-link').getAttribute('href') !== href) $('csv-link').href = href;
  const day = new Date();
  const name = t('csvFile', { date: day.getFullYear() + '-' + String(day.getMonth() + 1).padStart(2, '0') + '-'
    + String(day.getDate()).padStart(2, '0') });
  if ($('csv-link').getAttribute('download') !== name) $('csv-link').setAttribute('download', name);
  $('csv-link').title = t('csvHelp');
}

/** Keeps the first option ("All"), then one per value, named by label; the selected value stays even when gone. */
function fillSelect(select, values, selected, label = String) {
  const list = [...values];
  if (selected && !list.includes(selected)) list.push(selected);
  const have = [...select.options].slice(1).map((o) => o.value + '=' + o.textContent);
  if (have.join('\n') !== list.map((v) => v + '=' + label(v)).join('\n')) {
    while (select.options.length > 1) select.remove(1);
    for (const v of list) {
      const o = el('option', null, label(v));
      o.value = v;
      select.append(o);
    }
  }
  select.value = selected;
}

const rows = new Map();   // task id -> { tr, sig } of the rows drawn last

export function renderTasks(page) {
  const tasks = page.tasks || [];
  const body = $('task-body');
  // New rows flash only when the same view (filters, page) is redrawn, not when the view changes.
  const sameView = state.pageUrl === state.drawnUrl && rows.size > 0;
  state.drawnUrl = state.pageUrl;
  const keep = new Map();
  tasks.forEach((task, i) => {
    const sig = state.lang + JSON.stringify(task);
    let entry = rows.get(task.id);
    if (!entry || entry.sig !== sig) {
      const tr = taskRow(task);
      if (!entry && sameView) tr.classList.add('fresh');
      entry = { tr, sig };
    }
    const until = state.mine.get(task.id);
    entry.tr.classList.toggle('mine', !!until && Date.now() < until);
    keep.set(task.id, entry);
    if (body.children[i] !== entry.tr) body.insertBefore(entry.tr, body.children[i] || null);
  });
  while (body.children.length > tasks.length) body.lastElementChild.remove();
  rows.clear();
  for (const [k, v] of keep) rows.set(k, v);
  for (const [id, until] of state.mine) if (Date.now() > until) state.mine.delete(id);

  $('tasks-empty').hidden = tasks.length > 0;
  const from = state.cursorStack.length * PAGE_SIZE;
  $('page-info').textContent = tasks.length
    ? t(page.total == null ? 'showingCounting' : 'showing',
      { from: fmtNumber(from + 1, 0), to: fmtNumber(from + tasks.length, 0), total: fmtNumber(page.total ?? 0, 0) }) : '';
  $('newer').disabled = state.cursorStack.length === 0;
  $('newest').disabled = state.cursorStack.length === 0;
  $('newest').hidden = state.cursorStack.length < 2;
  $('older').disabled = !page.nextCursor;
}

function taskRow(task) {
  const tr = el('tr', 'task-row status-row-' + String(task.status).toLowerCase());
  tr.dataset.task = task.id;
  const cell = (className, labelKey, text, title) => {
    const td = el('td', className, text);
    td.dataset.label = t(labelKey);
    if (title) td.title = title;
    tr.append(td);
    return td;
  };
  // How long ago, in words that keep counting; the clock time beside it on hover and focus of the row.
  const when = task.submittedAt || task.timestamp;
  const timeCell = cell('time', 'colTime', null,
    t('times', { sub: fmtTime(task.submittedAt), start: fmtTime(task.startedAt), end: fmtTime(task.finishedAt) }));
  const ago = el('time', 'time-rel', fmtRelative(when));
  ago.dateTime = when || '';
  ago.dataset.rel = when || '';
  timeCell.append(ago, el('span', 'time-abs', fmtTime(when)));
  const idCell = cell('mono task-id', 'colTask');
  const open = el('button', 'link-button task-open', '…' + String(task.id || '').slice(-8));
  open.type = 'button';
  open.dataset.task = task.id;
  open.title = t('detailOpen', { id: task.id });
  idCell.append(open);
  const typeCell = cell('task-type', 'colType', fmtType(task.type));
  typeCell.dataset.type = task.type;
  if (task.priority != null && task.priority !== 5) {
    const mark = el('span', 'priority-mark' + (task.priority > 5 ? ' priority-high' : ''), t('priorityMark', { p: task.priority }));
    mark.title = t('priorityTitle', { p: task.priority });
    typeCell.append(' ', mark);
  }
  const params = fmtParams(task.params);
  cell('mono params', 'colParams', shorten(params, 40), params.length > 40 ? params : null);
  cell('task-node', 'colNode', task.node || '—');
  const statusCell = cell('task-status', 'colStatus');
  const chip = el('span', 'status status-' + String(task.status).toLowerCase(), fmtStatus(task.status));
  chip.dataset.status = task.status;
  statusCell.append(chip);
  if (task.status === 'RUNNING' && task.progress) statusCell.append(progressLine(task.progress, t('progressLabel')));

  const failed = task.status === 'FAILED' || task.status === 'CANCELLED';
  const outcome = failed ? fmtError(task) : String(task.result ?? '—');
  cell(failed ? 'task-result error' : 'task-result mono', 'colResult', shorten(outcome, 80), outcome.length > 80 ? outcome : null);
  cell('num', 'colDuration', fmtDuration(task.durationMs));
  const attempts = cell('num task-attempts', 'colAttempts', task.attempts ?? '—');
  if (task.attempts > 1) attempts.classList.add('retried');

  const why = cell('why', 'colWhy');
  why.append(el('span', 'reason', fmtReason(task)));
  const moves = fmtMoves(task);
  if (moves.length || task.attempts > 1) {
    const marks = el('span', 'marks');
    if (moves.length) marks.append(el('span', 'moved', t('moved', { n: moves.length })));
    if (task.attempts > 1) marks.append(el('span', 'moved', t('runAgain', { n: task.attempts })));
    why.append(marks);
  }
  if (moves.length) {
    const list = el('ul', 'moves');
    for (const move of moves) list.append(el('li', null, move));
    why.append(list);
  }
  return tr;
}

function onFilterChange(e) {
  setFilter(e.target.name, e.target.value);
}

function setFilter(name, value) {
  state.filters[name] = value;
  state.cursor = '';
  state.cursorStack = [];
  renderFilters();
  renderSummary(state.summary, state.health);
  pollNow('full');
}

function onStatusShortcut(e) {
  const b = e.target.closest('button[data-status]');
  if (!b) return;
  setFilter('status', state.filters.status === b.dataset.status ? '' : b.dataset.status);
  $('tasks').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function onOlder() {
  if (!state.page || !state.page.nextCursor) return;
  state.cursorStack.push(state.cursor);
  state.cursor = state.page.nextCursor;
  pollNow('full');
}

function onNewer() {
  if (!state.cursorStack.length) return;
  state.cursor = state.cursorStack.pop();
  pollNow('full');
}

function onNewest() {
  state.cursor = '';
  state.cursorStack = [];
  pollNow('full');
}
