// Colmena dashboard, a task's detail: everything about one task, in a dialog opened from its row
// (instead of hover tooltips), with Cancel for what has not finished; focus goes back to the row.
import { can, state } from './state.js';
import { msg, t, tr } from './i18n.js';
import { fmtDuration, fmtTime } from './format.js';
import { fmtError, fmtMoves, fmtParams, fmtReason, fmtStatus, fmtType } from './phrases.js';
import { $, el } from './dom.js';
import { errorText, getJson, request } from './api.js';
import { pollNow } from './poll.js';

export function detailStart() {
  $('task-body').addEventListener('click', onTaskOpen);
  $('task-detail').addEventListener('close', onDetailClose);
  $('detail-cancel').addEventListener('click', onDetailCancel);
}

let detailTask = null;     // the task shown, as the table last had it

let detailOpener = null;   // the button that opened it, to give focus back

function onTaskOpen(e) {
  const button = e.target.closest('button.task-open');
  if (!button) return;
  const task = state.page && (state.page.tasks || []).find((x) => x.id === button.dataset.task);
  if (!task) return;
  detailTask = task;
  detailOpener = button;
  renderDetail();
  $('task-detail').showModal();
  refreshDetail(task.id);
}

/** The task as the API has it now (a RUNNING task may have finished since the table was drawn). */
async function refreshDetail(id) {
  try {
    const fresh = await getJson('/api/tasks/' + encodeURIComponent(id));
    if (detailTask && detailTask.id === id && $('task-detail').open) { detailTask = fresh; renderDetail(); }
  } catch (err) { /* the table's copy stays shown */ }
}

export function renderDetail() {
  const task = detailTask;
  if (!task) return;
  $('detail-title').textContent = t('detailTitle', { type: fmtType(task.type) });
  const failed = task.status === 'FAILED' || task.status === 'CANCELLED';
  const rows = [
    ['colTask', task.id, 'mono'],
    ['colType', fmtType(task.type)],
    ['colParams', fmtParams(task.params) || '—', 'mono'],
    ['colNode', task.node || '—'],
    ['colStatus', fmtStatus(task.status)],
    [failed ? 'detailError' : 'detailResult', failed ? fmtError(task) : String(task.result ?? '—'), failed ? 'error' : 'mono'],
    ['colWhy', fmtReason(task)],
    ['detailMoves', (task.moves || []).length ? fmtMoves(task).join('\n') : t('detailNoMoves')],
    ['colAttempts', String(task.attempts ?? '—')],
    ['detailPriority', String(task.priority ?? 5)],
    ...(task.retries > 0 ? [['detailRetries', t('detailRetriesUsed', { used: task.failures ?? 0, asked: task.retries })]] : []),
    ...(task.status === 'RUNNING' && task.progress ? [['detailProgress',
      task.progress.text ? t('progressTextWith', { pct: task.progress.percent, text: task.progress.text })
        : t('progressText', { pct: task.progress.percent })]] : []),
    ['detailSubmitted', fmtTime(task.submittedAt)],
    ['detailStarted', fmtTime(task.startedAt)],
    ['detailFinished', fmtTime(task.finishedAt)],
    ['colDuration', fmtDuration(task.durationMs)],
  ];
  $('detail-list').replaceChildren(...rows.flatMap(([key, value, cls]) => [el('dt', null, t(key)), el('dd', cls || null, value)]));
  // Cancel: for what has not finished, and for operators and admins.
  const open = task.status === 'PENDING' || task.status === 'RUNNING';
  $('detail-cancel').hidden = !(can('operator') && open);
  if (!open) $('detail-status').textContent = '';
}

/** Asks for the task shown to be cancelled; its status follows in the dialog and the table. */
async function onDetailCancel() {
  const task = detailTask;
  if (!task) return;
  const status = $('detail-status');
  $('detail-cancel').disabled = true;
  try {
    const res = await request('POST', '/api/tasks/' + encodeURIComponent(task.id) + '/cancel', {});
    status.textContent = res.status === 202 ? t('cancelling') : tr(msg('cancelRefused', { msg: errorText(res) }));
    setTimeout(() => refreshDetail(task.id), 1500);
    pollNow('full');
  } catch (err) {
    status.textContent = tr(msg('apiError', { msg: msg('unreachableShort') }));
  } finally {
    $('detail-cancel').disabled = false;
  }
}

function onDetailClose() {
  detailTask = null;
  $('detail-status').textContent = '';
  if (detailOpener && detailOpener.isConnected) detailOpener.focus();
  else { const again = detailOpener && document.querySelector(`button.task-open[data-task="${CSS.escape(detailOpener.dataset.task)}"]`); if (again) again.focus(); }
}
