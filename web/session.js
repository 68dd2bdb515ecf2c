// Colmena dashboard, login and session: the API answers 401 without a session; the page then shows
// the login screen and polls nothing until someone logs in. Who is logged in (role, CSRF token) is
// asked at start and checked again now and then by the full poll; a role decides what is shown.
import { can, state } from './state.js';
import { msg, t, tr } from './i18n.js';
import { fmtUser } from './phrases.js';
import { $ } from './dom.js';
import { errorText, onSession, request } from './api.js';
import { renderAll } from './render.js';
import { renderNodes } from './nodes.js';
import { clearFormErrors, setSubmitStatus } from './submit.js';
import { adminLeft, adminSync } from './admin.js';
import { pcsSync } from './pcs.js';
import { renderGuide } from './guide.js';
import { pollNow, setPaused, stopPolling } from './poll.js';

const BOOT_RETRY_MS = 3000;           // while the API does not answer /api/me, asked again this often

let bootTimer = null;

let bootPending = false;   // /api/me has not answered yet: asked again every BOOT_RETRY_MS

/** Wires the login form and the logout buttons, and tells the API client what a lost session does. */
export function sessionStart() {
  onSession({ ended: sessionEnded, me: acceptMe });
  $('login-form').addEventListener('submit', onLogin);
  $('logout-button').addEventListener('click', () => onLogout(false));
  $('logout-all-button').addEventListener('click', () => onLogout(true));
}

/** Asks the API who we are: the dashboard when logged in (or login is off), the login screen on 401. */
export async function boot() {
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

/** Asks /api/me again at once if it has not answered yet (the tab is shown again). */
export function bootIfPending() {
  if (bootPending) boot();
}

/** Takes a /api/me or /api/login answer; redraws the header and the controls when user or role changed. */
export function acceptMe(me) {
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
  pollNow('full');
  pollNow('jobs', true);
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
  setSubmitStatus('');
  adminLeft();
  applyRole();
  showLogin(message);
}

/** A 401 from any call: the session expired, was ended elsewhere, or the API restarted without it. */
export function sessionEnded(apiMessage) {
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

export const shownMessages = new Map();   // element id -> msg() shown in it (login screen, logout)

function setLoginMessage(id, m) {
  shownMessages.set(id, m || null);
  $(id).title = '';
  renderMessage(id);
}

export function renderMessage(id) {
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
  adminSync();
  pcsSync();
  if (state.nodes) renderNodes(state.nodes);
  renderSession();
}

/** "ana · operator" and the logout button; with login off, a warning badge instead. */
export function renderSession() {
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
