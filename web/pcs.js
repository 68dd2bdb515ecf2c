// Colmena dashboard, "Add a PC" (admins only): makes a student PC's own Redis credential and shows
// the one line to run on it, once; lists the PCs that have one; removes one (revoking it at once).
import { can } from './state.js';
import { t } from './i18n.js';
import { $, el } from './dom.js';
import { errorText, getJson, request } from './api.js';

const pcs = {
  list: null,        // last /api/node-credentials answer
  busy: false,
  shown: null,       // { node, command }: the one time a PC's line is shown
};

export function pcsStart() {
  $('pc-form').addEventListener('submit', onPcSubmit);
  $('pc-list').addEventListener('click', onPcClick);
  $('new-pc-copy').addEventListener('click', () => copyText($('new-pc-line').value));
  $('new-pc-done').addEventListener('click', () => { pcs.shown = null; renderNewPc(); $('pc-name').focus(); });
  $('new-pc-line').addEventListener('focus', (e) => e.target.select());
}

/** Called whenever the role may have changed: an admin gets the list, anyone else a wiped part. */
export function pcsSync() {
  if (can('admin')) {
    if (!pcs.list) refreshPcs();
    return;
  }
  pcs.list = null;
  pcs.shown = null;
  $('pc-list').replaceChildren();
  $('pc-form').reset();
  renderNewPc();
  pcsStatus('');
}

async function refreshPcs() {
  try {
    pcs.list = await getJson('/api/node-credentials');
  } catch (e) {
    pcsStatus(t('pcFailed', { msg: e.message }), 'error');
    return;
  }
  renderPcs();
}

function renderPcs() {
  const nodes = (pcs.list && pcs.list.nodes) || [];
  const items = nodes.map((node) => {
    const li = el('li', 'pc-item');
    li.append(el('span', 'pc-name mono', node));
    const b = el('button', 'action remove-pc', t('pcRemove'));
    b.type = 'button';
    b.dataset.node = node;
    b.disabled = pcs.busy;
    li.append(b);
    return li;
  });
  $('pc-list').replaceChildren(...items);
  $('pcs-empty').hidden = !pcs.list || nodes.length > 0 || pcs.list.supported === false;
  $('pc-add').disabled = pcs.busy || (pcs.list && pcs.list.supported === false);
  if (pcs.list && pcs.list.supported === false) pcsStatus(t('pcNoAcl'), 'error');
}

function renderNewPc() {
  const box = $('new-pc');
  box.hidden = !pcs.shown;
  $('new-pc-title').textContent = pcs.shown ? t('pcAdded', { node: pcs.shown.node }) : '';
  $('new-pc-line').value = pcs.shown ? pcs.shown.command : '';
}

async function onPcSubmit(e) {
  e.preventDefault();
  const node = $('pc-name').value.trim();
  if (!node) { pcsStatus(t('pcNameNeeded'), 'error'); return; }
  pcs.busy = true;
  renderPcs();
  try {
    const res = await request('POST', '/api/node-credentials', { node });
    if (res.ok) {
      pcs.shown = { node: res.body.node, command: res.body.command };
      $('pc-form').reset();
      pcsStatus('');
    } else {
      pcsStatus(t('pcFailed', { msg: errorText(res) }), 'error');
    }
  } catch (err) {
    pcsStatus(t('pcFailed', { msg: t('unreachableShort') }), 'error');
  } finally {
    pcs.busy = false;
    renderNewPc();
    await refreshPcs();
    if (pcs.shown) $('new-pc-line').focus();
  }
}

async function onPcClick(e) {
  const b = e.target.closest('button.remove-pc');
  if (!b || pcs.busy) return;
  const node = b.dataset.node;
  if (!window.confirm(t('pcRemoveConfirm', { node }))) return;
  pcs.busy = true;
  renderPcs();
  try {
    const res = await request('DELETE', '/api/node-credentials/' + encodeURIComponent(node));
    pcsStatus(res.ok ? t('pcRemoved', { node }) : t('pcFailed', { msg: errorText(res) }), res.ok ? 'ok' : 'error');
  } catch (err) {
    pcsStatus(t('pcFailed', { msg: t('unreachableShort') }), 'error');
  } finally {
    pcs.busy = false;
    await refreshPcs();
  }
}

function pcsStatus(text, kind) {
  const p = $('pcs-status');
  p.hidden = !text;
  p.textContent = text || '';
  p.className = 'admin-status' + (kind ? ' is-' + kind : '');
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    $('new-pc-line').select(); // no clipboard access (plain HTTP off localhost): selected for Ctrl+C
  }
}
