// Colmena dashboard, formatting in the reader's language: numbers, percentages, bytes, rates, ages,
// durations, clock times, dates and times ago. Formatters are made once per language and kind.
import { serverNow, state } from './state.js';

export function locale() { return state.lang === 'es' ? 'es-ES' : 'en-GB'; }

export function isNum(n) { return typeof n === 'number' && isFinite(n); }

// Formatters are made once per language and kind: toLocaleString builds a new one at every call,
// which was a good part of a quiet page's work.
const formatters = new Map();

export function formatter(kind, make) {
  const key = locale() + '|' + kind;
  if (!formatters.has(key)) formatters.set(key, make(locale()));
  return formatters.get(key);
}

export function fmtNumber(n, digits) {
  if (!isNum(n)) return '—';
  return formatter('n' + digits, (l) => new Intl.NumberFormat(l, { minimumFractionDigits: digits, maximumFractionDigits: digits }))
    .format(n);
}

/** "97.5%" in English, "97,5 %" in Spanish, the space one that does not break: "%" never starts a line. */
export function fmtPercent(p, digits = 1) {
  if (!isNum(p)) return '—';
  return fmtNumber(p, digits) + (state.lang === 'es' ? '\u00a0%' : '%');
}

export function fmtBytes(b) {
  if (!isNum(b)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (Math.abs(b) >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return fmtNumber(b, i === 0 ? 0 : 1) + ' ' + units[i];
}

export function fmtRate(bps) { return isNum(bps) ? fmtBytes(bps) + '/s' : '—'; }

/** A span of time as "12 s", "3 min 5 s", "2 h 7 min" or "3 d 4 h". */
export function fmtAge(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min' + (s % 60 ? ' ' + (s % 60) + ' s' : '');
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}

export function fmtDuration(ms) {
  if (!isNum(ms)) return '—';
  if (ms < 1000) return fmtNumber(ms, 0) + ' ms';
  if (ms < 60000) return fmtNumber(ms / 1000, 1) + ' s';
  return fmtAge(ms);
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return '—';
  return formatter('time', (l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit', second: '2-digit',
    hour12: false })).format(d);
}

/** "hace 12 s", "12 sec ago": how long before now (the server's clock) iso was, in the chosen language. */
export function fmtRelative(iso) {
  const at = Date.parse(iso);
  if (isNaN(at)) return '—';
  const s = Math.max(0, Math.round((serverNow() - at) / 1000));
  const [n, unit] = s < 60 ? [s, 'second'] : s < 3600 ? [Math.floor(s / 60), 'minute'] : s < 172800
    ? [Math.floor(s / 3600), 'hour'] : [Math.floor(s / 86400), 'day'];
  return formatter('rel', (l) => new Intl.RelativeTimeFormat(l, { numeric: 'always', style: 'narrow' })).format(-n, unit);
}

/** Rewrites every relative time on the page (elements with data-rel, an ISO time) where its words changed. */
export function renderRelativeTimes() {
  if (document.hidden) return;
  for (const e of document.querySelectorAll('[data-rel]')) {
    const text = fmtRelative(e.dataset.rel);
    if (e.textContent !== text) e.textContent = text;
  }
}

export function fmtMinute(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '—' : formatter('minute', (l) => new Intl.DateTimeFormat(l, { hour: '2-digit', minute: '2-digit',
    hour12: false })).format(d);
}

export function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit',
    minute: '2-digit', second: '2-digit', hour12: false });
}

export function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + '…' : text; }
