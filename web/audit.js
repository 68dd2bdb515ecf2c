// Colmena dashboard, admin panel: the audit log (the newest entries), each entry's actor, target and
// detail in the reader's words.
import { DICT, known, t } from './i18n.js';
import { fmtDateTime } from './format.js';
import { fmtStatus, fmtType, phraseVars } from './phrases.js';
import { $, el, setText, syncRows, td } from './dom.js';
import { admin } from './admin.js';

export function renderAudit() {
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
    v.more = (v.id ? ', ' + t('auditId', { id: v.id }) : '') + (v.expires ? ', ' + t('audit_expires', { at: v.expires }) : '') + (v.ended ? '; ' + t('audit_ended') : '');
  }
  if (code.code === 'first_use' && v.since) return t('audit_first_use_since', v);
  return known('audit_' + code.code, v, text);
}
