// Colmena dashboard: polls the API and draws the summary, the alerts, the node cards, the submit form
// and the TaskHistory table. Every value from the API is written with textContent or setAttribute,
// never as markup: node ids, hosts and results come from other machines.
// Files: i18n.js (labels), app.js (state, API, polling, summary and alerts), nodes.js (node cards),
// tasks.js (TaskHistory table and submit form). All are classic deferred scripts sharing one scope.
'use strict';

const POLL_MS = 1500;
const HISTORY_EVERY = 4;              // full metric history every this many polls; in between, the latest sample is appended
const REQUEST_TIMEOUT_MS = 5000;
const PAGE_SIZE = 25;
const BACK_MS = 6000;                 // how long "connection is back" stays up
const LANG_KEY = 'colmena.lang';

// ---------------------------------------------------------------- state

const state = {
  lang: 'en',
  reachable: null,        // null until the first answer, then true or false
  backUntil: 0,           // "connection is back" shows until then
  updatedAt: null,
  clockOffset: 0,         // server clock minus this browser's clock, ms
  pollCount: 0,
  needHistory: true,
  nodes: null,            // last /api/nodes list
  nodesError: null,
  history: new Map(),     // node id -> [[epochMs, cpu, mem, disk], ...] oldest first
  netPeak: 64 * 1024,
  page: null,             // last /api/tasks answer
  pageUrl: '',            // the request that page answered
  drawnUrl: '',           // the request of the page the table was last drawn from
  tasksError: null,
  summary: null,
  health: null,
  types: null,            // /api/types answer
  typesError: null,
  filters: { node: '', status: '', type: '' },
  cursor: '',             // "before" of the page shown; '' is the newest page
  cursorStack: [],        // cursors of the newer pages, for going back
  cardErrors: new Map(),  // node id -> { text, until }
  busy: new Set(),        // node ids with an action on its way
  mine: new Map(),        // task id -> highlight until
  alertSince: new Map(),  // "node|metric" -> when that alert really began (ms), see trackAlerts
  alertsCheckedAt: 0,
};

// ---------------------------------------------------------------- helpers

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

/** The text for key in the current language, with {name} placeholders filled from vars. */
function t(key, vars) {
  const text = DICT[state.lang][key] ?? DICT.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}

function locale() { return state.lang === 'es' ? 'es-ES' : 'en-GB'; }
function serverNow() { return Date.now() + state.clockOffset; }
function isNum(n) { return typeof n === 'number' && isFinite(n); }

function fmtNumber(n, digits) {
  if (!isNum(n)) return '—';
  return n.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "97.5%" in English, "97,5 %" in Spanish. */
function fmtPercent(p, digits = 1) {
  if (!isNum(p)) return '—';
  return fmtNumber(p, digits) + (state.lang === 'es' ? ' %' : '%');
}

function fmtBytes(b) {
  if (!isNum(b)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(b) >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return fmtNumber(b, i === 0 ? 0 : 1) + ' ' + units[i];
}

function fmtRate(bps) { return isNum(bps) ? fmtBytes(bps) + '/s' : '—'; }

/** A span of time as "12 s", "3 min 5 s", "2 h 7 min" or "3 d 4 h". */
function fmtAge(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}

function fmtDuration(ms) {
  if (!isNum(ms)) return '—';
  if (ms < 1000) return fmtNumber(ms, 0) + ' ms';
  if (ms < 60000) return fmtNumber(ms / 1000, 1) + ' s';
  return fmtAge(ms);
}

function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return '—';
  return d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

function fmtMinute(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '—' : d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** "number=1088, seed=1" from the params JSON; the raw text when it is not an object. */
function fmtParams(params) {
  if (!params) return '';
  try {
    const obj = JSON.parse(params);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      return Object.entries(obj).map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ');
    }
  } catch (e) { /* not JSON: shown as it came */ }
  return String(params);
}

function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }

function level(p) { return p >= 85 ? 'level-high' : p >= 60 ? 'level-warn' : 'level-ok'; }

function metricName(metric) { return t({ cpu: 'cpu', memory: 'memory', disk: 'disk' }[metric] || metric); }

/** Red for CPU and memory (the node counts as saturated), amber for disk. */
function alertSeverity(alert) { return alert.metric === 'disk' ? 'amber' : 'red'; }

function alertKey(alert) { return alert.node + '|' + alert.metric; }

function alertText(alert) {
  const since = state.alertSince.get(alertKey(alert)) ?? Date.parse(alert.since);
  return t('alertLine', {
    metric: metricName(alert.metric),
    value: fmtPercent(alert.value, 0),
    age: isNaN(since) ? '—' : fmtAge(serverNow() - since),
  });
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

/**
 * Sends a request and reads the JSON answer. Resolves with { status, ok, body }; rejects with a
 * TypeError only when the API did not answer at all.
 */
async function request(method, path, payload) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
  const init = { method, cache: 'no-store', signal: ctrl.signal, headers: { Accept: 'application/json' } };
  if (payload !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  try {
    const res = await fetch(path, init);
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON (an error page): the status says enough */ }
    return { status: res.status, ok: res.ok, body };
  } catch (e) {
    throw new TypeError('unreachable: ' + e.message);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(res) { return (res.body && res.body.error) || ('HTTP ' + res.status); }

/** GET a JSON path. Rejects with ApiError when the API answered with an error, TypeError when it did not answer. */
async function getJson(path) {
  const res = await request('GET', path);
  if (!res.ok) throw new ApiError(res.status, errorText(res), res.body);
  return res.body;
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
  return q;
}

function tasksUrl() {
  const q = filterQuery();
  q.set('limit', String(PAGE_SIZE));
  if (state.cursor) q.set('before', state.cursor);
  return '/api/tasks?' + q.toString();
}

// ---------------------------------------------------------------- polling

let pollTimer = null;
let polling = false;
let pollAgain = false;

/** Fetches everything once and redraws. Never overlaps itself: a call during a poll runs right after it. */
async function poll() {
  if (polling) { pollAgain = true; return; }
  polling = true;
  clearTimeout(pollTimer);
  try {
    const withHistory = state.needHistory || state.pollCount % HISTORY_EVERY === 0;
    state.pollCount++;
    const url = tasksUrl();
    const jobs = [getJson(withHistory ? '/api/nodes?history=true' : '/api/nodes'), getJson(url),
      getJson('/api/summary'), getJson('/api/health')];
    if (!state.types) jobs.push(getJson('/api/types'));
    const results = await Promise.allSettled(jobs);
    const [nodes, tasks, summary, health, types] = results;

    const reachable = results.some((r) => r.status === 'fulfilled' || r.reason instanceof ApiError);
    if (reachable && state.reachable === false) state.backUntil = Date.now() + BACK_MS;
    state.reachable = reachable;
    if (reachable) state.updatedAt = new Date().toISOString();

    if (nodes.status === 'fulfilled') acceptNodes(nodes.value, withHistory);
    else if (nodes.reason instanceof ApiError) state.nodesError = nodes.reason.message;
    if (withHistory) state.needHistory = nodes.status !== 'fulfilled';

    // When the filters or the page changed meanwhile, this answer is for another view: the next poll fetches the right one.
    const current = url === tasksUrl();
    if (current && tasks.status === 'fulfilled') { state.page = tasks.value; state.pageUrl = url; state.tasksError = null; }
    else if (current && tasks.reason instanceof ApiError) state.tasksError = tasks.reason.message;

    if (summary.status === 'fulfilled') state.summary = summary.value;
    if (health.status === 'fulfilled') state.health = health.value;
    else state.health = health.reason instanceof ApiError ? health.reason.body : null;

    trackAlerts();
    if (types && types.status === 'fulfilled') { state.types = types.value; state.typesError = null; buildForm(); }
    else if (types && types.reason instanceof ApiError) state.typesError = types.reason.message;

    renderAll();
  } finally {
    polling = false;
    if (pollAgain) { pollAgain = false; poll(); } else schedule();
  }
}

function acceptNodes(body, withHistory) {
  state.nodes = body.nodes || [];
  state.nodesError = null;
  const server = Date.parse(body.serverTime);
  if (!isNaN(server)) state.clockOffset = server - Date.now();
  const ids = new Set();
  for (const node of state.nodes) {
    ids.add(node.id);
    if (withHistory && Array.isArray(node.history)) state.history.set(node.id, node.history.slice());
    else appendSample(node);
  }
  for (const id of [...state.history.keys()]) if (!ids.has(id)) state.history.delete(id);
  // The network bars' scale: the highest recent rate of any node, slowly forgetting old peaks.
  let peak = Math.max(64 * 1024, state.netPeak * 0.98);
  for (const { metrics: m, online } of state.nodes) {
    if (m && online) peak = Math.max(peak, m.netRxBytesPerSec || 0, m.netTxBytesPerSec || 0);
  }
  state.netPeak = peak;
}

/**
 * When each current alert began. The API judges only its last few samples, so its "since" never
 * reaches further back than that; the start is pushed back to where the node's history first went
 * over the threshold, and remembered from poll to poll while the alert stays up.
 */
function trackAlerts() {
  const all = [...((state.summary && state.summary.alerts) || [])];
  for (const n of state.nodes || []) if (n.online) all.push(...(n.alerts || []));
  const continuous = Date.now() - state.alertsCheckedAt < 10000;
  state.alertsCheckedAt = Date.now();
  const next = new Map();
  for (const a of all) {
    const key = alertKey(a);
    let since = Date.parse(a.since);
    if (isNaN(since)) continue;
    if (continuous && state.alertSince.has(key)) since = Math.min(since, state.alertSince.get(key));
    since = Math.min(since, historyStart(a), next.get(key) ?? Infinity);
    next.set(key, since);
  }
  state.alertSince = next;
}

/** The time of the oldest of the node's newest samples that are all above the alert's threshold. */
function historyStart(alert) {
  const column = { cpu: 1, memory: 2, disk: 3 }[alert.metric];
  const samples = state.history.get(alert.node);
  if (!column || !samples) return Infinity;
  let start = Infinity;
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i];
    if (!(s[column] > alert.threshold) || (isFinite(start) && start - s[0] > 10000)) break;
    start = s[0];
  }
  return start;
}

/** Between full history fetches, the latest metrics become the newest chart sample. */
function appendSample(node) {
  const m = node.metrics;
  const at = Date.parse(node.lastSeen);
  if (!m || isNaN(at)) return;
  const samples = state.history.get(node.id) || [];
  const last = samples[samples.length - 1];
  if (last && last[0] >= at) return;
  samples.push([at, m.cpuPercent, m.memPercent, m.diskPercent]);
  if (samples.length > 600) samples.splice(0, samples.length - 600);
  state.history.set(node.id, samples);
}

function schedule() {
  clearTimeout(pollTimer);
  if (!document.hidden) pollTimer = setTimeout(poll, POLL_MS);
}

function onVisibilityChange() {
  if (document.hidden) clearTimeout(pollTimer);
  else poll();
}

// ---------------------------------------------------------------- language

function initialLang() {
  let saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch (e) { /* storage blocked: fall back to the browser */ }
  if (saved === 'es' || saved === 'en') return saved;
  return (navigator.language || '').toLowerCase().startsWith('es') ? 'es' : 'en';
}

function applyLanguage(lang) {
  state.lang = lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* not remembered; still switched */ }
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-label]').forEach((e) => e.setAttribute('aria-label', t(e.dataset.i18nLabel)));
  document.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
  document.querySelectorAll('[data-lang]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  renderAll();
}

// ---------------------------------------------------------------- panels

function renderAll() {
  renderConnection();
  renderSummary(state.summary, state.health);
  renderAlerts(state.summary);
  if (state.nodes) renderNodes(state.nodes);
  renderPanelError('nodes-error', state.nodesError);
  renderFilters();
  if (state.page) renderTasks(state.page);
  renderPanelError('tasks-error', state.tasksError);
  renderForm();
}

function renderConnection() {
  const back = state.reachable && Date.now() < state.backUntil;
  const kind = state.reachable === null ? 'pending' : !state.reachable ? 'bad' : back ? 'back' : 'ok';
  $('connection').className = 'conn conn-' + kind;
  $('connection').dataset.state = kind;
  $('conn-text').textContent = t({ pending: 'connecting', ok: 'connected', back: 'back', bad: 'unreachable' }[kind]);
  $('updated').textContent = state.updatedAt ? t('updated', { time: fmtTime(state.updatedAt) }) : '';
  $('main').classList.toggle('stale', state.reachable === false);
  document.title = (state.reachable === false ? '⚠ ' : '') + 'Colmena';

  const banner = $('conn-banner');
  banner.hidden = kind !== 'bad' && kind !== 'back';
  banner.className = 'banner banner-' + kind;
  const s = fmtNumber(POLL_MS / 1000, 1);
  banner.textContent = kind === 'back' ? t('bannerBack')
    : state.updatedAt ? t('bannerDown', { time: fmtTime(state.updatedAt), s }) : t('bannerDownNever', { s });
}

function renderPanelError(id, message) {
  const p = $(id);
  p.hidden = !message;
  p.textContent = message ? t('apiError', { msg: message }) : '';
}

// ---- summary strip

function renderSummary(summary, health) {
  if (summary) {
    const n = summary.nodes || {};
    $('sum-nodes').textContent = (n.online ?? 0) + ' / ' + ((n.online ?? 0) + (n.offline ?? 0));
    $('sum-nodes-sub').textContent = [n.offline ? t('nodesOffline', { n: n.offline }) : '',
      n.drained ? t('nodesDrained', { n: n.drained }) : ''].filter(Boolean).join(' · ');
    const tasks = summary.tasks || {};
    for (const s of ['PENDING', 'RUNNING', 'DONE', 'FAILED']) $('sum-' + s).textContent = fmtNumber(tasks[s] ?? 0, 0);
    $('sum-failed').textContent = fmtNumber(tasks.FAILED ?? 0, 0);
    $('sum-failed').classList.toggle('is-zero', !tasks.FAILED);
    renderRate(summary.perMinute || []);
  }
  document.querySelectorAll('#summary [data-status]').forEach((b) => {
    b.setAttribute('aria-pressed', String(state.filters.status === b.dataset.status));
  });
  renderHealth($('sum-redis'), 'Redis', health && health.redis);
  renderHealth($('sum-db'), 'DB', health && health.database);
}

/** The last complete minute's count, and bars for every minute (the current one paler). */
function renderRate(minutes) {
  const last = minutes.length >= 2 ? minutes[minutes.length - 2] : null;
  $('sum-rate').textContent = last ? fmtNumber(last.done, 0) : '—';
  $('sum-rate-sub').textContent = last ? t('perMinuteSub', { time: fmtMinute(last.minute) }) : '';
  const key = state.lang + JSON.stringify(minutes);
  const box = $('sum-spark');
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const W = 100, H = 32, gap = 2;
  const bw = minutes.length ? (W - gap * (minutes.length - 1)) / minutes.length : W;
  const max = Math.max(1, ...minutes.map((m) => (m.done || 0) + (m.failed || 0)));
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', class: 'spark-svg' });
  minutes.forEach((m, i) => {
    const x = i * (bw + gap);
    const dh = ((m.done || 0) / max) * H;
    const fh = ((m.failed || 0) / max) * H;
    const g = svg('g', { class: i === minutes.length - 1 ? 'bar-current' : '' });
    const title = svg('title');
    title.textContent = t('perMinuteBar', { time: fmtMinute(m.minute), done: m.done || 0, failed: m.failed || 0 })
      + (i === minutes.length - 1 ? ' ' + t('perMinuteNow') : '');
    g.append(title, svg('rect', { x, y: 0, width: bw, height: H, class: 'spark-bg' }));
    if (dh > 0) g.append(svg('rect', { x, y: H - dh, width: bw, height: dh, class: 'spark-done' }));
    if (fh > 0) g.append(svg('rect', { x, y: H - dh - fh, width: bw, height: fh, class: 'spark-failed' }));
    chart.append(g);
  });
  chart.setAttribute('aria-label', minutes.map((m) => t('perMinuteBar',
    { time: fmtMinute(m.minute), done: m.done || 0, failed: m.failed || 0 })).join('; '));
  box.replaceChildren(chart);
}

function renderHealth(span, name, value) {
  const kind = value === 'up' ? 'up' : value === 'down' ? 'down' : 'unknown';
  span.className = 'health health-' + kind;
  span.textContent = name + ': ' + t(kind);
}

// ---- alerts panel

function renderAlerts(summary) {
  if (!summary) return;
  const alerts = [...(summary.alerts || [])].sort((a, b) =>
    String(a.node).localeCompare(String(b.node)) || String(a.metric).localeCompare(String(b.metric)));
  const items = alerts.map((a) => {
    const li = el('li', 'alert-item alert-' + alertSeverity(a));
    li.dataset.node = a.node;
    li.dataset.metric = a.metric;
    li.append(el('strong', 'alert-node', a.node), el('span', 'alert-text', alertText(a)),
      el('span', 'alert-limit', t('alertOver', { limit: fmtPercent(a.threshold, 0) })));
    return li;
  });
  $('alert-items').replaceChildren(...items);
  $('alerts-empty').hidden = items.length > 0;
  $('alert-count').hidden = items.length === 0;
  $('alert-count').textContent = t('alertCount', { n: items.length });
  $('alerts').classList.toggle('has-alerts', items.length > 0);
  const th = summary.thresholds;
  $('thresholds').textContent = th ? t('thresholds', { cpu: fmtPercent(th.cpuPercent, 0), mem: fmtPercent(th.memPercent, 0),
    disk: fmtPercent(th.diskPercent, 0), s: th.afterSeconds }) : '';
}

// ---------------------------------------------------------------- start

let resizeFrame = 0;
function onResize() {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(redrawCharts);
}

function start() {
  document.querySelectorAll('[data-lang]').forEach((b) => b.addEventListener('click', () => applyLanguage(b.dataset.lang)));
  $('task-filters').addEventListener('change', onFilterChange);
  $('task-filters').addEventListener('submit', (e) => e.preventDefault());
  $('summary').addEventListener('click', onStatusShortcut);
  $('older').addEventListener('click', onOlder);
  $('newer').addEventListener('click', onNewer);
  $('newest').addEventListener('click', onNewest);
  $('node-grid').addEventListener('click', onCardClick);
  $('submit-form').addEventListener('submit', onSubmit);
  $('submit-form').addEventListener('input', onFormInput);
  $('submit-type').addEventListener('change', (e) => renderParams(e.target.value));
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('resize', onResize);
  applyLanguage(initialLang());
  poll();
}

document.addEventListener('DOMContentLoaded', start);
