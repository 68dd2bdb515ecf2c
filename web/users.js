// Colmena dashboard, admin panel: users (create, change password and role, delete).
import { can, ROLE_RANK, state } from './state.js';
import { msg, t } from './i18n.js';
import { fmtDateTime } from './format.js';
import { $, el, syncRows, td } from './dom.js';
import { errorText, request } from './api.js';
import {
  actionButton, admin, adminClearError, adminFieldError, refreshAdmin, renderAdmin, renderStatus, roleChip,
  roleName, showStatus,
} from './admin.js';

const MIN_PASSWORD = 8;

export function renderUsers() {
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

export function onUserClick(e) {
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

export async function onUserSubmit(e) {
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
