// Colmena dashboard: polls the API and draws the summary, the alerts, the node cards, the submit form
// and the TaskHistory table. Every value from the API is written with textContent or setAttribute,
// never as markup: node ids, hosts and results come from other machines.
// Files: i18n.js (labels), app.js (state, API, login and session, polling, summary and alerts),
// nodes.js (node cards), tasks.js (TaskHistory table and submit form), admin.js (tokens, users and
// the audit log, for admins). All are classic deferred scripts sharing one scope.
// Login: the API answers 401 without a session; the dashboard then shows the login screen and polls
// nothing until someone logs in. Every POST/DELETE carries the session's X-CSRF-Token.
'use strict';

const POLL_MS = 1500;
// Between two full polls the node list alone is read again every NODES_POLL_MS, so a node's figures
// on screen are never more than two stats intervals old: at most 1 s in Redis (the default interval),
// 0.25 s in the API's shared reading, 0.5 s here.
const NODES_POLL_MS = 500;
// The full metric history is read once, and again only after a gap (an outage, a hidden tab, a new
// node, samples missed); otherwise each poll's latest sample is appended to what is on screen.
const HISTORY_GAP_MS = 5000;
const REQUEST_TIMEOUT_MS = 5000;
const PAGE_SIZE = 25;
const BACK_MS = 6000;                 // how long "connection is back" stays up
const LANG_KEY = 'colmena.lang';
const ME_EVERY = 4;                   // who am I (role, CSRF token) is checked again every this many polls
const BOOT_RETRY_MS = 3000;           // while the API does not answer /api/me, asked again this often
const ROLE_RANK = { viewer: 1, operator: 2, admin: 3 };

// ---------------------------------------------------------------- state

const state = {
  lang: 'en',
  me: null,               // { user, role, csrf, auth, via } while logged in (or auth off); null on the login screen
  sessionGen: 0,          // +1 at every login and logout: answers to requests of an older session are dropped
  reachable: null,        // null until the first answer, then true or false
  redisDown: false,       // the API answers but says Redis does not
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
  confirmForget: null,    // the node id whose Forget waits for a yes
  paused: false,          // live updates paused by the reader: nothing is polled until resumed
  chartRange: '5m',       // the charts' time range: '5m' or '1h'
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
  let text = DICT[state.lang][key] ?? DICT.en[key] ?? key;
  // "one|other": the language's own plural rule for {n} picks the form.
  if (text.includes('|') && vars && 'n' in vars) {
    const [one, other] = text.split('|');
    text = plural.select(Number(String(vars.n).replace(/\D/g, '')) || 0, state.lang) === 'one' ? one : other;
  }
  return text.replace(/\{(\w+)\}/g, (m, name) => (vars && name in vars ? String(vars[name]) : m));
}

const plural = {
  rules: new Map(),
  select(n, lang) {
    if (!this.rules.has(lang)) this.rules.set(lang, new Intl.PluralRules(lang));
    return this.rules.get(lang).select(n);
  },
};

/** A message kept as its key and values, so it follows a change of language: msg('loginFailed', { msg: ... }). */
function msg(key, vars) { return { key, vars }; }

/** The text of a msg() (values that are msg() too are translated); a plain string stays as it is. */
function tr(m) {
  if (!m) return '';
  if (typeof m === 'string') return m;
  const vars = {};
  for (const [k, v] of Object.entries(m.vars || {})) vars[k] = v && typeof v === 'object' && v.key ? tr(v) : v;
  return t(m.key, vars);
}

function locale() { return state.lang === 'es' ? 'es-ES' : 'en-GB'; }
function serverNow() { return Date.now() + state.clockOffset; }
function isNum(n) { return typeof n === 'number' && isFinite(n); }

// Formatters are made once per language and kind: toLocaleString builds a new one at every call,
// which was a good part of a quiet page's work.
const formatters = new Map();
function formatter(kind, make) {
  const key = locale() + '|' + kind;
  if (!formatters.has(key)) formatters.set(key, make(locale()));
  return formatters.get(key);
}

function fmtNumber(n, digits) {
  if (!isNum(n)) return '—';
  return formatter('n' + digits, (l) => new Intl.NumberFormat(l, { minimumFractionDigits: digits, maximumFractionDigits: digits }))
    .format(n);
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
  return formatter('time', (l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', second: '2-digit',
    hour12: false })).format(d);
}

/** "hace 12 s", "12 sec ago": how long before now (the server's clock) iso was, in the chosen language. */
function fmtRelative(iso) {
  const at = Date.parse(iso);
  if (isNaN(at)) return '—';
  const s = Math.max(0, Math.round((serverNow() - at) / 1000));
  const [n, unit] = s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 172800
    ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86400), 'day'];
  return formatter('rel', (l) => new Intl.RelativeTimeFormat(l, { numeric: 'always', style: 'narrow' })).format(-n, unit);
}

/** Rewrites every relative time on the page (elements with data-rel, an ISO time) where its words changed. */
function renderRelativeTimes() {
  if (document.hidden) return;
  for (const e of document.querySelectorAll('[data-rel]')) {
    const text = fmtRelative(e.dataset.rel);
    if (e.textContent !== text) e.textContent = text;
  }
}

function fmtMinute(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '—' : formatter('minute', (l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit',
    hour12: false })).format(d);
}

/** "número=1088, semilla=1" from the params JSON (names in the reader's language); the raw text when it is not an object. */
function fmtParams(params) {
  if (!params) return '';
  try {
    const obj = JSON.parse(params);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      return Object.entries(obj).map(([k, v]) => fmtParamName(k) + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ');
    }
  } catch (e) { /* not JSON: shown as it came */ }
  return String(params);
}

// ---- the API's codes in the reader's words: statuses, task types, parameters, a task's history

/** t(key, vars) when the dictionary has key; else fallback (a code this page does not know, shown as the API gave it). */
function known(key, vars, fallback) { return DICT.en[key] !== undefined ? t(key, vars) : fallback; }

/** PENDING, RUNNING… as the reader's language names them; the API's word stays in data-status and filter values. */
function fmtStatus(status) { return known('status_' + status, null, String(status ?? '—')); }
function fmtType(type) { return known('typeName_' + type, null, String(type ?? '—')); }
function fmtParamName(name) { return known('pname_' + name, null, String(name)); }
function fmtUser(user) { return user === 'anonymous' ? t('anonymousUser') : String(user ?? '—'); }

/** " at 10:11:12" as the phrase the language uses, or "at an unknown time" for the empty time the API gives. */
function atTime(at) { return at ? t('atTime', { time: at }) : t('atUnknown'); }

/** The values of a phrase written for reading: times as phrases, numbers in the language's notation, statuses named. */
function phraseVars(values) {
  const v = {};
  for (const [k, x] of Object.entries(values || {})) {
    if (k === 'at') v.at = atTime(x);
    else if (k === 'status') v.status = fmtStatus(x);
    else if (typeof x === 'number') v[k] = formatter(x >= 10 ? 'upTo0' : 'upTo2', (l) => new Intl.NumberFormat(l, { maximumFractionDigits: x >= 10 ? 0 : 2 })).format(x);
    else v[k] = x;
  }
  return v;
}

/** "why here" from reasonCodes: the rule, then what was added; the API's reason text when it gave no codes. */
function fmtReason(task) {
  const parts = task.reasonCodes;
  if (!Array.isArray(parts) || !parts.length) return task.reason || '—';
  let out = '';
  for (const part of parts) {
    const v = phraseVars(part.values);
    const raw = part.values || {};
    switch (part.code) {
      case 'least_loaded': {
        const load = [t('whyQueued', { n: v.queued }), t('whyRunning', { n: v.running }), t('cores', { n: v.cores })];
        if ('rate' in raw) load.push(t('whyRate', { rate: v.rate }));
        if ('held' in raw) load.push(t('whyHeld', { held: v.held, workers: v.workers }));
        load.push(t('whyCpu', { cpu: fmtPercent(raw.cpu, 0) }));
        out += v.node + ': ' + load.join(', ');
        break;
      }
      case 'lowest_cpu': out += t('why_lowest_cpu', { node: v.node, cpu: fmtPercent(raw.cpu, 0) }); break;
      case 'priority': out += '; ' + t('why_priority', v); break;
      case 'text': out += raw.text || ''; break;
      default: out += (out ? ', ' : '') + known('why_' + part.code, v, part.code);
    }
  }
  return out;
}

/** The task's moves, one sentence each, from moveCodes; the API's lines when it gave no codes. */
function fmtMoves(task) {
  const lines = task.moves || [];
  const parts = task.moveCodes;
  if (!Array.isArray(parts) || parts.length !== lines.length) return lines.map(String);
  return parts.map((part, i) => {
    if (part.code === 'text') return String(lines[i]);
    const v = phraseVars(part.values);
    if (part.code === 'moved') {
      const cause = { 'is saturated': 'causeSaturated', 'had nothing waiting': 'causeIdle', 'fell behind': 'causeBehind' }[v.cause];
      v.cause = cause ? t(cause, { node: v.node }) : v.cause;
      v.timed = 'thereS' in part.values ? t('moveTimed', { there: v.thereS, here: v.hereS }) : '';
    }
    if (part.code === 'late') v.on = v.on ? t('lateOn', { on: v.on }) : '';
    if (part.code === 'retry') v.error = fmtErrorCode(part.errorCode, part.values.error);
    return known('move_' + part.code, v, String(lines[i]));
  });
}

/** The error of a FAILED or CANCELLED task: Colmena's own in the reader's words, a task's own as it came. */
function fmtError(task) { return fmtErrorCode(task.errorCode, task.error); }

function fmtErrorCode(code, text) {
  if (code && code.code === 'cancelled') {
    return code.values && code.values.by ? t('errCancelledBy', { by: fmtUser(code.values.by), at: atTime(code.values.at) }) : t('errCancelled');
  }
  if (code && code.code === 'gave_up') {
    const last = code.lastCode ? fmtMoves({ moves: [code.values.last], moveCodes: [code.lastCode] })[0] : '';
    return t('errGaveUp', phraseVars(code.values)) + (last ? '; ' + t('errLast', { last }) : '');
  }
  if (code && code.code) return known('err_' + code.code, phraseVars(code.values), String(text ?? '—'));
  return String(text ?? '—');
}

function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }

/** A bar's colour agrees with the alerts: red from the metric's alert threshold, amber within 15 points of it. */
function level(p, limit = 90) { return p >= limit ? 'level-high' : p >= limit - 15 ? 'level-warn' : 'level-ok'; }

function metricName(metric) { return t({ cpu: 'cpu', memory: 'memory', disk: 'disk' }[metric] || metric); }

/** Red for CPU and memory (the node counts as saturated), amber for disk. */
function alertSeverity(alert) { return alert.metric === 'disk' ? 'amber' : 'red'; }

function alertKey(alert) { return alert.node + '|' + alert.metric; }

function alertText(alert) {
  const since = state.alertSince.get(alertKey(alert)) ?? Date.parse(alert.since);
  return t('alertLine', {
    metric: metricName(alert.metric),
    value: fmtPercent(alert.value, 0),
    age: isNaN(since) ? '—' : fmtAge(dataNow() - since),
  });
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

/** Paths whose 401 means "not logged in" to their caller, not "the session has ended". */
const OWN_401 = new Set(['/api/login', '/api/me']);

/**
 * The one way the dashboard talks to the API. Sends a request and reads the JSON answer; resolves
 * with { status, ok, body }, rejects with a TypeError only when the API did not answer at all.
 * A POST or DELETE carries the session's X-CSRF-Token (none when login is off). A 401 means the
 * session has ended: the login screen comes back. A 403 about the CSRF token (the session was
 * replaced, e.g. by a login in another tab) is retried once with the token /api/me gives now; any
 * other 403 ("ana is a viewer; ...") is returned for the caller to show where the action was.
 */
async function request(method, path, payload, retried) {
  const gen = state.sessionGen;
  const res = await send(method, path, payload);
  if (res.status === 401 && !OWN_401.has(path)) {
    if (gen === state.sessionGen) sessionEnded(errorText(res));
  } else if (res.status === 403 && method !== 'GET' && !retried && /X-CSRF-Token/i.test(errorText(res))
      && gen === state.sessionGen && state.me) {
    const me = await send('GET', '/api/me');
    if (me.ok && me.body && gen === state.sessionGen) {
      acceptMe(me.body);
      return request(method, path, payload, true);
    }
    if (me.status === 401 && gen === state.sessionGen) sessionEnded(errorText(me));
  }
  return res;
}

async function send(method, path, payload) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
  const init = { method, cache: 'no-store', credentials: 'same-origin', signal: ctrl.signal,
    headers: { Accept: 'application/json' } };
  if (method !== 'GET' && method !== 'HEAD' && state.me && state.me.csrf) init.headers['X-CSRF-Token'] = state.me.csrf;
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

/**
 * What went wrong, in the page's language: an error with a stable code the dictionary knows
 * (err_<code>) is written from its values; any other keeps the API's own words (English).
 */
function errorText(res) {
  const body = res.body;
  if (body && typeof body.code === 'string' && DICT.en['err_' + body.code]) {
    const vars = {};
    for (const [k, v] of Object.entries(body.values || {})) vars[k] = Number.isSafeInteger(v) ? fmtNumber(v, 0) : v;
    return t('err_' + body.code, vars);
  }
  return (body && body.error) || ('HTTP ' + res.status);
}

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
  if (!state.me) return;                      // logged out: nothing is polled
  if (polling) { pollAgain = true; return; }
  polling = true;
  clearTimeout(pollTimer);
  const gen = state.sessionGen;
  try {
    const withHistory = state.needHistory;
    const checkMe = state.pollCount > 0 && state.pollCount % ME_EVERY === 0;
    state.pollCount++;
    const url = tasksUrl();
    const jobs = [getJson(withHistory ? '/api/nodes?history=true&range=' + state.chartRange : '/api/nodes'), getJson(url),
      getJson('/api/summary'), getJson('/api/health'), state.types ? null : getJson('/api/types'),
      checkMe ? getJson('/api/me') : null];
    const results = await Promise.allSettled(jobs);
    if (gen !== state.sessionGen || !state.me) return;   // logged out (or in again) meanwhile: this answer is stale
    // A job not made this time is null, and allSettled reports null as fulfilled: only the requests
    // really sent say whether the API answered.
    const [nodes, tasks, summary, health, types, me] = results.map((r, i) => (jobs[i] ? r : null));
    if (me && me.status === 'fulfilled') acceptMe(me.value);
    else if (me && me.reason instanceof ApiError && me.reason.status === 401) { sessionEnded(me.reason.message); return; }
    if (!state.me) return;

    const sent = results.filter((r, i) => jobs[i]);
    const reachable = apiAnswered(sent);
    const healthBody = health.status === 'fulfilled' ? health.value
      : health.reason instanceof ApiError ? health.reason.body : null;
    const redisDown = reachable && !!healthBody && healthBody.redis === 'down';
    const wasStale = isStale();
    state.reachable = reachable;
    state.redisDown = redisDown;
    if (wasStale && !isStale() && state.updatedAt) state.backUntil = Date.now() + BACK_MS;
    // "updated" is the time of the last figures really read, not of the last attempt.
    if (reachable && !redisDown && nodes.status === 'fulfilled') state.updatedAt = new Date().toISOString();

    if (nodes.status === 'fulfilled') acceptNodes(nodes.value, withHistory);
    else if (nodes.reason instanceof ApiError) state.nodesError = nodes.reason.message;
    if (withHistory) state.needHistory = nodes.status !== 'fulfilled';

    // When the filters or the page changed meanwhile, this answer is for another view: the next poll fetches the right one.
    const current = url === tasksUrl();
    if (current && tasks.status === 'fulfilled') { state.page = tasks.value; state.pageUrl = url; state.tasksError = null; }
    else if (current && tasks.reason instanceof ApiError) state.tasksError = tasks.reason.message;

    if (summary.status === 'fulfilled') state.summary = summary.value;
    state.health = healthBody;

    trackAlerts();
    if (types && types.status === 'fulfilled') { state.types = types.value; state.typesError = null; buildForm(); }
    else if (types && types.reason instanceof ApiError) state.typesError = types.reason.message;

    await renderInSteps(gen);
  } finally {
    polling = false;
    if (pollAgain && state.me) { pollAgain = false; poll(); } else { pollAgain = false; schedule(); }
  }
}

/** Whether any of these settled requests got an answer from the API (an error status counts; no answer does not). */
function apiAnswered(settled) {
  return settled.some((r) => r.status === 'fulfilled' || r.reason instanceof ApiError);
}

/** The figures on screen are old: the API does not answer, or it answers that Redis does not. */
function isStale() { return state.reachable === false || state.redisDown === true; }

/** The server time the figures on screen are from: now, or the last good read while they are stale. */
function dataNow() {
  if ((isStale() || state.paused) && state.updatedAt) return Date.parse(state.updatedAt) + state.clockOffset;
  return serverNow();
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
    else if (node.online && !state.history.has(node.id)) state.needHistory = true;   // a new node: its past too
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
  // Samples were missed (the tab was hidden, the API away): the next full poll reads the history again.
  if (last && node.online && at - last[0] > HISTORY_GAP_MS) state.needHistory = true;
  const sample = [at, m.cpuPercent, m.memPercent, m.diskPercent];
  // The hour's chart keeps the API's 10-second buckets: a sample in the newest bucket raises it.
  if (state.chartRange === '1h' && last && Math.floor(last[0] / 10000) === Math.floor(at / 10000)) {
    for (let i = 1; i < 4; i++) last[i] = Math.max(last[i], sample[i]);
    last[0] = at;
  } else samples.push(sample);
  const keep = state.chartRange === '1h' ? 400 : 600;
  if (samples.length > keep) samples.splice(0, samples.length - keep);
  state.history.set(node.id, samples);
}

function schedule() {
  clearTimeout(pollTimer);
  clearNodeTimers();
  if (!document.hidden && state.me && !state.paused) {
    pollTimer = setTimeout(poll, POLL_MS);
    for (let at = NODES_POLL_MS; at < POLL_MS; at += NODES_POLL_MS) nodeTimers.push(setTimeout(pollNodes, at));
  }
}

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
  clearNodeTimers();
}

let nodeTimers = [];
let nodesPolling = false;

function clearNodeTimers() {
  for (const timer of nodeTimers) clearTimeout(timer);
  nodeTimers = [];
}

/** The node list alone, between two full polls; skipped while a full poll or another of these runs. */
async function pollNodes() {
  if (!state.me || document.hidden || polling || nodesPolling || state.paused) return;
  nodesPolling = true;
  const gen = state.sessionGen;
  try {
    const body = await getJson('/api/nodes');
    if (gen !== state.sessionGen || !state.me || polling) return;
    acceptNodes(body, false);
    renderNodes(state.nodes);
    renderPanelError('nodes-error', state.nodesError);
  } catch (e) {
    // The next full poll shows what is wrong.
  } finally {
    nodesPolling = false;
  }
}

function onVisibilityChange() {
  if (document.hidden) clearTimeout(pollTimer);
  else if (state.me && !state.paused) {
    poll();
    if (typeof pollJobs === 'function') pollJobs(true);
  }
  else if (bootPending) boot();
}

/**
 * Pauses or resumes the live updates: paused, nothing is polled and every figure and age stays as
 * it was read (the API keeps collecting); resumed, one poll at once. The status line (a live
 * region) says which.
 */
function setPaused(paused) {
  if (state.paused === paused) return;
  state.paused = paused;
  if (paused) stopPolling();
  if (state.me) {
    renderConnection();
    if (!paused) {
      poll();
      if (typeof pollJobs === 'function') pollJobs(true);
    }
  }
}

// ---------------------------------------------------------------- the class demo guide

const GUIDE_KEY = 'colmena.guideDismissed';

/** Three steps for a teacher showing Colmena to a class: for those who may submit, until dismissed (remembered). */
function renderGuide() {
  let dismissed = false;
  try { dismissed = localStorage.getItem(GUIDE_KEY) === '1'; } catch (e) { /* shown; dismissing still hides it for now */ }
  dismissed = dismissed || state.guideDismissed === true;
  $('guide').hidden = !can('operator') || dismissed;
  $('guide-show').hidden = !can('operator') || !dismissed;
}

function setGuideDismissed(dismissed) {
  state.guideDismissed = dismissed;
  try { localStorage.setItem(GUIDE_KEY, dismissed ? '1' : '0'); } catch (e) { /* not remembered; still hidden */ }
  renderGuide();
  (dismissed ? $('page-title') : $('guide-title')).focus();
}

// ---------------------------------------------------------------- login and session

/** True when the logged-in role may do what role may (viewer < operator < admin). */
function can(role) {
  return !!state.me && (ROLE_RANK[state.me.role] || 0) >= ROLE_RANK[role];
}

let bootTimer = null;
let bootPending = false;   // /api/me has not answered yet: asked again every BOOT_RETRY_MS

/** Asks the API who we are: the dashboard when logged in (or login is off), the login screen on 401. */
async function boot() {
  clearTimeout(bootTimer);
  bootPending = true;
  let res;
  try {
    res = await request('GET', '/api/me');
  } catch (e) {
    showLogin({ error: msg('loginUnreachable', { s: BOOT_RETRY_MS / 1000 }) });
    if (!document.hidden) bootTimer = setTimeout(boot, BOOT_RETRY_MS);
    return;
  }
  if (state.me) { bootPending = false; return; }      // logged in meanwhile through the form
  if (res.ok && res.body) {
    bootPending = false;
    enterDashboard(res.body);
  } else if (res.status === 404) {
    // An API from before logins existed: everything is open.
    bootPending = false;
    enterDashboard({ user: 'anonymous', role: 'admin', csrf: null, auth: 'off', via: 'open' });
  } else if (res.status === 401) {
    bootPending = false;
    showLogin({});
  } else {
    showLogin({ error: msg('apiError', { msg: errorText(res) }) });
    if (!document.hidden) bootTimer = setTimeout(boot, BOOT_RETRY_MS);
  }
}

/** Takes a /api/me or /api/login answer; redraws the header and the controls when user or role changed. */
function acceptMe(me) {
  const prev = state.me;
  state.me = { user: String(me.user ?? ''), role: String(me.role ?? '').toLowerCase(), csrf: me.csrf || null,
    auth: me.auth === 'off' ? 'off' : 'on', via: me.via || '' };
  if (!prev || prev.user !== state.me.user || prev.role !== state.me.role || prev.auth !== state.me.auth) applyRole();
}

function enterDashboard(me) {
  clearTimeout(bootTimer);
  state.sessionGen++;
  state.me = null;
  acceptMe(me);
  state.reachable = null;
  state.needHistory = true;
  $('login-screen').hidden = true;
  $('main').hidden = false;
  $('skip-link').setAttribute('href', '#main');
  $('site-foot').hidden = false;
  $('connection').hidden = false;
  $('pause-toggle').hidden = false;
  $('login-password').value = '';
  setLoginMessage('login-error', '');
  setLoginMessage('login-notice', '');
  renderAll();
  poll();
  if (typeof pollJobs === 'function') pollJobs(true);
}

/** Back to the login screen: polling stops and what only that session may see is wiped. */
function leaveDashboard(message) {
  state.sessionGen++;
  state.me = null;
  stopPolling();
  // What the last user did stays theirs: the submit form's and the cards' messages go too.
  state.cardErrors.clear();
  state.mine.clear();
  clearFormErrors();
  if (typeof setSubmitStatus === 'function') setSubmitStatus('');
  if (typeof adminLeft === 'function') adminLeft();
  applyRole();
  showLogin(message);
}

/** A 401 from any call: the session expired, was ended elsewhere, or the API restarted without it. */
function sessionEnded(apiMessage) {
  if (!state.me) return;
  leaveDashboard({ error: msg('sessionEnded') });
  $('login-error').title = apiMessage || '';
}

/** Shows the login form; { error } or { notice } go above it. */
function showLogin({ error, notice } = {}) {
  $('main').hidden = true;
  $('site-foot').hidden = true;
  $('conn-banner').hidden = true;
  $('connection').hidden = true;
  $('pause-toggle').hidden = true;
  setPaused(false);
  $('session').hidden = true;
  $('login-screen').hidden = false;
  $('skip-link').setAttribute('href', '#login-screen');
  setLoginMessage('login-error', error || '');
  setLoginMessage('login-notice', notice || '');
  document.title = 'Colmena';
  const user = $('login-user');
  (user.value ? $('login-password') : user).focus();
}

const shownMessages = new Map();   // element id -> msg() shown in it (login screen, logout)

function setLoginMessage(id, m) {
  shownMessages.set(id, m || null);
  $(id).title = '';
  renderMessage(id);
}

function renderMessage(id) {
  const text = tr(shownMessages.get(id));
  $(id).textContent = text;
  $(id).hidden = !text;
}

let loginWaitUntil = 0;
let loginWaitTimer = null;

async function onLogin(e) {
  e.preventDefault();
  const button = $('login-button');
  if (button.disabled) return;
  const user = $('login-user').value.trim();
  const password = $('login-password').value;
  setLoginMessage('login-notice', '');
  if (!user || !password) {
    setLoginMessage('login-error', msg('loginMissing'));
    (!user ? $('login-user') : $('login-password')).focus();
    return;
  }
  button.disabled = true;
  button.textContent = t('loggingIn');
  let res = null;
  try {
    res = await request('POST', '/api/login', { user, password });
  } catch (err) {
    setLoginMessage('login-error', msg('loginFailed', { msg: msg('unreachableShort') }));
  } finally {
    button.textContent = t('loginButton');
    button.disabled = false;
  }
  if (!res) return;
  if (res.ok && res.body) {
    bootPending = false;
    enterDashboard(res.body);
    // Who logged in with the keyboard goes on from the top of what they came for, not from a
    // login button that is gone.
    $('page-title').focus();
    return;
  }
  setLoginMessage('login-error', msg('loginFailed', { msg: errorText(res) }));
  $('login-password').select();
  $('login-password').focus();
  const wait = res.status === 429 && res.body ? Number(res.body.retryAfterSeconds) : 0;
  if (wait > 0) holdLogin(wait);
}

/** After a 429 the button waits as long as the API said, counting down on it. */
function holdLogin(seconds) {
  loginWaitUntil = Date.now() + seconds * 1000;
  clearInterval(loginWaitTimer);
  const tick = () => {
    const left = Math.ceil((loginWaitUntil - Date.now()) / 1000);
    const button = $('login-button');
    if (left <= 0) {
      clearInterval(loginWaitTimer);
      button.disabled = false;
      button.textContent = t('loginButton');
      return;
    }
    button.disabled = true;
    button.textContent = t('loginWait', { s: left });
  };
  tick();
  loginWaitTimer = setInterval(tick, 250);
}

/** Logs out here, or (everywhere) ends every session of this user on every browser. */
async function onLogout(everywhere) {
  const button = $(everywhere ? 'logout-all-button' : 'logout-button');
  button.disabled = true;
  setLoginMessage('logout-error', '');
  try {
    const res = await request('POST', everywhere ? '/api/logout/everywhere' : '/api/logout');
    if (res.ok || res.status === 401) {
      if (state.me) leaveDashboard({ notice: msg('loggedOut') });
    } else {
      setLoginMessage('logout-error', msg('logoutFailed', { msg: errorText(res) }));
    }
  } catch (err) {
    setLoginMessage('logout-error', msg('logoutFailed', { msg: msg('unreachableShort') }));
  } finally {
    button.disabled = false;
  }
}

/** Shows and hides what the role may use: the submit form, the node buttons, the admin panel. */
function applyRole() {
  const role = state.me ? state.me.role : '';
  document.body.dataset.role = role;
  $('submit').hidden = !can('operator');
  renderGuide();
  $('admin-panel').hidden = !can('admin');
  if (typeof adminSync === 'function') adminSync();
  if (typeof pcsSync === 'function') pcsSync();
  if (state.nodes) renderNodes(state.nodes);
  renderSession();
}

/** "ana · operator" and the logout button; with login off, a warning badge instead. */
function renderSession() {
  const me = state.me;
  $('session').hidden = !me;
  if (!me) { $('whoami').textContent = ''; return; }
  const off = me.auth === 'off';
  $('whoami').textContent = fmtUser(me.user) + ' · ' + me.role;
  $('whoami').title = t('whoamiHelp', { user: fmtUser(me.user) }) + ' ' + t('role_' + me.role);
  $('noauth-badge').hidden = !off;
  $('session-label').hidden = off;
  $('noauth-badge').title = t('noAuthHelp');
  $('logout-button').hidden = off;
  $('logout-all-button').hidden = off || me.via === 'token';
  $('logout-all-button').title = t('logoutAllHelp');
}

// ---------------------------------------------------------------- language

function initialLang() {
  let saved = null;
  try { saved = localStorage.getItem(LANG_KEY); } catch (e) { /* storage blocked: fall back to the browser */ }
  if (saved === 'es' || saved === 'en') return saved;
  // The first of the browser's languages that the page has; Spanish (the paper's users) when none is.
  for (const l of navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || '']) {
    const two = String(l).toLowerCase().slice(0, 2);
    if (two === 'es' || two === 'en') return two;
  }
  return 'es';
}

function applyLanguage(lang) {
  state.lang = lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* not remembered; still switched */ }
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-label]').forEach((e) => e.setAttribute('aria-label', t(e.dataset.i18nLabel)));
  document.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-lang]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  renderAll();
}

// ---------------------------------------------------------------- projector (kiosk) mode

const KIOSK_KEY = 'colmena.kiosk';

/** On when the address says ?kiosk=1 (a screen left on a wall), else as last chosen on this browser. */
function initialKiosk() {
  const asked = new URLSearchParams(location.search).get('kiosk');
  if (asked === '1' || asked === 'true') return true;
  if (asked === '0' || asked === 'false') return false;
  try { return localStorage.getItem(KIOSK_KEY) === '1'; } catch (e) { return false; }
}

function applyKiosk(on, remember) {
  document.body.classList.toggle('kiosk', on);
  $('kiosk-toggle').setAttribute('aria-pressed', String(on));
  if (remember) {
    try { localStorage.setItem(KIOSK_KEY, on ? '1' : '0'); } catch (e) { /* not remembered; still switched */ }
  }
  redrawCharts();
}

// ---------------------------------------------------------------- panels

// Everything on the page, drawn in three steps: what a class looks at first (state, summary, alerts,
// cards), then the history, then the forms and panels below.
const RENDER_STEPS = [
  () => {
    renderSession();
    for (const id of shownMessages.keys()) renderMessage(id);
    if (state.me) renderConnection();
    renderSummary(state.summary, state.health);
    renderAlerts(state.summary);
    if (state.nodes) renderNodes(state.nodes);
    renderPanelError('nodes-error', state.nodesError);
  },
  () => {
    renderFilters();
    if (state.page) renderTasks(state.page);
    if (typeof renderDetail === 'function') renderDetail();
    renderPanelError('tasks-error', state.tasksError);
  },
  () => {
    renderForm();
    if (typeof renderAdmin === 'function') renderAdmin();
    if (typeof renderPhotos === 'function') renderPhotos();
  },
];

function renderAll() {
  for (const step of RENDER_STEPS) step();
}

/**
 * The same after a poll, giving the browser a turn between the steps, so no one step of drawing
 * holds the page long (a click or a key waits for at most one step). Stops if the session changed.
 */
async function renderInSteps(gen) {
  for (let i = 0; i < RENDER_STEPS.length; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    if (gen !== state.sessionGen || !state.me) return;
    RENDER_STEPS[i]();
  }
}

function renderConnection() {
  const back = !isStale() && Date.now() < state.backUntil;
  const kind = state.paused ? 'paused' : state.reachable === null ? 'pending' : !state.reachable ? 'bad'
    : state.redisDown ? 'redis' : back ? 'back' : 'ok';
  $('connection').className = 'conn conn-' + (kind === 'redis' ? 'bad' : kind);
  $('connection').dataset.state = kind;
  const words = t({ pending: 'connecting', ok: 'connected', back: 'back', bad: 'unreachable', redis: 'redisUnreachable',
    paused: 'pausedStatus' }[kind]);
  $('pause-text').textContent = t(state.paused ? 'resumeLive' : 'pause');
  $('pause-toggle').classList.toggle('is-paused', state.paused);
  // #conn-text is the live region: written only when its words change, so it speaks only then.
  if ($('conn-text').textContent !== words) $('conn-text').textContent = words;
  $('updated').textContent = state.updatedAt ? t('updated', { time: fmtTime(state.updatedAt) }) : '';
  const stale = isStale();
  $('main').classList.toggle('stale', stale);
  $('main').dataset.stale = String(stale);
  $('node-grid').dataset.staleLabel = stale && state.updatedAt ? t('staleData', { time: fmtTime(state.updatedAt) }) : '';
  renderTitle();

  const banner = $('conn-banner');
  banner.hidden = kind !== 'bad' && kind !== 'redis' && kind !== 'back';
  banner.className = 'banner banner-' + (kind === 'redis' ? 'bad' : kind);
  banner.dataset.kind = kind;
  const s = fmtNumber(POLL_MS / 1000, 1);
  const time = state.updatedAt ? fmtTime(state.updatedAt) : null;
  const text = kind === 'back' ? t('bannerBack')
    : kind === 'redis' ? (time ? t('bannerRedis', { time, s }) : t('bannerRedisNever', { s }))
    : time ? t('bannerDown', { time, s }) : t('bannerDownNever', { s });
  if (banner.textContent !== text) banner.textContent = text;
}

/** The tab's title: marked while the figures are stale or a node is lost, so a glance at the tab tells. */
function renderTitle() {
  const lost = (state.nodes || []).filter((n) => !n.online).length;
  const mark = isStale() ? '⚠ ' : lost ? '⚠ ' + t('titleLost', { n: lost }) + ' · ' : '';
  const title = mark + 'Colmena';
  if (document.title !== title) document.title = title;
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
    // How big TaskHistory has grown (the coordinator's --keep-days and --keep-rows bound it).
    const h = summary.history;
    const rows = h ? t('historySize', { n: fmtNumber(h.rows ?? 0, 0) }) : '';
    $('sum-history').textContent = h && h.bytes > 0 ? t('historySizeBytes', { rows, size: fmtBytes(h.bytes) }) : rows;
    renderRate(summary.perMinute || []);
  }
  document.querySelectorAll('#summary [data-status]').forEach((b) => {
    b.setAttribute('aria-pressed', String(state.filters.status === b.dataset.status));
  });
  renderHealth($('sum-redis'), 'Redis', health && health.redis);
  renderHealth($('sum-db'), 'DB', health && health.database, health && health.databaseProblem);
  renderCoordinator($('sum-coord'), health, state.summary && state.summary.coordinator);
  renderInstallation(health && health.installation);
}

/** Whether the API says no coordinator holds the lease: submitted tasks would wait until one starts. */
function noCoordinator() { return !isStale() && !!state.health && state.health.coordinator === 'absent'; }

/**
 * The Coordinator chip: a leader at work (with how many stand by; its name on hover), only a
 * standby about to take over, none, or unknown (Redis away).
 */
function renderCoordinator(span, health, stats) {
  const value = health && health.coordinator;
  const standby = (health && health.coordinatorsStandingBy) || 0;
  const kind = { working: 'leader', standby: 'standby', absent: 'none' }[value] || 'unknown';
  span.className = 'health health-' + { leader: 'up', standby: 'warn', none: 'down', unknown: 'unknown' }[kind];
  span.dataset.state = kind;
  const words = { leader: t('coordLeader'), standby: t('coordStandbyOnly'), none: t('coordNone'), unknown: t('unknown') }[kind];
  const extra = kind === 'leader' && standby > 0 ? ' · ' + t('coordStandby', { n: standby }) : '';
  const text = t('coordinator') + ': ' + words + extra;
  if (span.textContent !== text) span.textContent = text;
  span.title = kind === 'leader' && stats && stats.holder ? t('coordLeaderHelp', { name: stats.holder })
    : kind === 'none' ? t('coordNoneHelp') : kind === 'standby' ? t('coordStandbyHelp') : '';
}

/** The installation's name and namespace in the header (two classes side by side on a projector). */
function renderInstallation(inst) {
  const el = $('installation');
  el.hidden = !inst || !(inst.name || inst.namespace);
  if (el.hidden) return;
  el.textContent = [inst.name, inst.namespace ? 'namespace ' + inst.namespace : ''].filter(Boolean).join(' · ');
  el.title = inst.problem || (inst.id ? 'installation ' + inst.id : '');
  el.classList.toggle('installation-problem', Boolean(inst.problem));
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

/** One service's state from /api/health: up (or working), down (or not writable, not answering, absent), unknown. */
function renderHealth(span, name, value, problem) {
  const words = { up: 'up', working: 'working', down: 'down', 'not writable': 'notWritable',
    'not answering': 'notAnswering', absent: 'absent' };
  const kind = value === 'up' || value === 'working' ? 'up' : words[value] ? 'down' : 'unknown';
  span.className = 'health health-' + kind;
  span.textContent = name + ': ' + t(words[value] || 'unknown') + (problem ? ' (' + problem + ')' : '');
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
  // A node that stopped reporting is the first thing a class should see: its alert leads the list.
  const lost = (state.nodes || []).filter((n) => !n.online && isNum(lostSince(n)))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  items.unshift(...lost.map((n) => {
    const li = el('li', 'alert-item alert-red alert-lost');
    li.dataset.node = n.id;
    li.dataset.metric = 'lost';
    li.append(el('strong', 'alert-node', n.id), el('span', 'alert-text', t('lostAlert', { age: fmtAge(dataNow() - lostSince(n)) })));
    return li;
  }));
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
  $('task-body').addEventListener('click', onTaskOpen);
  $('task-detail').addEventListener('close', onDetailClose);
  $('detail-cancel').addEventListener('click', onDetailCancel);
  $('node-grid').addEventListener('click', onCardClick);
  $('submit-form').addEventListener('submit', onSubmit);
  $('submit-form').addEventListener('input', onFormInput);
  $('submit-type').addEventListener('change', (e) => renderParams(e.target.value));
  $('login-form').addEventListener('submit', onLogin);
  $('logout-button').addEventListener('click', () => onLogout(false));
  $('logout-all-button').addEventListener('click', () => onLogout(true));
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('resize', onResize);
  if (typeof adminStart === 'function') adminStart();
  if (typeof pcsStart === 'function') pcsStart();
  if (typeof setupPhotos === 'function') setupPhotos();
  $('kiosk-toggle').addEventListener('click', () => applyKiosk(!document.body.classList.contains('kiosk'), true));
  $('pause-toggle').addEventListener('click', () => setPaused(!state.paused));
  $('guide-dismiss').addEventListener('click', () => setGuideDismissed(true));
  $('guide-show').addEventListener('click', () => setGuideDismissed(false));
  document.querySelectorAll('[data-range]').forEach((b) => b.addEventListener('click', () => setChartRange(b.dataset.range, true)));
  setChartRange(initialChartRange(), false);
  setInterval(renderRelativeTimes, 1000);
  applyKiosk(initialKiosk(), false);
  applyLanguage(initialLang());
  boot();
}

document.addEventListener('DOMContentLoaded', start);
