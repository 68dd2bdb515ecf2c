// Colmena dashboard, admin panel (admins only): API tokens (create, shown once; revoke), users
// (create, change password and role, delete) and the audit log (newest 100 entries, refreshed every
// few seconds while the page is visible). Uses state, t(), request() and the helpers of app.js.
// Token names, user names and audit details are typed by people: they go in with textContent only.
'use strict';

const ADMIN_REFRESH_MS = 5000;
const AUDIT_LIMIT = 100;
const ADMIN_STATUS_MS = 15000;        // how long a "done" line stays under a form
const MIN_PASSWORD = 8;

const admin = {
  tokens: null,           // last /api/tokens list
  users: null,            // last /api/users list
  audit: null,            // last /api/audit entries, newest first
  errors: { tokens: null, users: null, audit: null },
  status: { tokens: null, users: null },   // { text, kind: 'ok' | 'error', until }
  timer: null,
  loading: false,
  again: false,
  busy: new Set(),        // 'token:<id>' and 'user:<name>' with a request on its way
  tokenBusy: false,
  userBusy: false,
  newToken: null,         // { id, name, role, token }: the one time a token is shown
  rows: { token: new Map(), user: new Map(), audit: new Map() },
  auditDrawn: false,      // the audit table was drawn once: rows that come later flash
};

// ---- lifecycle (called from app.js)

function adminStart() {
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
function adminSync() {
  if (can('admin') && !admin.timer) adminEntered();
  else if (!can('admin') && (admin.timer || admin.tokens || admin.newToken)) adminLeft();
}

/** After a login: an admin gets the lists now and every ADMIN_REFRESH_MS while the page is visible. */
function adminEntered() {
  clearInterval(admin.timer);
  admin.timer = null;
  if (!can('admin')) return;
  refreshAdmin();
  admin.timer = setInterval(() => { if (!document.hidden && !state.paused) refreshAdmin(); }, ADMIN_REFRESH_MS);
}

/** After a logout or a lost session: nothing of the admin's stays on the page, least of all a new token. */
function adminLeft() {
  clearInterval(admin.timer);
  admin.timer = null;
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
async function refreshAdmin() {
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

// ---- drawing

function renderAdmin() {
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

/** Assigns text only when it changed, so a selection the user made in it survives the redraws. */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit', hour12: false });
}

function roleName(role) { return String(role ?? '').toLowerCase(); }

/**
 * Keeps tbody's rows in the order of items, one per key, rebuilt only when its signature changed
 * (a button under the mouse is not replaced every few seconds). New rows flash when flash is true.
 */
function syncRows(body, cache, items, key, sig, build, flash) {
  const keep = new Map();
  items.forEach((item, i) => {
    const k = String(key(item));
    const s = state.lang + '|' + sig(item);
    let entry = cache.get(k);
    if (!entry || entry.sig !== s) {
      const tr = build(item);
      if (!entry && flash) tr.classList.add('fresh');
      entry = { tr, sig: s };
    }
    keep.set(k, entry);
    if (body.children[i] !== entry.tr) body.insertBefore(entry.tr, body.children[i] || null);
  });
  while (body.children.length > items.length) body.lastElementChild.remove();
  cache.clear();
  for (const [k, v] of keep) cache.set(k, v);
}

function td(className, text, title) {
  const cell = el('td', className, text);
  if (title) cell.title = title;
  return cell;
}

function roleChip(role) {
  const r = roleName(role);
  const chip = el('span', 'role-chip role-' + (ROLE_RANK[r] ? r : 'other'), r);
  chip.title = t('role_' + r);
  return chip;
}

function actionButton(className, labelKey, title) {
  const b = el('button', 'action ' + className, t(labelKey));
  b.type = 'button';
  if (title) b.title = title;
  return b;
}

// ---- tokens

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

// ---- users

function renderUsers() {
  const list = admin.users || [];
  const me = state.me ? state.me.user : '';
  syncRows($('user-body'), admin.rows.user, list, (x) => x.name,
    (x) => JSON.stringify(x) + (x.name === me) + admin.busy.has('user:' + x.name), userRow, false);
}

function userRow(x) {
  const self = state.me && x.name === state.me.user;
  const tr = el('tr', 'user-row' + (self ? ' is-self' : ''));
  tr.dataset.user = x.name;
  const name = td('user-name');
  name.append(el('span', null, x.name));
  if (self) name.append(el('span', 'you-chip', t('you')));
  const role = el('td');
  role.append(roleChip(x.role));
  tr.append(name, role, td('time', fmtDateTime(x.createdAt), x.createdAt));
  const act = el('td', 'row-actions');
  const edit = actionButton('edit-user', 'editUser', t('editHelp', { name: x.name }));
  edit.dataset.user = x.name;
  const del = actionButton('delete-user', 'deleteUser', self ? t('cannotDeleteSelf') : t('deleteHelp', { name: x.name }));
  del.dataset.user = x.name;
  del.disabled = self || admin.busy.has('user:' + x.name);
  act.append(edit, del);
  tr.append(act);
  return tr;
}

function onUserClick(e) {
  const b = e.target.closest('button[data-user]');
  if (!b || b.disabled || !can('admin')) return;
  const name = b.dataset.user;
  if (b.classList.contains('edit-user')) {
    const user = (admin.users || []).find((x) => x.name === name);
    adminClearError('user-form');
    $('user-name').value = name;
    if (user && ROLE_RANK[roleName(user.role)]) $('user-role').value = roleName(user.role);
    $('user-password').value = '';
    $('user-form').scrollIntoView({ block: 'nearest' });
    $('user-password').focus();
  } else if (b.classList.contains('delete-user')) {
    deleteUser(name);
  }
}

async function deleteUser(name) {
  admin.busy.add('user:' + name);
  renderUsers();
  try {
    const res = await request('DELETE', '/api/users/' + encodeURIComponent(name));
    if (res.status === 401) return;
    if (res.ok) showStatus('users', msg('userDeleted', { name }), 'ok');
    else showStatus('users', msg('deleteFailed', { name, msg: errorText(res) }), 'error');
  } catch (err) {
    showStatus('users', msg('deleteFailed', { name, msg: msg('unreachableShort') }), 'error');
  } finally {
    admin.busy.delete('user:' + name);
    renderAdmin();
    refreshAdmin();
  }
}

async function onUserSubmit(e) {
  e.preventDefault();
  if (admin.userBusy || !can('admin')) return;
  adminClearError('user-form');
  admin.status.users = null;
  renderStatus('users');
  const user = $('user-name').value.trim();
  const password = $('user-password').value;
  const role = $('user-role').value;
  let wrong = false;
  if (!user) { adminFieldError('user-form', 'user', t('userNameMissing')); wrong = true; }
  if (password.length < MIN_PASSWORD) { adminFieldError('user-form', 'password', t('passwordShort'), !wrong); wrong = true; }
  if (wrong) { showStatus('users', msg('notSaved'), 'error'); return; }
  admin.userBusy = true;
  $('user-save').disabled = true;
  $('user-save').textContent = t('saving');
  try {
    const res = await request('POST', '/api/users', { user, password, role });
    if (res.status === 401) return;
    if (res.ok) {
      const name = (res.body && res.body.user) || user;
      const r = roleName((res.body && res.body.role) || role);
      showStatus('users', msg(res.status === 201 ? 'userCreated' : 'userChanged', { name, role: r }), 'ok');
      $('user-name').value = '';
      $('user-password').value = '';
      refreshAdmin();
    } else {
      const field = res.status === 400 && res.body ? res.body.field : null;
      adminFieldError('user-form', field, errorText(res));
      showStatus('users', field ? msg('notSaved') : msg('notSavedMsg', { msg: errorText(res) }), 'error');
    }
  } catch (err) {
    adminFieldError('user-form', null, t('apiError', { msg: t('unreachableShort') }));
  } finally {
    admin.userBusy = false;
    $('user-save').textContent = t('userSave');
    $('user-save').disabled = false;
  }
}

// ---- audit log

function renderAudit() {
  const list = admin.audit || [];
  syncRows($('audit-body'), admin.rows.audit, list, (x) => x.id, (x) => JSON.stringify(x), auditRow,
    admin.auditDrawn);
  if (admin.audit) admin.auditDrawn = true;
  $('audit-empty').hidden = !admin.audit || list.length > 0;
  const status = $('audit-status');
  status.hidden = !admin.errors.audit;
  setText(status, admin.errors.audit ? t('adminLoadFailed', { msg: admin.errors.audit }) : '');
  status.className = 'admin-status is-error';
}

function auditRow(x) {
  const action = String(x.action ?? '');
  const tr = el('tr', 'audit-row' + (action === 'login_failed' ? ' audit-failed' : ''));
  tr.dataset.action = action;
  tr.dataset.id = String(x.id);
  const what = el('td', 'audit-action');
  what.append(el('span', 'audit-code mono', action));
  const desc = DICT.en['act_' + action] ? t('act_' + action) : '';
  if (desc) what.append(el('span', 'audit-desc', desc));
  tr.append(td('time', fmtDateTime(x.at), x.at), td('audit-actor', auditPhrase(x.actorCode, x.actor ?? '—')), what,
    td('audit-target', action === 'tasks_submitted' ? fmtType(x.target) : auditPhrase(x.targetCode, x.target ?? '—')), td('mono audit-address', x.address ?? '—'),
    td('audit-detail', auditPhrase(x.detailCode, x.detail ?? '')));
  return tr;
}

/** An audit actor, target or detail the API wrote, in the reader's words (audit_<code>); a person's words as they came. */
function auditPhrase(code, text) {
  if (!code || !code.code) return text;
  const v = phraseVars(code.values);
  if ('type' in v) v.type = fmtType(code.values.type);
  if ('since' in v) v.since = fmtDateTime(code.values.since);
  if ('expires' in v) v.expires = fmtDateTime(code.values.expires);
  if (code.code === 'cancel_filter') {
    v.status = code.values.status === 'PENDING or RUNNING' ? t('audit_pendingOrRunning') : fmtStatus(code.values.status);
    v.more = (v.type ? ', ' + t('colType').toLowerCase() + ' ' + v.type : '') + (v.node ? ', ' + t('colNode').toLowerCase() + ' ' + v.node : '');
  }
  if (code.code === 'role') {
    v.more = (v.id ? ', id ' + v.id : '') + (v.expires ? ', ' + t('audit_expires', { at: v.expires }) : '') + (v.ended ? '; ' + t('audit_ended') : '');
  }
  if (code.code === 'first_use' && v.since) return t('audit_first_use_since', v);
  return known('audit_' + code.code, v, text);
}

// ---- form errors and status lines

/** Puts message beside the named field of formId; a field the form does not show gets it at the top. */
function adminFieldError(formId, field, message, focus = true) {
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
function adminClearError(formId, field) {
  const f = $(formId);
  f.querySelectorAll('.field-error').forEach((box) => {
    if (!field || box.dataset.field === field || box.dataset.field === 'form') { box.hidden = true; box.textContent = ''; }
  });
  f.querySelectorAll('[aria-invalid]').forEach((input) => {
    if (!field || input.name === field) input.removeAttribute('aria-invalid');
  });
}

/** The line under a form: what the last action did ('ok' lines go after a while, 'error' lines stay). */
function showStatus(part, m, kind) {
  admin.status[part] = { m, kind, until: kind === 'error' ? Infinity : Date.now() + ADMIN_STATUS_MS };
  renderStatus(part);
}

/** A list that could not be loaded says so on that line, before any action's outcome. */
function renderStatus(part) {
  const p = $(part + '-status');
  const s = admin.status[part];
  if (s && Date.now() > s.until) admin.status[part] = null;
  const shown = admin.errors[part] ? { m: msg('adminLoadFailed', { msg: admin.errors[part] }), kind: 'error' }
    : admin.status[part];
  p.hidden = !shown;
  setText(p, shown ? tr(shown.m) : '');
  p.className = 'admin-status' + (shown ? ' is-' + shown.kind : '');
}
