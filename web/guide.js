// Colmena dashboard, the class demo guide: three steps for a teacher showing Colmena to a class, for
// those who may submit, until dismissed (remembered on this browser).
import { can, state } from './state.js';
import { $ } from './dom.js';

const GUIDE_KEY = 'colmena.guideDismissed';

/** Three steps for a teacher showing Colmena to a class: for those who may submit, until dismissed (remembered). */
export function renderGuide() {
  let dismissed = false;
  try { dismissed = localStorage.getItem(GUIDE_KEY) === '1'; } catch (e) { /* shown; dismissing still hides it for now */ }
  dismissed = dismissed || state.guideDismissed === true;
  $('guide').hidden = !can('operator') || dismissed;
  $('guide-show').hidden = !can('operator') || !dismissed;
}

export function setGuideDismissed(dismissed) {
  state.guideDismissed = dismissed;
  try { localStorage.setItem(GUIDE_KEY, dismissed ? '1' : '0'); } catch (e) { /* not remembered; still hidden */ }
  renderGuide();
  (dismissed ? $('page-title') : $('guide-title')).focus();
}
