// Colmena dashboard, building blocks for drawing: elements made with text only (every value from the
// API is written with textContent or setAttribute, never as markup: node ids, hosts and results come
// from other machines), changes made only where something changed, rows kept in order, progress bars.
import { state } from './state.js';
import { t } from './i18n.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

/** Sets what changed only: an unchanged value touches nothing, so a quiet page does no layout or paint. */
export function put(e, prop, value) { if (e[prop] !== value) e[prop] = value; }

export function putAttr(e, name, value) { if (e.getAttribute(name) !== value) e.setAttribute(name, value); }

/** Assigns text only when it changed, so a selection the user made in it survives the redraws. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

export function renderPanelError(id, message) {
  const p = $(id);
  p.hidden = !message;
  p.textContent = message ? t('apiError', { msg: message }) : '';
}

/**
 * Keeps tbody's rows in the order of items, one per key, rebuilt only when its signature changed
 * (a button under the mouse is not replaced every few seconds). New rows flash when flash is true.
 */
export function syncRows(body, cache, items, key, sig, build, flash) {
  const keep = new Map();
  items.forEach((item, i) => {
    const k = String(key(item));
    const s = state.lang + '|' + sig(item);
    let entry = cache.get(k);
    if (!entry || entry.sig !== s) {
      const tr = build(item);
      if (!entry && flash) tr.classList.add('fresh');
      entry = { tr, sig: s };
    }
    keep.set(k, entry);
    if (body.children[i] !== entry.tr) body.insertBefore(entry.tr, body.children[i] || null);
  });
  while (body.children.length > items.length) body.lastElementChild.remove();
  cache.clear();
  for (const [k, v] of keep) cache.set(k, v);
}

export function td(className, text, title) {
  const cell = el('td', className, text);
  if (title) cell.title = title;
  return cell;
}

/**
 * A progress bar with its figures beside it: {@code role="progressbar"} with the percentage in
 * aria-valuenow and the percentage and text in aria-valuetext and on screen.
 */
export function progressLine(progress, label) {
  const box = el('div', 'task-progress');
  const bar = el('div', 'bar progress-bar');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.setAttribute('aria-label', label);
  bar.append(el('div', 'bar-fill progress-fill'));
  const text = el('span', 'progress-text');
  box.append(bar, text);
  setProgress(bar, progress.percent, progress.text ? t('progressTextWith', { pct: progress.percent, text: progress.text })
    : t('progressText', { pct: progress.percent }));
  text.textContent = bar.getAttribute('aria-valuetext');
  return box;
}

/** Sets a progress bar made as above (or #job-progress) to {@code percent}, saying {@code text}. */
export function setProgress(bar, percent, text) {
  const p = Math.max(0, Math.min(100, Math.floor(Number(percent) || 0)));
  if (bar.getAttribute('aria-valuenow') !== String(p)) bar.setAttribute('aria-valuenow', String(p));
  if (bar.getAttribute('aria-valuetext') !== text) bar.setAttribute('aria-valuetext', text);
  bar.firstElementChild.style.transform = 'scaleX(' + (p / 100) + ')';
}
