// Colmena dashboard, node cards: one card per node (metrics, chart, alerts, drain/resume/forget),
// built once and patched in place on every poll.
import { can, dataNow, state } from './state.js';
import { t } from './i18n.js';
import { fmtAge, fmtBytes, fmtNumber, fmtPercent, fmtRate, fmtTime, isNum } from './format.js';
import { $, el, put, putAttr } from './dom.js';
import { errorText, request } from './api.js';
import { renderTitle } from './connection.js';
import { alertSeverity, alertText } from './alerts.js';
import { renderChart } from './charts.js';
import { pollNow } from './poll.js';

const CLOCK_OFF_MS = 1000;           // a node's clock further than this from Redis's gets a flag on its card

const CARD_ERROR_MS = 30000;          // how long a failed drain/resume/forget message stays on its card

export const cards = new Map();

export function renderNodes(nodes) {
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

/** A bar's colour agrees with the alerts: red from the metric's alert threshold, amber within 15 points of it. */
function level(p, limit = 90) { return p >= limit ? 'level-high' : p >= limit - 15 ? 'level-warn' : 'level-ok'; }

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
export function lostSince(node) {
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
    pollNow('full');
  }
}

export function onCardClick(e) {
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
