// Colmena dashboard, the API's codes in the reader's words: statuses, task types, parameters, why a
// task went where it went, its moves and its errors. A code the page does not know is shown as the
// API gave it.
import { known, t } from './i18n.js';
import { fmtPercent, formatter } from './format.js';

/** "número=1088, semilla=1" from the params JSON (names in the reader's language); the raw text when it is not an object. */
export function fmtParams(params) {
  if (!params) return '';
  try {
    const obj = JSON.parse(params);
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      return Object.entries(obj).map(([k, v]) => fmtParamName(k) + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ');
    }
  } catch (e) { /* not JSON: shown as it came */ }
  return String(params);
}

/** PENDING, RUNNING… as the reader's language names them; the API's word stays in data-status and filter values. */
export function fmtStatus(status) { return known('status_' + status, null, String(status ?? '—')); }

export function fmtType(type) { return known('typeName_' + type, null, String(type ?? '—')); }

export function fmtParamName(name) { return known('pname_' + name, null, String(name)); }

export function fmtUser(user) { return user === 'anonymous' ? t('anonymousUser') : String(user ?? '—'); }

/** " at 10:11:12" as the phrase the language uses, or "at an unknown time" for the empty time the API gives. */
function atTime(at) { return at ? t('atTime', { time: at }) : t('atUnknown'); }

/** The values of a phrase written for reading: times as phrases, numbers in the language's notation, statuses named. */
export function phraseVars(values) {
  const v = {};
  for (const [k, x] of Object.entries(values || {})) {
    if (k === 'at') v.at = atTime(x);
    else if (k === 'status') v.status = fmtStatus(x);
    else if (k === 'scale' && typeof x === 'number') v.scale = formatter('upTo3', (l) => new Intl.NumberFormat(l, { maximumFractionDigits: 3 })).format(x);
    else if (typeof x === 'number') v[k] = formatter(x >= 10 ? 'upTo0' : 'upTo2', (l) => new Intl.NumberFormat(l, { maximumFractionDigits: x >= 10 ? 0 : 2 })).format(x);
    else v[k] = x;
  }
  return v;
}

/** "why here" from reasonCodes: the rule, then what was added; the API's reason text when it gave no codes. */
export function fmtReason(task) {
  const parts = task.reasonCodes;
  if (!Array.isArray(parts) || !parts.length) return task.reason || '—';
  let out = '';
  for (const part of parts) {
    const v = phraseVars(part.values);
    const raw = part.values || {};
    switch (part.code) {
      case 'least_loaded': {
        const load = [t('whyQueued', { n: v.queued }), t('whyRunning', { n: v.running }), t('cores', { n: v.cores })];
        if ('rate' in raw) load.push(t('whyRate', { rate: v.rate }));
        if ('held' in raw) load.push(t('whyHeld', { held: v.held, workers: v.workers }));
        load.push(t('whyCpu', { cpu: fmtPercent(raw.cpu, 0) }));
        out += v.node + ': ' + load.join(', ');
        break;
      }
      case 'lowest_cpu': out += t('why_lowest_cpu', { node: v.node, cpu: fmtPercent(raw.cpu, 0) }); break;
      case 'priority': out += '; ' + t('why_priority', v); break;
      case 'text': out += raw.text || ''; break;
      default: out += (out ? ', ' : '') + known('why_' + part.code, v, part.code);
    }
  }
  return out;
}

/** The task's moves, one sentence each, from moveCodes; the API's lines when it gave no codes. */
export function fmtMoves(task) {
  const lines = task.moves || [];
  const parts = task.moveCodes;
  if (!Array.isArray(parts) || parts.length !== lines.length) return lines.map(String);
  return parts.map((part, i) => {
    if (part.code === 'text') return String(lines[i]);
    const v = phraseVars(part.values);
    if (part.code === 'moved') {
      const cause = { 'is saturated': 'causeSaturated', 'had nothing waiting': 'causeIdle', 'fell behind': 'causeBehind' }[v.cause];
      v.cause = cause ? t(cause, { node: v.node }) : v.cause;
      v.timed = 'thereS' in part.values ? t('moveTimed', { there: v.thereS, here: v.hereS }) : '';
    }
    if (part.code === 'late') v.on = v.on ? t('lateOn', { on: v.on }) : '';
    if (part.code === 'retry') v.error = fmtErrorCode(part.errorCode, part.values.error);
    return known('move_' + part.code, v, String(lines[i]));
  });
}

/** The error of a FAILED or CANCELLED task: Colmena's own in the reader's words, a task's own as it came. */
export function fmtError(task) { return fmtErrorCode(task.errorCode, task.error); }

/** Why a photo of a job failed, in the reader's words: its strip's failure or the merging's, with its own error in the reader's words too when Colmena gave it. */
export function fmtPhotoError(photo) {
  const code = photo.errorCode;
  if (!code || !code.code) return String(photo.error ?? '');
  const v = phraseVars(code.values);
  if ('error' in (code.values || {})) v.error = fmtErrorCode(code.errorCode, code.values.error);
  return known('err_' + code.code, v, String(photo.error ?? ''));
}

function fmtErrorCode(code, text) {
  if (code && code.code === 'cancelled') {
    return code.values && code.values.by ? t('errCancelledBy', { by: fmtUser(code.values.by), at: atTime(code.values.at) }) : t('errCancelled');
  }
  if (code && code.code === 'gave_up') {
    const last = code.lastCode ? fmtMoves({ moves: [code.values.last], moveCodes: [code.lastCode] })[0] : '';
    return t('errGaveUp', phraseVars(code.values)) + (last ? '; ' + t('errLast', { last }) : '');
  }
  if (code && code.code) return known('err_' + code.code, phraseVars(code.values), String(text ?? '—'));
  return String(text ?? '—');
}
