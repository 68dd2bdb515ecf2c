// Colmena dashboard, the API client: every request goes through request() (JSON in and out, a
// timeout, the session's X-CSRF-Token on POST and DELETE); errors with a code are written in the
// reader's language. A 401 means the session has ended: session.js, told through onSession, brings
// the login screen back.
import { state } from './state.js';
import { DICT, t } from './i18n.js';
import { fmtNumber } from './format.js';

const REQUEST_TIMEOUT_MS = 5000;

// What the session does when an answer says it ended, or gives who we are now: set by session.js.
const hooks = { ended: () => {}, me: () => {} };

/** Tells the client what to do when a session ends (ended(apiMessage)) and when /api/me answers anew (me(body)). */
export function onSession({ ended, me }) {
  hooks.ended = ended;
  hooks.me = me;
}

export class ApiError extends Error {
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
export async function request(method, path, payload, retried) {
  const gen = state.sessionGen;
  const res = await send(method, path, payload);
  if (res.status === 401 && !OWN_401.has(path)) {
    if (gen === state.sessionGen) hooks.ended(errorText(res));
  } else if (res.status === 403 && method !== 'GET' && !retried && /X-CSRF-Token/i.test(errorText(res))
      && gen === state.sessionGen && state.me) {
    const me = await send('GET', '/api/me');
    if (me.ok && me.body && gen === state.sessionGen) {
      hooks.me(me.body);
      return request(method, path, payload, true);
    }
    if (me.status === 401 && gen === state.sessionGen) hooks.ended(errorText(me));
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
export function errorText(res) {
  const body = res.body;
  if (body && typeof body.code === 'string' && DICT.en['err_' + body.code]) {
    const vars = {};
    for (const [k, v] of Object.entries(body.values || {})) vars[k] = Number.isSafeInteger(v) ? fmtNumber(v, 0) : v;
    return t('err_' + body.code, vars);
  }
  return (body && body.error) || ('HTTP ' + res.status);
}

/** GET a JSON path. Rejects with ApiError when the API answered with an error, TypeError when it did not answer. */
export async function getJson(path) {
  const res = await request('GET', path);
  if (!res.ok) throw new ApiError(res.status, errorText(res), res.body);
  return res.body;
}

/** Uploads a photo as a blob (the file's own bytes, not JSON), with the session's CSRF token. */
export async function upload(file) {
  const headers = { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream' };
  if (state.me && state.me.csrf) headers['X-CSRF-Token'] = state.me.csrf;
  const res = await fetch('/api/blobs?kind=photo', { method: 'POST', body: file, headers, credentials: 'same-origin' });
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: the status says enough */ }
  if (res.status === 401) hooks.ended(body && body.error);
  return { status: res.status, ok: res.ok, body };
}
