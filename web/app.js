// Colmena dashboard, the entry module (index.html loads only this; it imports the rest): wires the
// page's controls, the language and projector mode, and starts the session and the poller.
// Modules: i18n.js (every word shown), state.js, format.js and phrases.js (formatting), dom.js,
// api.js (the API client), session.js (login), poll.js (the one poller), data.js (what it reads),
// render.js, and one module per part of the page: connection.js, summary.js, alerts.js, nodes.js,
// charts.js, tasks.js, detail.js, submit.js, photos.js, guide.js, admin.js, users.js, audit.js, pcs.js.
import { state } from './state.js';
import { initialLang, LANG_KEY, t } from './i18n.js';
import { renderRelativeTimes } from './format.js';
import { $ } from './dom.js';
import { startPolling } from './data.js';
import { boot, bootIfPending, sessionStart } from './session.js';
import { renderAll } from './render.js';
import { onCardClick } from './nodes.js';
import { initialChartRange, redrawCharts, setChartRange } from './charts.js';
import { tasksStart } from './tasks.js';
import { detailStart } from './detail.js';
import { submitStart } from './submit.js';
import { adminStart } from './admin.js';
import { pcsStart } from './pcs.js';
import { setupPhotos } from './photos.js';
import { setGuideDismissed } from './guide.js';
import { resumePolling, setPaused, stopPolling } from './poll.js';

function applyLanguage(lang) {
  state.lang = lang;
  try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* not remembered; still switched */ }
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-label]').forEach((e) => e.setAttribute('aria-label', t(e.dataset.i18nLabel)));
  document.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll('[data-lang]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  renderAll();
}

const KIOSK_KEY = 'colmena.kiosk';

/** On when the address says ?kiosk=1 (a screen left on a wall), else as last chosen on this browser. */
function initialKiosk() {
  const asked = new URLSearchParams(location.search).get('kiosk');
  if (asked === '1' || asked === 'true') return true;
  if (asked === '0' || asked === 'false') return false;
  try { return localStorage.getItem(KIOSK_KEY) === '1'; } catch (e) { return false; }
}

function applyKiosk(on, remember) {
  document.body.classList.toggle('kiosk', on);
  $('kiosk-toggle').setAttribute('aria-pressed', String(on));
  if (remember) {
    try { localStorage.setItem(KIOSK_KEY, on ? '1' : '0'); } catch (e) { /* not remembered; still switched */ }
  }
  redrawCharts();
}

let resizeFrame = 0;

function onResize() {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(redrawCharts);
}

/** A hidden tab polls nothing; shown again, it reads at once (or asks who we are, if that is still pending). */
function onVisibilityChange() {
  if (document.hidden) stopPolling();
  else if (state.me && !state.paused) resumePolling();
  else bootIfPending();
}

function start() {
  document.querySelectorAll('[data-lang]').forEach((b) => b.addEventListener('click', () => applyLanguage(b.dataset.lang)));
  tasksStart();
  detailStart();
  $('node-grid').addEventListener('click', onCardClick);
  submitStart();
  sessionStart();
  document.addEventListener('visibilitychange', onVisibilityChange);
  window.addEventListener('resize', onResize);
  startPolling();
  adminStart();
  pcsStart();
  setupPhotos();
  $('kiosk-toggle').addEventListener('click', () => applyKiosk(!document.body.classList.contains('kiosk'), true));
  $('pause-toggle').addEventListener('click', () => setPaused(!state.paused));
  $('guide-dismiss').addEventListener('click', () => setGuideDismissed(true));
  $('guide-show').addEventListener('click', () => setGuideDismissed(false));
  document.querySelectorAll('[data-range]').forEach((b) => b.addEventListener('click', () => setChartRange(b.dataset.range, true)));
  setChartRange(initialChartRange(), false);
  setInterval(renderRelativeTimes, 1000);
  applyKiosk(initialKiosk(), false);
  applyLanguage(initialLang());
  boot();
}

// A module runs once the page is parsed, before DOMContentLoaded.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
