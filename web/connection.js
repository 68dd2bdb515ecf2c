// Colmena dashboard, the connection line in the header, the outage banner and the tab's title: what
// a glance must tell (the API away, Redis away, the figures stale, a node lost, paused).
import { isStale, state } from './state.js';
import { t } from './i18n.js';
import { fmtNumber, fmtTime } from './format.js';
import { $ } from './dom.js';
import { POLL_MS } from './poll.js';

export function renderConnection() {
  const back = !isStale() && Date.now() < state.backUntil;
  const kind = state.paused ? 'paused' : state.reachable === null ? 'pending' : !state.reachable ? 'bad'
    : state.redisDown ? 'redis' : back ? 'back' : 'ok';
  $('connection').className = 'conn conn-' + (kind === 'redis' ? 'bad' : kind);
  $('connection').dataset.state = kind;
  const words = t({ pending: 'connecting', ok: 'connected', back: 'back', bad: 'unreachable', redis: 'redisUnreachable',
    paused: 'pausedStatus' }[kind]);
  $('pause-text').textContent = t(state.paused ? 'resumeLive' : 'pause');
  $('pause-toggle').classList.toggle('is-paused', state.paused);
  // #conn-text is the live region: written only when its words change, so it speaks only then.
  if ($('conn-text').textContent !== words) $('conn-text').textContent = words;
  $('updated').textContent = state.updatedAt ? t('updated', { time: fmtTime(state.updatedAt) }) : '';
  const stale = isStale();
  $('main').classList.toggle('stale', stale);
  $('main').dataset.stale = String(stale);
  $('node-grid').dataset.staleLabel = stale && state.updatedAt ? t('staleData', { time: fmtTime(state.updatedAt) }) : '';
  renderTitle();

  const banner = $('conn-banner');
  banner.hidden = kind !== 'bad' && kind !== 'redis' && kind !== 'back';
  banner.className = 'banner banner-' + (kind === 'redis' ? 'bad' : kind);
  banner.dataset.kind = kind;
  const s = fmtNumber(POLL_MS / 1000, 1);
  const time = state.updatedAt ? fmtTime(state.updatedAt) : null;
  const text = kind === 'back' ? t('bannerBack')
    : kind === 'redis' ? (time ? t('bannerRedis', { time, s }) : t('bannerRedisNever', { s }))
    : time ? t('bannerDown', { time, s }) : t('bannerDownNever', { s });
  if (banner.textContent !== text) banner.textContent = text;
}

/** The tab's title: marked while the figures are stale or a node is lost, so a glance at the tab tells. */
export function renderTitle() {
  const lost = (state.nodes || []).filter((n) => !n.online).length;
  const mark = isStale() ? '⚠ ' : lost ? '⚠ ' + t('titleLost', { n: lost }) + ' · ' : '';
  const title = mark + 'Colmena';
  if (document.title !== title) document.title = title;
}
