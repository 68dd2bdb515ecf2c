// Colmena dashboard, the one poller: a single timer runs whatever source of data is due. The
// sources register at start (data.js, photos.js, admin.js) and say when each is next due:
//   full    everything (nodes, tasks, summary, health, types, who am I), POLL_MS after the last ended
//   nodes   the node list alone, NODES_POLL_MS and 2 × NODES_POLL_MS after the last full poll ended,
//           so a node's figures on screen are never more than two stats intervals old
//   jobs    the photo job shown, 1 s after the last read while it runs, 3 s otherwise (photos.js)
//   admin   tokens, users and the audit log, every 5 s for an admin (admin.js)
// Nothing is polled while logged out, while the tab is hidden or while the reader has paused the
// live updates; a source never runs twice at once (asked meanwhile, it runs again right after).
import { state } from './state.js';
import { renderConnection } from './connection.js';

export const POLL_MS = 1500;
export const NODES_POLL_MS = 500;

const sources = new Map();   // name -> { run, due, busy, again, againArg, lastStart, lastEnd }
let timer = null;

/**
 * Adds a source: run(arg) reads and draws (arg is what pollNow was given; nothing on a scheduled
 * run), due(source) is when it is next due (epoch ms, Infinity for not until asked), from its
 * lastStart and lastEnd.
 */
export function addSource(name, { run, due }) {
  sources.set(name, { name, run, due, busy: false, again: false, againArg: undefined, lastStart: 0, lastEnd: 0 });
  rearm();
}

/** Whether the source is reading now. */
export function running(name) {
  const s = sources.get(name);
  return !!s && s.busy;
}

/** When the source last finished reading (epoch ms; 0 before its first read). */
export function lastEnded(name) {
  const s = sources.get(name);
  return s ? s.lastEnd : 0;
}

/** Whether the schedule runs: someone is logged in, the tab is shown and the reader has not paused. */
function live() {
  return !!state.me && !document.hidden && !state.paused;
}

/** Runs the source now (only while logged in); when it is already running, once more right after. */
export function pollNow(name, arg) {
  const s = sources.get(name);
  if (!s || !state.me) return;
  if (s.busy) { s.again = true; s.againArg = s.againArg || arg; return; }
  start(s, arg);
}

function start(s, arg) {
  s.busy = true;
  s.lastStart = Date.now();
  Promise.resolve().then(() => s.run(arg)).catch(() => { /* each source shows its own errors */ }).finally(() => {
    s.busy = false;
    s.lastEnd = Date.now();
    if (s.again && state.me) {
      const again = s.againArg;
      s.again = false;
      s.againArg = undefined;
      start(s, again);
    } else {
      s.again = false;
      s.againArg = undefined;
      rearm();
    }
  });
}

/** Sets the one timer for the source due first. */
function rearm() {
  clearTimeout(timer);
  timer = null;
  if (!live()) return;
  let next = Infinity;
  for (const s of sources.values()) if (!s.busy) next = Math.min(next, s.due(s));
  if (next < Infinity) timer = setTimeout(tick, Math.max(0, next - Date.now()));
}

function tick() {
  timer = null;
  if (!live()) return;
  const now = Date.now();
  for (const s of sources.values()) if (!s.busy && s.due(s) <= now) start(s);
  rearm();
}

/** Stops the schedule (logged out, tab hidden, paused); what is reading finishes. */
export function stopPolling() {
  clearTimeout(timer);
  timer = null;
}

/** The tab shown again: the full poll and the job shown at once, then the schedule. */
export function resumePolling() {
  pollNow('full');
  pollNow('jobs', true);
  rearm();
}

/**
 * Pauses or resumes the live updates: paused, nothing is polled and every figure and age stays as
 * it was read (the API keeps collecting); resumed, one poll at once. The status line (a live
 * region) says which.
 */
export function setPaused(paused) {
  if (state.paused === paused) return;
  state.paused = paused;
  if (paused) stopPolling();
  if (state.me) {
    renderConnection();
    if (!paused) resumePolling();
  }
}
