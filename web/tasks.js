// Colmena dashboard, tasks: the TaskHistory table with its filters, paging and CSV link, and the
// form that submits new tasks. Uses state, t() and the helpers of app.js.
'use strict';

const MINE_MS = 15000;                // how long rows of tasks submitted from this page stay highlighted

// ---- task table

/** Node and type choices, and the CSV link for the filters shown. */
function renderFilters() {
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

function renderTasks(page) {
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
    ? t('showing', { from: fmtNumber(from + 1, 0), to: fmtNumber(from + tasks.length, 0), total: fmtNumber(page.total, 0) }) : '';
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
  cell('task-type', 'colType', fmtType(task.type)).dataset.type = task.type;
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

/**
 * A progress bar with its figures beside it: {@code role="progressbar"} with the percentage in
 * aria-valuenow and the percentage and text in aria-valuetext and on screen.
 */
function progressLine(progress, label) {
  const box = el('div', 'task-progress');
  const bar = el('div', 'bar progress-bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', label);
  bar.append(el('div', 'bar-fill progress-fill'));
  const text = el('span', 'progress-text');
  box.append(bar, text);
  setProgress(bar, progress.percent, progress.text ? t('progressTextWith', { pct: progress.percent, text: progress.text })
    : t('progressText', { pct: progress.percent }));
  text.textContent = bar.getAttribute('aria-valuetext');
  return box;
}

/** Sets a progress bar made as above (or #job-progress) to {@code percent}, saying {@code text}. */
function setProgress(bar, percent, text) {
  const p = Math.max(0, Math.min(100, Math.floor(Number(percent) || 0)));
  if (bar.getAttribute('aria-valuenow') !== String(p)) bar.setAttribute('aria-valuenow', String(p));
  if (bar.getAttribute('aria-valuetext') !== text) bar.setAttribute('aria-valuetext', text);
  bar.firstElementChild.style.transform = 'scaleX(' + (p / 100) + ')';
}

// ---- task detail: everything about one task, in a dialog, instead of hover tooltips

let detailTask = null;     // the task shown, as the table last had it
let detailOpener = null;   // the button that opened it, to give focus back

function onTaskOpen(e) {
  const button = e.target.closest('button.task-open');
  if (!button) return;
  const task = state.page && (state.page.tasks || []).find((x) => x.id === button.dataset.task);
  if (!task) return;
  detailTask = task;
  detailOpener = button;
  renderDetail();
  $('task-detail').showModal();
  refreshDetail(task.id);
}

/** The task as the API has it now (a RUNNING task may have finished since the table was drawn). */
async function refreshDetail(id) {
  try {
    const fresh = await getJson('/api/tasks/' + encodeURIComponent(id));
    if (detailTask && detailTask.id === id && $('task-detail').open) { detailTask = fresh; renderDetail(); }
  } catch (err) { /* the table's copy stays shown */ }
}

function renderDetail() {
  const task = detailTask;
  if (!task) return;
  $('detail-title').textContent = t('detailTitle', { type: fmtType(task.type) });
  const failed = task.status === 'FAILED' || task.status === 'CANCELLED';
  const rows = [
    ['colTask', task.id, 'mono'],
    ['colType', fmtType(task.type)],
    ['colParams', fmtParams(task.params) || '—', 'mono'],
    ['colNode', task.node || '—'],
    ['colStatus', fmtStatus(task.status)],
    [failed ? 'detailError' : 'detailResult', failed ? fmtError(task) : String(task.result ?? '—'), failed ? 'error' : 'mono'],
    ['colWhy', fmtReason(task)],
    ['detailMoves', (task.moves || []).length ? fmtMoves(task).join('\n') : t('detailNoMoves')],
    ['colAttempts', String(task.attempts ?? '—')],
    ...(task.status === 'RUNNING' && task.progress ? [['detailProgress',
      task.progress.percent + ' %' + (task.progress.text ? ' · ' + task.progress.text : '')]] : []),
    ['detailSubmitted', fmtTime(task.submittedAt)],
    ['detailStarted', fmtTime(task.startedAt)],
    ['detailFinished', fmtTime(task.finishedAt)],
    ['colDuration', fmtDuration(task.durationMs)],
  ];
  $('detail-list').replaceChildren(...rows.flatMap(([key, value, cls]) => [el('dt', null, t(key)), el('dd', cls || null, value)]));
  // Cancel: for what has not finished, and for operators and admins.
  const open = task.status === 'PENDING' || task.status === 'RUNNING';
  $('detail-cancel').hidden = !(can('operator') && open);
  if (!open) $('detail-status').textContent = '';
}

/** Asks for the task shown to be cancelled; its status follows in the dialog and the table. */
async function onDetailCancel() {
  const task = detailTask;
  if (!task) return;
  const status = $('detail-status');
  $('detail-cancel').disabled = true;
  try {
    const res = await request('POST', '/api/tasks/' + encodeURIComponent(task.id) + '/cancel', {});
    status.textContent = res.status === 202 ? t('cancelling') : tr(msg('cancelRefused', { msg: errorText(res) }));
    setTimeout(() => refreshDetail(task.id), 1500);
    poll();
  } catch (err) {
    status.textContent = tr(msg('apiError', { msg: msg('unreachableShort') }));
  } finally {
    $('detail-cancel').disabled = false;
  }
}

function onDetailClose() {
  detailTask = null;
  $('detail-status').textContent = '';
  if (detailOpener && detailOpener.isConnected) detailOpener.focus();
  else { const again = detailOpener && document.querySelector(`button.task-open[data-task="${CSS.escape(detailOpener.dataset.task)}"]`); if (again) again.focus(); }
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
  poll();
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
  poll();
}

function onNewer() {
  if (!state.cursorStack.length) return;
  state.cursor = state.cursorStack.pop();
  poll();
}

function onNewest() {
  state.cursor = '';
  state.cursorStack = [];
  poll();
}

// ---- submit form

const form = { type: null, inputs: new Map() };   // the type drawn and its parameter inputs by name

/** Fills the type choice once /api/types has answered. */
function buildForm() {
  const select = $('submit-type');
  const names = state.types.types.map((x) => x.name);
  const current = select.value || form.type || names[0];
  select.replaceChildren(...names.map((n) => { const o = el('option', null, fmtType(n)); o.value = n; return o; }));
  select.value = names.includes(current) ? current : names[0] || '';
  const count = $('submit-count');
  count.max = String(state.types.maxCount || 1000);
  renderParams(select.value);
}

/** One number input per parameter of the chosen type, its default as placeholder and its bounds as a hint. */
function renderParams(typeName) {
  const type = state.types && state.types.types.find((x) => x.name === typeName);
  form.type = typeName;
  form.inputs.clear();
  const box = $('param-fields');
  const fields = [];
  for (const p of (type && type.params) || []) {
    const field = el('div', 'field field-param');
    const id = 'param-' + p.name.replace(/[^A-Za-z0-9_-]/g, '_');
    const label = el('label', null, paramLabel(p.name));
    label.dataset.param = p.name;
    label.htmlFor = id;
    const input = el('input');
    Object.assign(input, { id, type: 'number', name: 'params.' + p.name, step: '1', inputMode: 'numeric' });
    input.dataset.param = p.name;
    input.placeholder = String(p.defaultValue);
    if (isNum(p.min)) input.min = String(p.min);
    if (isNum(p.max)) input.max = String(p.max);
    const hint = el('span', 'field-hint');
    hint.dataset.min = String(p.min);
    hint.dataset.max = String(p.max);
    const help = el('span', 'field-help', described('param_' + typeName + '_' + p.name, p.help));
    help.dataset.described = 'param_' + typeName + '_' + p.name;
    help.dataset.fallback = p.help || '';
    const error = el('span', 'field-error');
    error.dataset.field = 'params.' + p.name;
    error.setAttribute('role', 'alert');
    error.hidden = true;
    field.append(label, input, hint, help, error);
    fields.push(field);
    form.inputs.set(p.name, input);
  }
  if (!fields.length && type) fields.push(el('p', 'field-help', t('paramsNone')));
  box.replaceChildren(...fields);
  $('type-summary').dataset.described = 'type_' + typeName;
  $('type-summary').dataset.fallback = type ? type.summary || '' : '';
  $('type-summary').textContent = type ? described('type_' + typeName, type.summary) : '';
  clearFormErrors();
  renderForm();
}

/** A parameter's name as a field label: a word starts with a capital, like the other labels; a symbol (n, ms) stays as it is. */
function paramLabel(name) {
  const word = fmtParamName(name);
  return word.length > 2 ? word[0].toLocaleUpperCase(locale()) + word.slice(1) : word;
}

function fieldErrorText(m) { return m && m.status !== undefined && 'body' in m ? errorText(m) : tr(m); }

/** The page's own words for a type or a parameter when the dictionary has them; else the API's. */
function described(key, fallback) {
  return DICT.en[key] !== undefined ? t(key) : fallback || '';
}

/** The translated parts of the form; what the user typed is never touched. */
function renderForm() {
  document.querySelectorAll('#submit-form .field-error').forEach((e) => {
    if (e.dataset.source === 'api' && e.message) e.textContent = fieldErrorText(e.message);
  });
  renderSubmitStatus();
  document.querySelectorAll('#submit-form [data-described]').forEach((e) => {
    const text = described(e.dataset.described, e.dataset.fallback);
    if (e.textContent !== text) e.textContent = text;
  });
  document.querySelectorAll('#param-fields label[data-param]').forEach((l) => { l.textContent = paramLabel(l.dataset.param); });
  for (const o of $('submit-type').options) o.textContent = fmtType(o.value);
  document.querySelectorAll('#param-fields .field-hint').forEach((h) => {
    h.textContent = t('range', { min: fmtBound(h.dataset.min), max: fmtBound(h.dataset.max) });
  });
  const max = state.types ? state.types.maxCount || 1000 : 1000;
  $('count-hint').textContent = t('range', { min: 1, max: fmtNumber(max, 0) });
  const top = document.querySelector('#submit-form .field-error[data-field="form"]');
  if (!state.types) {
    const msg = state.typesError ? t('typesFailed', { msg: state.typesError }) : t('typesLoading');
    if (top.dataset.source !== 'api') { top.textContent = msg; top.hidden = false; top.dataset.source = 'types'; }
    top.classList.toggle('is-info', !state.typesError && top.dataset.source === 'types');
  } else if (top.dataset.source === 'types') {
    top.hidden = true; top.textContent = ''; top.dataset.source = '';
    top.classList.remove('is-info');
  }
  $('submit-button').disabled = !state.types || form.busy === true;
  const warn = $('submit-nocoord');
  const show = noCoordinator();
  if (warn.hidden === show) warn.hidden = !show;
  warn.textContent = show ? t('noCoordinatorForm') : '';
}

function fmtBound(raw) {
  const n = Number(raw);
  return Number.isSafeInteger(n) ? fmtNumber(n, 0) : n >= 9e18 ? '2⁶³−1' : raw;
}

function clearFormErrors() {
  document.querySelectorAll('#submit-form .field-error').forEach((e) => {
    if (e.dataset.source === 'types') return;
    e.hidden = true; e.textContent = ''; e.dataset.source = ''; e.message = null;
  });
  document.querySelectorAll('#submit-form [aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

/**
 * Puts a message beside the field the API named; a field the form does not show gets it at the top.
 * The message is a msg() or the API's answer itself, kept on the element so that a change of
 * language writes it again (errorText reads the answer's code in the language of the moment).
 */
function showFieldError(field, message) {
  let box = field ? document.querySelector(`#submit-form .field-error[data-field="${CSS.escape(field)}"]`) : null;
  if (!box) box = document.querySelector('#submit-form .field-error[data-field="form"]');
  box.message = message;
  box.textContent = fieldErrorText(message);
  box.dataset.source = 'api';
  box.classList.remove('is-info');
  box.hidden = false;
  const input = field === 'type' ? $('submit-type') : field === 'count' ? $('submit-count')
    : field && field.startsWith('params.') ? form.inputs.get(field.slice(7)) : null;
  if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
}

/** A whole number the API can read exactly; a larger one goes as its text, which the API parses. */
function toNumber(text) {
  const n = Number(text);
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? text.trim() : n;
}

function readForm() {
  const body = { type: $('submit-type').value, params: {} };
  const problems = [];
  for (const [name, input] of form.inputs) {
    if (input.validity.badInput) problems.push('params.' + name);
    else if (input.value.trim() !== '') body.params[name] = toNumber(input.value);
  }
  const count = $('submit-count');
  if (count.validity.badInput) problems.push('count');
  else body.count = count.value.trim() === '' ? 1 : toNumber(count.value);
  const priority = Number($('submit-priority').value);
  if (priority !== 5) body.priority = priority;
  const retries = $('submit-retries');
  if (retries.validity.badInput) problems.push('retries');
  else if (retries.value.trim() !== '' && toNumber(retries.value) !== 0) body.retries = toNumber(retries.value);
  return { body, problems };
}

/** The line under the form: kept as messages (msg()), so a change of language rewrites it. */
function setSubmitStatus(kind, ...messages) {
  form.status = { kind, messages: messages.filter(Boolean) };
  renderSubmitStatus();
}

function renderSubmitStatus() {
  const st = form.status || { kind: '', messages: [] };
  const status = $('submit-status');
  const text = st.messages.map(tr).join(' — ');
  if (status.textContent !== text) status.textContent = text;
  status.className = 'submit-status' + (st.kind ? ' ' + st.kind : '');
}

async function onSubmit(e) {
  e.preventDefault();
  if (form.busy || !state.types) return;
  clearFormErrors();
  const { body, problems } = readForm();
  if (problems.length) {
    problems.forEach((f) => showFieldError(f, msg('notNumber')));
    setSubmitStatus('is-error', msg('notSubmitted'));
    return;
  }
  form.busy = true;
  renderForm();
  setSubmitStatus('', msg('submitting'));
  try {
    const res = await request('POST', '/api/tasks', body);
    if (res.status === 202 && res.body) {
      const n = res.body.count ?? (res.body.ids || []).length;
      const waiting = noCoordinator();
      setSubmitStatus(waiting ? 'is-warn' : 'is-ok', n === 1 ? msg('submitted1') : msg('submittedN', { n: fmtNumber(n, 0) }),
        waiting ? msg('submittedNoCoord') : null);
      for (const id of res.body.ids || []) state.mine.set(id, Date.now() + MINE_MS);
      state.cursor = '';
      state.cursorStack = [];
      poll();
    } else {
      showFieldError(res.status === 400 && res.body ? res.body.field : null, res);
      setSubmitStatus('is-error', msg('notSubmitted'));
    }
  } catch (err) {
    showFieldError(null, msg('apiError', { msg: msg('unreachableShort') }));
    setSubmitStatus('is-error');
  } finally {
    form.busy = false;
    renderForm();
  }
}

/** Editing a field takes its error away. */
function onFormInput(e) {
  const target = e.target;
  const field = target.dataset.param ? 'params.' + target.dataset.param : target.name;
  for (const f of [field, 'params', 'form']) {
    const box = document.querySelector(`#submit-form .field-error[data-field="${CSS.escape(f)}"]`);
    if (box && box.dataset.source !== 'types' && (f === field || box.dataset.source === 'api')) {
      box.hidden = true; box.textContent = ''; box.dataset.source = '';
    }
  }
  target.removeAttribute('aria-invalid');
}
