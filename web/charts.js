// Colmena dashboard, each node card's chart of CPU and memory over the last 5 minutes or the last
// hour (the API's 10-second buckets), drawn on a canvas; the range is remembered on this browser.
import { dataNow, state } from './state.js';
import { t } from './i18n.js';
import { fmtPercent, isNum } from './format.js';
import { cards } from './nodes.js';
import { pollNow } from './poll.js';

/** The charts' time range: the last 5 minutes as sampled, or the last hour in 10-second buckets (the API's range). */
const CHART_RANGES = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000 };

const RANGE_KEY = 'colmena.chartRange';

function chartWindowMs() { return CHART_RANGES[state.chartRange] || CHART_RANGES['5m']; }

const CHART_COLORS = { cpu: '#2563eb', mem: '#9333ea', grid: '#cbd5e1', limit: '#b91c1c', axis: '#4f5b68' };

/** CPU and memory over the last minutes: two lines on a 0–100 % grid, the CPU threshold dashed. */
export function renderChart(c, samples, node) {
  const canvas = c.canvas;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  const windowMs = chartWindowMs();
  const minutes = windowMs / 60000;
  canvas.setAttribute('aria-label', t('chartLabel', { id: node.id, min: minutes }));
  c.chartFrom.textContent = t('chartAgo', { min: minutes });
  if (!w || !h) return;
  // The chart moves a pixel every second or so: redrawn when a sample arrives, the size or the state
  // changes, or a second has passed, not at every read of the node list.
  const lastAt = samples.length ? samples[samples.length - 1][0] : 0;
  const key = [lastAt, samples.length, w, h, node.online, state.lang].join();
  if (key === c.chartKey && Date.now() - c.chartAt < 1000) return;
  c.chartKey = key;
  c.chartAt = Date.now();
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const end = dataNow();
  const start = end - windowMs;
  const pad = 6;
  const axis = 38;                      // room on the left for the 0 / 50 / 100 % labels
  const x = (ms) => axis + ((ms - start) / windowMs) * (w - axis);
  const y = (p) => pad + (1 - Math.max(0, Math.min(100, p)) / 100) * (h - 2 * pad);

  ctx.lineWidth = 1;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const p of [0, 50, 100]) {
    ctx.strokeStyle = CHART_COLORS.grid;
    ctx.beginPath(); ctx.moveTo(axis, y(p) + 0.5); ctx.lineTo(w, y(p) + 0.5); ctx.stroke();
    ctx.fillStyle = CHART_COLORS.axis;
    ctx.fillText(fmtPercent(p, 0), axis - 3, y(p));
  }
  const limit = state.summary && state.summary.thresholds && state.summary.thresholds.cpuPercent;
  if (isNum(limit)) {
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = CHART_COLORS.limit;
    ctx.beginPath(); ctx.moveTo(axis, y(limit)); ctx.lineTo(w, y(limit)); ctx.stroke();
    ctx.setLineDash([]);
    // The threshold line says what it is, under it at the left, where the newest samples are not.
    ctx.fillStyle = CHART_COLORS.limit;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(t('chartLimit', { limit: fmtPercent(limit, 0) }), axis + 4, y(limit) + 2);
  }
  const interval = (node.metrics && node.metrics.intervalMs) || 1000;
  // A gap in the line where samples are missing; an hour's samples come 10 s apart.
  const gapMs = Math.max(state.chartRange === '1h' ? 25000 : 5000, interval * 4);
  const muted = !node.online;
  // Memory dashed, CPU solid with a dot on its newest sample: told apart without colour too.
  drawSeries(ctx, samples, 2, muted ? '#64748b' : CHART_COLORS.mem, x, y, start, gapMs, [6, 3]);
  drawSeries(ctx, samples, 1, muted ? '#475569' : CHART_COLORS.cpu, x, y, start, gapMs, []);
}

function drawSeries(ctx, samples, index, color, x, y, start, gapMs, dash) {
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  ctx.setLineDash(dash);
  ctx.beginPath();
  let prev = null;
  let last = null;
  for (const s of samples) {
    const at = s[0];
    const v = s[index];
    if (!isNum(at) || !isNum(v) || at < start - gapMs) { prev = null; continue; }
    if (prev === null || at - prev > gapMs) ctx.moveTo(x(at), y(v));
    else ctx.lineTo(x(at), y(v));
    prev = at;
    last = [x(at), y(v)];
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (last && !dash.length) { ctx.beginPath(); ctx.arc(last[0], last[1], 3, 0, 2 * Math.PI); ctx.fill(); }
  if (last && dash.length) { ctx.fillRect(last[0] - 3, last[1] - 3, 6, 6); }
}

/** Switches the charts' range: the history is read again for it, and the choice remembered on this browser. */
export function setChartRange(range, remember) {
  if (!CHART_RANGES[range]) range = '5m';
  const changed = state.chartRange !== range;
  state.chartRange = range;
  document.querySelectorAll('[data-range]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.range === range)));
  if (remember) {
    try { localStorage.setItem(RANGE_KEY, range); } catch (e) { /* not remembered; still switched */ }
  }
  if (changed) {
    state.needHistory = true;
    redrawCharts();
    if (state.me) pollNow('full');
  }
}

export function initialChartRange() {
  try { return localStorage.getItem(RANGE_KEY) || '5m'; } catch (e) { return '5m'; }
}

export function redrawCharts() {
  if (!state.nodes) return;
  for (const node of state.nodes) {
    const c = cards.get(node.id);
    if (c) renderChart(c, state.history.get(node.id) || [], node);
  }
}
