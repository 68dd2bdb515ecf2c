// Colmena dashboard, admin panel (admins only): API tokens (create, shown once; revoke), and what the
// panel's parts share: the lists read together every few seconds while the page is visible (the
// poller's 'admin' source), status lines and form errors. Users are in users.js, the audit log in
// audit.js, student PCs in pcs.js. Names and details typed by people go in with textContent only.
import { can, ROLE_RANK, state } from './state.js';
import { msg, t, tr } from './i18n.js';
import { fmtDateTime } from './format.js';
import { $, el, setText, syncRows, td } from './dom.js';
import { ApiError, errorText, getJson, request } from './api.js';
import { onUserClick, onUserSubmit, renderUsers } from './users.js';
import { renderAudit } from './audit.js';
import { addSource, pollNow } from './poll.js';

const ADMIN_REFRESH_MS = 5000;

const AUDIT_LIMIT = 100;

const ADMIN_STATUS_MS = 15000;        // how long a "done" line stays under a form

export const admin = {
  tokens: null,           // last /api/tokens list
  users: null,            // last /api/users list
  audit: null,            // last /api/audit entries, newest first
  errors: { tokens: null, users: null, audit: null },
  status: { tokens: null, users: null },   // { text, kind: 'ok' | 'error', until }
  entered: false,         // an admin's lists are kept up to date (the poller's 'admin' source)
  loading: false,
  again: false,
  busy: new Set(),        // 'token:<id>' and 'user:<name>' with a request on its way
  tokenBusy: false,
  userBusy: false,
  newToken: null,         // { id, name, role, token }: the one time a token is shown
  rows: { token: new Map(), user: new Map(), audit: new Map() },
  auditDrawn: false,      // the audit table was drawn once: rows that come later flash
};

export function adminStart() {
  addSource('admin', { run: refreshAdmin,
    due: (s) => (admin.entered && can('admin') ? s.lastStart + ADMIN_REFRESH_MS : Infinity) });
  $('token-form').addEventListener('submit', onTokenSubmit);
  $('user-form').addEventListener('submit', onUserSubmit);
  $('token-form').addEventListener('input', (e) => adminClearError('token-form', e.target.name));
  $('user-form').addEventListener('input', (e) => adminClearError('user-form', e.target.name));
  $('token-body').addEventListener('click', onTokenClick);
  $('user-body').addEventListener('click', onUserClick);
  $('new-token-copy').addEventListener('click', copyNewToken);
  $('new-token-done').addEventListener('click', () => { admin.newToken = null; renderNewToken(); $('token-name').focus(); });
  $('new-token-value').addEventListener('focus', (e) => e.target.select());
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshAdmin(); });
}

/** Called whenever the role may have changed: starts the admin panel for an admin, wipes it for anyone else. */
export function adminSync() {
  if (can('admin') && !admin.entered) adminEntered();
  else if (!can('admin') && (admin.entered || admin.tokens || admin.newToken)) adminLeft();
}

/** After a login: an admin gets the lists now and every ADMIN_REFRESH_MS while the page is visible. */
function adminEntered() {
  admin.entered = can('admin');
  if (admin.entered) pollNow('admin');
}

/** After a logout or a lost session: nothing of the admin's stays on the page, least of all a new token. */
export function adminLeft() {
  admin.entered = false;
  admin.tokens = admin.users = admin.audit = null;
  admin.errors = { tokens: null, users: null, audit: null };
  admin.status = { tokens: null, users: null };
  admin.newToken = null;
  admin.busy.clear();
  admin.auditDrawn = false;
  for (const cache of Object.values(admin.rows)) cache.clear();
  for (const id of ['token-body', 'user-body', 'audit-body']) $(id).replaceChildren();
  $('token-form').reset();
  $('user-form').reset();
  adminClearError('token-form');
  adminClearError('user-form');
  renderNewToken();
}

/** Fetches tokens, users and the audit log together; never two at once. */
export async function refreshAdmin() {
  if (!can('admin')) return;
  if (admin.loading) { admin.again = true; return; }
  admin.loading = true;
  const gen = state.sessionGen;
  try {
    const [tokens, users, audit] = await Promise.allSettled([getJson('/api/tokens'), getJson('/api/users'),
      getJson('/api/audit?limit=' + AUDIT_LIMIT)]);
    if (gen !== state.sessionGen || !can('admin')) return;
    const take = (r, key, field) => {
      if (r.status === 'fulfilled') { admin[key] = (r.value && r.value[field]) || []; admin.errors[key] = null; }
      else admin.errors[key] = r.reason instanceof ApiError ? r.reason.message : t('unreachableShort');
    };
    take(tokens, 'tokens', 'tokens');
    take(users, 'users', 'users');
    take(audit, 'audit', 'entries');
    renderAdmin();
  } finally {
    admin.loading = false;
    if (admin.again) { admin.again = false; refreshAdmin(); }
  }
}

export function renderAdmin() {
  if (!can('admin')) return;
  renderTokens();
  renderUsers();
  renderAudit();
  renderNewToken();
  renderStatus('tokens');
  renderStatus('users');
  setText($('audit-note'), t('auditNote', { n: AUDIT_LIMIT, s: ADMIN_REFRESH_MS / 1000 }));
  $('token-create').disabled = admin.tokenBusy;
  $('user-save').disabled = admin.userBusy;
}

export function roleName(role) { return String(role ?? '').toLowerCase(); }

export function roleChip(role) {
  const r = roleName(role);
  const chip = el('span', 'role-chip role-' + (ROLE_RANK[r] ? r : 'other'), r);
  chip.title = t('role_' + r);
  return chip;
}

export function actionButton(className, labelKey, title) {
  const b = el('button', 'action ' + className, t(labelKey));
  b.type = 'button';
  if (title) b.title = title;
  return b;
}

function renderTokens() {
  const list = admin.tokens || [];
  syncRows($('token-body'), admin.rows.token, list, (x) => x.id,
    (x) => JSON.stringify(x) + admin.busy.has('token:' + x.id), tokenRow, false);
  $('tokens-empty').hidden = !admin.tokens || list.length > 0;
}

function tokenRow(x) {
  const revoked = !!x.revokedAt;
  const tr = el('tr', 'token-row' + (revoked ? ' is-revoked' : ''));
  tr.dataset.tokenId = String(x.id);
  const name = td('token-name', x.name);
  const role = el('td');
  role.append(roleChip(x.role));
  const created = td('time', fmtDateTime(x.createdAt), x.createdAt);
  created.append(el('span', 'token-user', t('byUser', { user: x.user ?? '—' })));
  tr.append(name, role, created, td('time', x.lastUsedAt ? fmtDateTime(x.lastUsedAt) : t('never'), x.lastUsedAt));
  const st = el('td', 'token-state');
  st.append(el('span', 'state-chip ' + (revoked ? 'state-revoked' : 'state-active'),
    revoked ? t('tokenRevokedAt', { time: fmtDateTime(x.revokedAt) }) : t('tokenActive')));
  tr.append(st);
  const act = el('td', 'row-actions');
  if (!revoked) {
    const b = actionButton('revoke-token', 'revoke', t('revokeHelp'));
    b.dataset.id = String(x.id);
    b.disabled = admin.busy.has('token:' + x.id);
    act.append(b);
  }
  tr.append(act);
  return tr;
}

function onTokenClick(e) {
  const b = e.target.closest('button.revoke-token');
  if (!b || b.disabled || !can('admin')) return;
  const token = (admin.tokens || []).find((x) => String(x.id) === b.dataset.id);
  revokeToken(b.dataset.id, token ? token.name : b.dataset.id);
}

async function revokeToken(id, name) {
  admin.busy.add('token:' + id);
  renderTokens();
  try {
    const res = await request('DELETE', '/api/tokens/' + encodeURIComponent(id));
    if (res.status === 401) return;
    if (res.ok) {
      showStatus('tokens', msg('tokenRevoked', { name }), 'ok');
      if (admin.newToken && String(admin.newToken.id) === String(id)) admin.newToken = null;
    } else {
      showStatus('tokens', msg('revokeFailed', { name, msg: errorText(res) }), 'error');
    }
  } catch (err) {
    showStatus('tokens', msg('revokeFailed', { name, msg: msg('unreachableShort') }), 'error');
  } finally {
    admin.busy.delete('token:' + id);
    renderAdmin();
    refreshAdmin();
  }
}

async function onTokenSubmit(e) {
  e.preventDefault();
  if (admin.tokenBusy || !can('admin')) return;
  adminClearError('token-form');
  const name = $('token-name').value.trim();
  const role = $('token-role').value;
  if (!name) { adminFieldError('token-form', 'name', t('tokenNameMissing')); return; }
  admin.tokenBusy = true;
  $('token-create').disabled = true;
  $('token-create').textContent = t('creating');
  try {
    const res = await request('POST', '/api/tokens', { name, role });
    if (res.status === 401) return;
    if (res.ok && res.body && res.body.token) {
      admin.newToken = { id: res.body.id, name: res.body.name ?? name, role: roleName(res.body.role ?? role),
        token: String(res.body.token) };
      $('token-name').value = '';
      admin.status.tokens = null;
      renderNewToken();
      $('new-token').scrollIntoView({ block: 'nearest' });
      $('new-token-value').focus();
      refreshAdmin();
    } else {
      adminFieldError('token-form', res.status === 400 && res.body ? res.body.field : null, errorText(res));
    }
  } catch (err) {
    adminFieldError('token-form', null, t('apiError', { msg: t('unreachableShort') }));
  } finally {
    admin.tokenBusy = false;
    $('token-create').textContent = t('tokenCreate');
    $('token-create').disabled = false;
  }
}

/** The token just made, once: a monospace field to copy it from and a ready-made submit command. */
function renderNewToken() {
  const box = $('new-token');
  const x = admin.newToken;
  box.hidden = !x;
  if (!x) {
    $('new-token-value').value = '';
    setText($('new-token-example'), '');
    setText($('new-token-copied'), '');
    setText($('new-token-title'), '');
    return;
  }
  setText($('new-token-title'), t('tokenCreated', { name: x.name, role: x.role }));
  if ($('new-token-value').value !== x.token) $('new-token-value').value = x.token;
  setText($('new-token-example'), 'java -jar dist/colmena.jar submit --api ' + location.origin + ' --token ' + x.token
    + ' --type primes --param n=100000');
}

async function copyNewToken() {
  const input = $('new-token-value');
  input.focus();
  input.select();
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(input.value); ok = true; }
  } catch (e) { /* not allowed here: the old way below */ }
  if (!ok) {
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
  }
  $('new-token-copied').textContent = ok ? t('copied') : t('copyFailed');
  $('new-token-copied').className = 'copied ' + (ok ? 'is-ok' : 'is-error');
}

/** Puts message beside the named field of formId; a field the form does not show gets it at the top. */
export function adminFieldError(formId, field, message, focus = true) {
  const f = $(formId);
  let box = field ? f.querySelector(`.field-error[data-field="${CSS.escape(field)}"]`) : null;
  if (!box) box = f.querySelector('.field-error[data-field="form"]');
  box.textContent = message;
  box.hidden = false;
  const input = field ? f.querySelector(`[name="${CSS.escape(field)}"]`) : null;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    if (focus) input.focus();
  }
}

/** Clears the error of one field (and the form's own), or all of them when no field is named. */
export function adminClearError(formId, field) {
  const f = $(formId);
  f.querySelectorAll('.field-error').forEach((box) => {
    if (!field || box.dataset.field === field || box.dataset.field === 'form') { box.hidden = true; box.textContent = ''; }
  });
  f.querySelectorAll('[aria-invalid]').forEach((input) => {
    if (!field || input.name === field) input.removeAttribute('aria-invalid');
  });
}

/** The line under a form: what the last action did ('ok' lines go after a while, 'error' lines stay). */
export function showStatus(part, m, kind) {
  admin.status[part] = { m, kind, until: kind === 'error' ? Infinity : Date.now() + ADMIN_STATUS_MS };
  renderStatus(part);
}

/** A list that could not be loaded says so on that line, before any action's outcome. */
export function renderStatus(part) {
  const p = $(part + '-status');
  const s = admin.status[part];
  if (s && Date.now() > s.until) admin.status[part] = null;
  const shown = admin.errors[part] ? { m: msg('adminLoadFailed', { msg: admin.errors[part] }), kind: 'error' }
    : admin.status[part];
  p.hidden = !shown;
  setText(p, shown ? tr(shown.m) : '');
  p.className = 'admin-status' + (shown ? ' is-' + shown.kind : '');
}
