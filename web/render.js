// Colmena dashboard, drawing everything: in three steps, what a class looks at first (state, summary,
// alerts, cards), then the history, then the forms and panels below; after a poll with a turn for the
// browser between the steps.
import { state } from './state.js';
import { renderPanelError } from './dom.js';
import { renderMessage, renderSession, shownMessages } from './session.js';
import { renderConnection } from './connection.js';
import { renderSummary } from './summary.js';
import { renderAlerts } from './alerts.js';
import { renderNodes } from './nodes.js';
import { renderFilters, renderTasks } from './tasks.js';
import { renderDetail } from './detail.js';
import { renderForm } from './submit.js';
import { renderAdmin } from './admin.js';
import { renderPhotos } from './photos.js';

// Everything on the page, drawn in three steps: what a class looks at first (state, summary, alerts,
// cards), then the history, then the forms and panels below.
const RENDER_STEPS = [
  () => {
    renderSession();
    for (const id of shownMessages.keys()) renderMessage(id);
    if (state.me) renderConnection();
    renderSummary(state.summary, state.health);
    renderAlerts(state.summary);
    if (state.nodes) renderNodes(state.nodes);
    renderPanelError('nodes-error', state.nodesError);
  },
  () => {
    renderFilters();
    if (state.page) renderTasks(state.page);
    renderDetail();
    renderPanelError('tasks-error', state.tasksError);
  },
  () => {
    renderForm();
    renderAdmin();
    renderPhotos();
  },
];

export function renderAll() {
  for (const step of RENDER_STEPS) step();
}

/**
 * The same after a poll, giving the browser a turn between the steps, so no one step of drawing
 * holds the page long (a click or a key waits for at most one step). Stops if the session changed.
 */
export async function renderInSteps(gen) {
  for (let i = 0; i < RENDER_STEPS.length; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 0));
    if (gen !== state.sessionGen || !state.me) return;
    RENDER_STEPS[i]();
  }
}
