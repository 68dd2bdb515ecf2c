// Colmena dashboard, shared state: what the page last read from the API and what the reader chose,
// one object every module reads and writes; and the judgements made from it (who may do what,
// whether the figures are stale, the server's clock).

export const state = {
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

export const ROLE_RANK = { viewer: 1, operator: 2, admin: 3 };

/** True when the logged-in role may do what role may (viewer < operator < admin). */
export function can(role) {
  return !!state.me && (ROLE_RANK[state.me.role] || 0) >= ROLE_RANK[role];
}

export function serverNow() { return Date.now() + state.clockOffset; }

/** The figures on screen are old: the API does not answer, or it answers that Redis does not. */
export function isStale() { return state.reachable === false || state.redisDown === true; }

/** The server time the figures on screen are from: now, or the last good read while they are stale. */
export function dataNow() {
  if ((isStale() || state.paused) && state.updatedAt) return Date.parse(state.updatedAt) + state.clockOffset;
  return serverNow();
}

/** Whether the API says no coordinator holds the lease: submitted tasks would wait until one starts. */
export function noCoordinator() { return !isStale() && !!state.health && state.health.coordinator === 'absent'; }
