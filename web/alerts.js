// Colmena dashboard, the alerts panel: lost nodes first, then every metric over its threshold, with
// how long it has been so (pushed back to where the node's history first went over).
import { dataNow, state } from './state.js';
import { t } from './i18n.js';
import { fmtAge, fmtPercent, isNum } from './format.js';
import { $, el } from './dom.js';
import { lostSince } from './nodes.js';

function metricName(metric) { return t({ cpu: 'cpu', memory: 'memory', disk: 'disk' }[metric] || metric); }

/** Red for CPU and memory (the node counts as saturated), amber for disk. */
export function alertSeverity(alert) { return alert.metric === 'disk' ? 'amber' : 'red'; }

export function alertKey(alert) { return alert.node + '|' + alert.metric; }

export function alertText(alert) {
  const since = state.alertSince.get(alertKey(alert)) ?? Date.parse(alert.since);
  return t('alertLine', {
    metric: metricName(alert.metric),
    value: fmtPercent(alert.value, 0),
    age: isNaN(since) ? '—' : fmtAge(dataNow() - since),
  });
}

export function renderAlerts(summary) {
  if (!summary) return;
  const alerts = [...(summary.alerts || [])].sort((a, b) =>
    String(a.node).localeCompare(String(b.node)) || String(a.metric).localeCompare(String(b.metric)));
  const items = alerts.map((a) => {
    const li = el('li', 'alert-item alert-' + alertSeverity(a));
    li.dataset.node = a.node;
    li.dataset.metric = a.metric;
    li.append(el('strong', 'alert-node', a.node), el('span', 'alert-text', alertText(a)),
      el('span', 'alert-limit', t('alertOver', { limit: fmtPercent(a.threshold, 0) })));
    return li;
  });
  // A node that stopped reporting is the first thing a class should see: its alert leads the list.
  const lost = (state.nodes || []).filter((n) => !n.online && isNum(lostSince(n)))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  items.unshift(...lost.map((n) => {
    const li = el('li', 'alert-item alert-red alert-lost');
    li.dataset.node = n.id;
    li.dataset.metric = 'lost';
    li.append(el('strong', 'alert-node', n.id), el('span', 'alert-text', t('lostAlert', { age: fmtAge(dataNow() - lostSince(n)) })));
    return li;
  }));
  $('alert-items').replaceChildren(...items);
  $('alerts-empty').hidden = items.length > 0;
  $('alert-count').hidden = items.length === 0;
  $('alert-count').textContent = t('alertCount', { n: items.length });
  $('alerts').classList.toggle('has-alerts', items.length > 0);
  const th = summary.thresholds;
  $('thresholds').textContent = th ? t('thresholds', { cpu: fmtPercent(th.cpuPercent, 0), mem: fmtPercent(th.memPercent, 0),
    disk: fmtPercent(th.diskPercent, 0), s: th.afterSeconds }) : '';
}
