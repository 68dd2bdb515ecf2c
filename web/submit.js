// Colmena dashboard, the form that submits tasks: a type, its parameters (from /api/types), count,
// priority and retries; the API's errors beside the field they are about.
import { noCoordinator, state } from './state.js';
import { described, msg, t, tr } from './i18n.js';
import { fmtNumber, isNum, locale } from './format.js';
import { fmtParamName, fmtType } from './phrases.js';
import { $, el } from './dom.js';
import { errorText, request } from './api.js';
import { pollNow } from './poll.js';

const MINE_MS = 15000;                // how long rows of tasks submitted from this page stay highlighted

export function submitStart() {
  $('submit-form').addEventListener('submit', onSubmit);
  $('submit-form').addEventListener('input', onFormInput);
  $('submit-type').addEventListener('change', (e) => renderParams(e.target.value));
}

const form = { type: null, inputs: new Map() };   // the type drawn and its parameter inputs by name

/** Fills the type choice once /api/types has answered. */
export function buildForm() {
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

/** The translated parts of the form; what the user typed is never touched. */
export function renderForm() {
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

export function clearFormErrors() {
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
export function setSubmitStatus(kind, ...messages) {
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
      pollNow('full');
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
