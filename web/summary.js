// Colmena dashboard, the summary strip: nodes online, tasks per minute, failures, tasks by status,
// the history's size, and the services (Redis, database, coordinator) with the installation's name.
import { state } from './state.js';
import { t } from './i18n.js';
import { fmtBytes, fmtMinute, fmtNumber } from './format.js';
import { $, svg } from './dom.js';

export function renderSummary(summary, health) {
  if (summary) {
    const n = summary.nodes || {};
    $('sum-nodes').textContent = (n.online ?? 0) + ' / ' + ((n.online ?? 0) + (n.offline ?? 0));
    $('sum-nodes-sub').textContent = [n.offline ? t('nodesOffline', { n: n.offline }) : '',
      n.drained ? t('nodesDrained', { n: n.drained }) : ''].filter(Boolean).join(' · ');
    const tasks = summary.tasks || {};
    for (const s of ['PENDING', 'RUNNING', 'DONE', 'FAILED']) $('sum-' + s).textContent = fmtNumber(tasks[s] ?? 0, 0);
    $('sum-failed').textContent = fmtNumber(tasks.FAILED ?? 0, 0);
    $('sum-failed').classList.toggle('is-zero', !tasks.FAILED);
    // How big TaskHistory has grown (the coordinator's --keep-days and --keep-rows bound it).
    const h = summary.history;
    const rows = h ? t('historySize', { n: fmtNumber(h.rows ?? 0, 0) }) : '';
    $('sum-history').textContent = h && h.bytes > 0 ? t('historySizeBytes', { rows, size: fmtBytes(h.bytes) }) : rows;
    renderRate(summary.perMinute || []);
  }
  document.querySelectorAll('#summary [data-status]').forEach((b) => {
    b.setAttribute('aria-pressed', String(state.filters.status === b.dataset.status));
  });
  renderHealth($('sum-redis'), t('serviceRedis'), health && health.redis);
  renderHealth($('sum-db'), t('serviceDb'), health && health.database, health && health.databaseProblem);
  renderCoordinator($('sum-coord'), health, state.summary && state.summary.coordinator);
  renderInstallation(health && health.installation);
}

/**
 * The Coordinator chip: a leader at work (with how many stand by; its name on hover), only a
 * standby about to take over, none, or unknown (Redis away).
 */
function renderCoordinator(span, health, stats) {
  const value = health && health.coordinator;
  const standby = (health && health.coordinatorsStandingBy) || 0;
  const kind = { working: 'leader', standby: 'standby', absent: 'none' }[value] || 'unknown';
  span.className = 'health health-' + { leader: 'up', standby: 'warn', none: 'down', unknown: 'unknown' }[kind];
  span.dataset.state = kind;
  const words = { leader: t('coordLeader'), standby: t('coordStandbyOnly'), none: t('coordNone'), unknown: t('unknown') }[kind];
  const extra = kind === 'leader' && standby > 0 ? ' · ' + t('coordStandby', { n: standby }) : '';
  const text = t('coordinator') + ': ' + words + extra;
  if (span.textContent !== text) span.textContent = text;
  span.title = kind === 'leader' && stats && stats.holder ? t('coordLeaderHelp', { name: stats.holder })
    : kind === 'none' ? t('coordNoneHelp') : kind === 'standby' ? t('coordStandbyHelp') : '';
}

/** The installation's name and namespace in the header (two classes side by side on a projector). */
function renderInstallation(inst) {
  const el = $('installation');
  el.hidden = !inst || !(inst.name || inst.namespace);
  if (el.hidden) return;
  el.textContent = [inst.name, inst.namespace ? t('installationNamespace', { ns: inst.namespace }) : ''].filter(Boolean).join(' · ');
  el.title = inst.problem || (inst.id ? t('installationId', { id: inst.id }) : '');
  el.classList.toggle('installation-problem', Boolean(inst.problem));
}

/** The last complete minute's count, and bars for every minute (the current one paler). */
function renderRate(minutes) {
  const last = minutes.length >= 2 ? minutes[minutes.length - 2] : null;
  $('sum-rate').textContent = last ? fmtNumber(last.done, 0) : '—';
  $('sum-rate-sub').textContent = last ? t('perMinuteSub', { time: fmtMinute(last.minute) }) : '';
  const key = state.lang + JSON.stringify(minutes);
  const box = $('sum-spark');
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  const W = 100, H = 32, gap = 2;
  const bw = minutes.length ? (W - gap * (minutes.length - 1)) / minutes.length : W;
  const max = Math.max(1, ...minutes.map((m) => (m.done || 0) + (m.failed || 0)));
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', class: 'spark-svg' });
  minutes.forEach((m, i) => {
    const x = i * (bw + gap);
    const dh = ((m.done || 0) / max) * H;
    const fh = ((m.failed || 0) / max) * H;
    const g = svg('g', { class: i === minutes.length - 1 ? 'bar-current' : '' });
    const title = svg('title');
    title.textContent = t('perMinuteBar', { time: fmtMinute(m.minute), done: m.done || 0, failed: m.failed || 0 })
      + (i === minutes.length - 1 ? ' ' + t('perMinuteNow') : '');
    g.append(title, svg('rect', { x, y: 0, width: bw, height: H, class: 'spark-bg' }));
    if (dh > 0) g.append(svg('rect', { x, y: H - dh, width: bw, height: dh, class: 'spark-done' }));
    if (fh > 0) g.append(svg('rect', { x, y: H - dh - fh, width: bw, height: fh, class: 'spark-failed' }));
    chart.append(g);
  });
  chart.setAttribute('aria-label', minutes.map((m) => t('perMinuteBar',
    { time: fmtMinute(m.minute), done: m.done || 0, failed: m.failed || 0 })).join('; '));
  box.replaceChildren(chart);
}

/** One service's state from /api/health: up (or working), down (or not writable, not answering, absent), unknown. */
function renderHealth(span, name, value, problem) {
  const words = { up: 'up', working: 'working', down: 'down', 'not writable': 'notWritable',
    'not answering': 'notAnswering', absent: 'absent' };
  const kind = value === 'up' || value === 'working' ? 'up' : words[value] ? 'down' : 'unknown';
  span.className = 'health health-' + kind;
  span.textContent = name + ': ' + t(words[value] || 'unknown') + (problem ? ' (' + problem + ')' : '');
}
