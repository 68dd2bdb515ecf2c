// Colmena dashboard, node cards: one card per node (metrics, chart, alerts, drain/resume/forget),
// built once and patched in place on every poll. Uses state, t() and the helpers of app.js.
'use strict';

/** The charts' time range: the last 5 minutes as sampled, or the last hour in 10-second buckets (the API's range). */
const CHART_RANGES = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000 };
const RANGE_KEY = 'colmena.chartRange';
function chartWindowMs() { return CHART_RANGES[state.chartRange] || CHART_RANGES['5m']; }
const CLOCK_OFF_MS = 1000;           // a node's clock further than this from Redis's gets a flag on its card
const CARD_ERROR_MS = 30000;          // how long a failed drain/resume/forget message stays on its card
const CHART_COLORS = { cpu: '#2563eb', mem: '#9333ea', grid: '#cbd5e1', limit: '#b91c1c', axis: '#4f5b68' };

// ---- node cards: built once per node id, then patched in place

const cards = new Map();

function renderNodes(nodes) {
  const grid = $('node-grid');
  if (grid.getAttribute('aria-busy')) {
    grid.querySelectorAll('.placeholder').forEach((p) => p.remove());   // the loading placeholders, once
    grid.removeAttribute('aria-busy');
  }
  const sorted = [...nodes].sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const seen = new Set();
  sorted.forEach((node, i) => {
    let card = cards.get(node.id);
    if (!card) { card = createCard(node.id); cards.set(node.id, card); }
    seen.add(node.id);
    if (grid.children[i] !== card.root) grid.insertBefore(card.root, grid.children[i] || null);
    renderCard(card, node);
  });
  for (const [id, card] of cards) {
    if (!seen.has(id)) { card.root.remove(); cards.delete(id); state.cardErrors.delete(id); }
  }
  $('nodes-empty').hidden = sorted.length > 0;
  renderTitle();
}

function createCard(id) {
  const root = el('article', 'node-card');
  root.dataset.node = id;
  const head = el('header', 'card-head');
  const refs = { root, id, name: el('h3', 'node-id', id), status: el('span', 'badge status-badge'),
    drained: el('span', 'badge badge-drained') };
  refs.clock = el('span', 'badge badge-clock');
  refs.clock.hidden = true;
  head.append(refs.name, refs.status, refs.drained, refs.clock);
  refs.host = el('p', 'node-host');
  refs.os = el('p', 'node-os');
  refs.seen = el('p', 'node-seen');
  refs.alerts = el('ul', 'card-alerts');
  root.append(head, refs.host, refs.os, refs.seen, refs.alerts);
  refs.cpu = addMetric(root, 'cpu', 'cpu-value');
  refs.mem = addMetric(root, 'memory', 'mem-value');
  refs.disk = addMetric(root, 'disk', 'disk-value');
  addNetwork(root, refs);
  addChart(root, refs);

  const counts = el('dl', 'counts');
  for (const key of ['queued', 'running', 'done']) {
    const box = el('div', 'count count-' + key);
    const dt = el('dt');
    dt.dataset.i18n = key;
    refs[key] = el('dd', key + '-value');
    box.append(refs[key], dt);
    counts.append(box);
  }
  root.append(counts);

  const actions = el('div', 'card-actions');
  for (const action of ['drain', 'resume', 'forget']) {
    const b = el('button', 'action ' + action + '-button');
    b.type = 'button';
    b.dataset.action = action;
    b.dataset.i18n = action;
    b.dataset.i18nTitle = action + 'Help';
    refs[action] = b;
    actions.append(b);
  }
  refs.actions = actions;
  root.append(actions);
  // Forget asks first: a node forgotten by a slip of the finger vanishes from the class's screen.
  refs.confirm = el('div', 'card-confirm');
  refs.confirm.setAttribute('role', 'group');
  refs.confirmText = el('p', 'card-confirm-text');
  refs.confirmText.id = 'confirm-' + id.replace(/[^A-Za-z0-9_-]/g, '_');
  refs.confirm.setAttribute('aria-labelledby', refs.confirmText.id);
  const yes = el('button', 'action forget-yes');
  yes.type = 'button';
  yes.dataset.action = 'forget-yes';
  yes.dataset.i18n = 'forgetYes';
  const no = el('button', 'action forget-no');
  no.type = 'button';
  no.dataset.action = 'forget-no';
  no.dataset.i18n = 'forgetNo';
  refs.confirmNo = no;
  refs.confirm.append(refs.confirmText, yes, no);
  refs.confirm.hidden = true;
  root.append(refs.confirm);
  refs.error = el('div', 'card-error');
  refs.error.setAttribute('role', 'alert');
  refs.errorText = el('span', 'card-error-text');
  const close = el('button', 'card-error-close', '×');
  close.type = 'button';
  close.dataset.action = 'dismiss';
  close.dataset.i18nTitle = 'dismiss';
  refs.error.append(refs.errorText, close);
  refs.error.hidden = true;
  root.append(refs.error);

  root.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  root.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
  return refs;
}

/** One labelled bar: the label, the number, the bar and a detail line. Returns their elements. */
function addMetric(root, labelKey, valueClass) {
  const box = el('div', 'metric');
  const top = el('div', 'metric-top');
  const label = el('span', 'metric-label');
  label.dataset.i18n = labelKey;
  const value = el('span', 'metric-value ' + valueClass);
  const detail = el('span', 'metric-detail');
  top.append(label, detail, value);
  box.append(top);
  const { bar, fill } = addBar(box);
  root.append(box);
  return { value, bar, fill, detail, label };
}

function addBar(parent) {
  const bar = el('div', 'bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  const fill = el('div', 'bar-fill');
  bar.append(fill);
  parent.append(bar);
  return { bar, fill };
}

function addNetwork(root, refs) {
  const box = el('div', 'metric net');
  const top = el('div', 'metric-top');
  const label = el('span', 'metric-label');
  label.dataset.i18n = 'network';
  refs.netScale = el('span', 'metric-detail');
  top.append(label, refs.netScale);
  box.append(top);
  for (const dir of ['rx', 'tx']) {
    const row = el('div', 'net-row');
    const name = el('span', 'net-dir');
    name.dataset.i18n = dir === 'rx' ? 'netIn' : 'netOut';
    const value = el('span', 'net-value net-' + dir, '—');
    const { bar, fill } = addBar(row);
    row.prepend(name);
    row.append(value);
    box.append(row);
    refs[dir] = { value, bar, fill, label: name };
  }
  root.append(box);
}

function addChart(root, refs) {
  const box = el('figure', 'chart');
  refs.canvas = el('canvas', 'chart-canvas');
  refs.canvas.setAttribute('role', 'img');
  const legend = el('figcaption', 'chart-legend');
  const cpu = el('span', 'legend legend-cpu');
  cpu.dataset.i18n = 'cpu';
  const mem = el('span', 'legend legend-mem');
  mem.dataset.i18n = 'memory';
  refs.chartFrom = el('span', 'chart-axis');
  refs.chartTo = el('span', 'chart-axis');
  refs.chartTo.dataset.i18n = 'chartNow';
  legend.append(refs.chartFrom, cpu, mem, refs.chartTo);
  box.append(refs.canvas, legend);
  root.append(box);
}

/** Sets what changed only: an unchanged value touches nothing, so a quiet page does no layout or paint. */
function put(e, prop, value) { if (e[prop] !== value) e[prop] = value; }
function putAttr(e, name, value) { if (e.getAttribute(name) !== value) e.setAttribute(name, value); }

function setBar(m, percent, limit) {
  const p = isNum(percent) ? Math.max(0, Math.min(100, percent)) : 0;
  const scale = 'scaleX(' + (p / 100).toFixed(3) + ')';
  if (m.fill.style.transform !== scale) m.fill.style.transform = scale;
  put(m.fill, 'className', 'bar-fill ' + (limit === undefined ? '' : level(p, limit)));
  putAttr(m.bar, 'aria-valuenow', String(Math.round(p)));
  putAttr(m.bar, 'aria-label', m.label.textContent);
}

function setMetric(m, percent, detail, limit) {
  put(m.value, 'textContent', fmtPercent(isNum(percent) ? percent : null));
  setBar(m, percent, limit);
  put(m.detail, 'textContent', detail);
  put(m.detail, 'title', detail);
}

/** The alert threshold of a metric ('cpuPercent', 'memPercent', 'diskPercent'), 90 until the API has said. */
function limitOf(name) {
  const th = state.summary && state.summary.thresholds;
  return th && isNum(th[name]) ? th[name] : 90;
}

function renderCard(c, node) {
  const m = node.metrics;
  const saturated = node.online && node.saturated;
  c.root.classList.toggle('offline', !node.online);
  c.root.classList.toggle('saturated', !!saturated);
  c.root.classList.toggle('is-drained', !!node.drained);
  const kind = !node.online ? 'offline' : saturated ? 'saturated' : 'online';
  c.status.className = 'badge status-badge badge-' + kind;
  c.status.textContent = t(kind);
  c.drained.hidden = !node.drained;
  c.drained.textContent = t('drained');
  c.host.textContent = m ? [m.host, node.online && isNum(m.uptimeSeconds) ? t('uptime', { age: fmtAge(m.uptimeSeconds * 1000) }) : '']
    .filter(Boolean).join(' · ') : t('noMetrics');
  c.os.textContent = m ? m.os || '' : '';
  c.os.title = c.os.textContent;
  c.os.hidden = !c.os.textContent;
  c.seen.hidden = node.online;
  const lost = lostSince(node);
  c.seen.textContent = isNum(lost) ? t('lostAgo', { age: fmtAge(dataNow() - lost) }) : t('neverSeen');
  c.seen.title = node.lastSeen ? t('lastSeen', { time: fmtTime(node.lastSeen) }) : '';
  renderCardAlerts(c, node.online ? node.alerts || [] : []);
  renderClock(c, node);

  // A lost node's last figures are not its state now: the card shows none rather than old ones.
  const live = node.online ? m : null;
  setMetric(c.cpu, live && live.cpuPercent, live ? [live.cores && t('cores', { n: live.cores }),
    live.workers && t('slots', { n: live.workers })].filter(Boolean).join(' · ') : '', limitOf('cpuPercent'));
  setMetric(c.mem, live && live.memPercent, live ? fmtBytes(live.memUsedBytes) + ' / ' + fmtBytes(live.memTotalBytes) : '',
    limitOf('memPercent'));
  setMetric(c.disk, live && live.diskPercent, live ? fmtBytes(live.diskUsedBytes) + ' / ' + fmtBytes(live.diskTotalBytes) : '',
    limitOf('diskPercent'));
  for (const [dir, rate] of [['rx', live && live.netRxBytesPerSec], ['tx', live && live.netTxBytesPerSec]]) {
    put(c[dir].value, 'textContent', fmtRate(rate));
    setBar(c[dir], isNum(rate) ? (rate / state.netPeak) * 100 : null);
  }
  put(c.netScale, 'textContent', t('netScale', { rate: fmtRate(state.netPeak) }));

  put(c.queued, 'textContent', fmtNumber(node.queued ?? 0, 0));
  put(c.running, 'textContent', fmtNumber(node.running ?? 0, 0));
  put(c.done, 'textContent', fmtNumber(node.done ?? 0, 0));
  renderActions(c, node);
  renderChart(c, state.history.get(node.id) || [], node);
}

/**
 * When a node that is not online last reported, on the server's clock (epoch ms), or null when it
 * never did. lastSeen is the agent's own clock; its clockOffsetMs (agent minus Redis), when the API
 * gives one, is taken off.
 */
function lostSince(node) {
  const at = Date.parse(node.lastSeen);
  if (isNaN(at)) return null;
  return at - (isNum(node.clockOffsetMs) ? node.clockOffsetMs : 0);
}

/** A small flag when the node's clock is more than CLOCK_OFF_MS away from Redis's. */
function renderClock(c, node) {
  const off = node.clockOffsetMs;
  const show = isNum(off) && Math.abs(off) > CLOCK_OFF_MS;
  c.clock.hidden = !show;
  if (!show) return;
  const s = (off > 0 ? '+' : '−') + fmtNumber(Math.abs(off) / 1000, Math.abs(off) < 10000 ? 1 : 0);
  c.clock.textContent = t('clockOff', { s });
  c.clock.title = t('clockOffHelp', { s });
}

function renderCardAlerts(c, alerts) {
  c.alerts.replaceChildren(...alerts.map((a) => {
    const li = el('li', 'alert-line alert-' + alertSeverity(a), alertText(a));
    li.dataset.metric = a.metric;
    return li;
  }));
  c.alerts.hidden = alerts.length === 0;
}

/**
 * Drain when not drained, resume when drained, forget only when offline; plus the last failure, if any.
 * Only admins may: for anyone else every button carries the hidden attribute.
 */
function renderActions(c, node) {
  const busy = state.busy.has(node.id);
  const admin = can('admin');
  c.actions.hidden = !admin;
  c.drain.hidden = !admin || !!node.drained;
  c.resume.hidden = !admin || !node.drained;
  const confirming = admin && !node.online && state.confirmForget === node.id;
  c.forget.hidden = !admin || !!node.online || confirming;
  for (const b of [c.drain, c.resume, c.forget]) b.disabled = busy;
  c.confirm.hidden = !confirming;
  c.confirmText.textContent = confirming ? t('forgetConfirm', { id: node.id }) : '';
  if (!confirming && state.confirmForget === node.id) state.confirmForget = null;
  const err = state.cardErrors.get(node.id);
  if (err && Date.now() > err.until) state.cardErrors.delete(node.id);
  const shown = state.cardErrors.get(node.id);
  c.error.hidden = !shown;
  c.errorText.textContent = shown
    ? t('actionFailed', { action: t('act' + shown.action[0].toUpperCase() + shown.action.slice(1)), msg: shown.text }) : '';
}

/** CPU and memory over the last minutes: two lines on a 0–100 % grid, the CPU threshold dashed. */
function renderChart(c, samples, node) {
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
function setChartRange(range, remember) {
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
    if (state.me) poll();
  }
}

function initialChartRange() {
  try { return localStorage.getItem(RANGE_KEY) || '5m'; } catch (e) { return '5m'; }
}

function redrawCharts() {
  if (!state.nodes) return;
  for (const node of state.nodes) {
    const c = cards.get(node.id);
    if (c) renderChart(c, state.history.get(node.id) || [], node);
  }
}

async function nodeAction(id, action) {
  state.busy.add(id);
  if (state.nodes) renderNodes(state.nodes);
  try {
    const path = '/api/nodes/' + encodeURIComponent(id) + (action === 'forget' ? '' : '/' + action);
    const res = await request(action === 'forget' ? 'DELETE' : 'POST', path);
    if (!res.ok) {
      state.cardErrors.set(id, { action, text: errorText(res), until: Date.now() + CARD_ERROR_MS });
    } else {
      state.cardErrors.delete(id);
      const node = (state.nodes || []).find((n) => n.id === id);
      if (action === 'forget') state.nodes = (state.nodes || []).filter((n) => n.id !== id);
      else if (node) node.drained = !!res.body.drained;
    }
  } catch (e) {
    state.cardErrors.set(id, { action, text: t('unreachableShort'), until: Date.now() + CARD_ERROR_MS });
  } finally {
    state.busy.delete(id);
    if (state.nodes) renderNodes(state.nodes);
    poll();
  }
}

function onCardClick(e) {
  const button = e.target.closest('button[data-action]');
  const card = e.target.closest('.node-card');
  if (!button || !card || button.disabled) return;
  const id = card.dataset.node;
  if (button.dataset.action === 'dismiss') {
    state.cardErrors.delete(id);
    if (state.nodes) renderNodes(state.nodes);
  } else if (button.dataset.action === 'forget') {
    state.confirmForget = id;
    if (state.nodes) renderNodes(state.nodes);
    const c = cards.get(id);
    if (c) c.confirmNo.focus();
  } else if (button.dataset.action === 'forget-no') {
    state.confirmForget = null;
    if (state.nodes) renderNodes(state.nodes);
    const c = cards.get(id);
    if (c) c.forget.focus();
  } else if (button.dataset.action === 'forget-yes') {
    state.confirmForget = null;
    nodeAction(id, 'forget');
  } else {
    nodeAction(id, button.dataset.action);
  }
}
