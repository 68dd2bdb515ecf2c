// Colmena dashboard, what the poller reads: the full poll (nodes, tasks, summary, health, types, who
// am I) taken into state and drawn, and the node list alone between two full polls. The metric
// history is read whole once, and again only after a gap; otherwise each poll's newest sample is
// appended to what is on screen.
import { isStale, state } from './state.js';
import { renderPanelError } from './dom.js';
import { ApiError, getJson } from './api.js';
import { acceptMe, sessionEnded } from './session.js';
import { renderInSteps } from './render.js';
import { alertKey } from './alerts.js';
import { renderNodes } from './nodes.js';
import { tasksUrl } from './tasks.js';
import { buildForm } from './submit.js';
import { addSource, lastEnded, NODES_POLL_MS, POLL_MS, running } from './poll.js';

const ME_EVERY = 4;                   // who am I (role, CSRF token) is checked again every this many polls

// The full metric history is read once, and again only after a gap (an outage, a hidden tab, a new
// node, samples missed); otherwise each poll's latest sample is appended to what is on screen.
const HISTORY_GAP_MS = 5000;

const BACK_MS = 6000;                 // how long "connection is back" stays up

/** Gives the poller its two sources of the API's state: the full poll and the node list between two. */
export function startPolling() {
  addSource('full', { run: poll, due: (s) => s.lastEnd + POLL_MS });
  addSource('nodes', {
    run: pollNodes,
    // At NODES_POLL_MS, 2 × NODES_POLL_MS … after the last full poll ended, until the next one.
    due: (s) => {
      const from = lastEnded('full');
      for (let at = from + NODES_POLL_MS; at < from + POLL_MS; at += NODES_POLL_MS) if (at > s.lastStart) return at;
      return Infinity;
    },
  });
}

/** Fetches everything once and redraws: the poller's 'full' source (never two at once; pollNow('full') asks for one now). */
async function poll() {
  if (!state.me) return;                      // logged out: nothing is polled
  const gen = state.sessionGen;
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
}

/** Whether any of these settled requests got an answer from the API (an error status counts; no answer does not). */
function apiAnswered(settled) {
  return settled.some((r) => r.status === 'fulfilled' || r.reason instanceof ApiError);
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

/** The node list alone, between two full polls; skipped while a full poll or another of these runs. */
async function pollNodes() {
  if (!state.me || document.hidden || running('full') || state.paused) return;
  const gen = state.sessionGen;
  try {
    const body = await getJson('/api/nodes');
    if (gen !== state.sessionGen || !state.me || running('full')) return;
    acceptNodes(body, false);
    renderNodes(state.nodes);
    renderPanelError('nodes-error', state.nodesError);
  } catch (e) {
    // The next full poll shows what is wrong.
  }
}
