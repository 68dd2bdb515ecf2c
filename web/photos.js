// Colmena dashboard: the Photos panel and its jobs. Photos are uploaded one by one as blobs, made into
// one job (faces, or a filter: grey, blur, sobel, resize) and followed (the poller's 'jobs' source):
// each photo is drawn with its faces boxed, or as the filter's output once its strips are put back
// together, with its tiles outlined in the colour of the node that did them. Operators upload; every
// role sees the jobs and results.
import { can, state } from './state.js';
import { msg, t, tr } from './i18n.js';
import { fmtDuration, fmtTime } from './format.js';
import { $, el, progressLine, renderPanelError, setProgress } from './dom.js';
import { errorText, getJson, request, upload } from './api.js';
import { addSource, pollNow } from './poll.js';
import { fmtPhotoError } from './phrases.js';

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/bmp', 'image/gif'];

const PHOTO_MAX_BYTES = 32 * 1024 * 1024;

const JOB_POLL_MS = 1000;

const JOB_LIST_EVERY = 3;          // the job list is read every this many job polls

const RESIZE_SCALE = 0.5;         // the dashboard's one resize: "Resize 50%"

const NODE_COLOURS = ['#1f77b4', '#d62728', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#2ca02c'];

const photos = {
  chosen: [],          // File objects waiting to be sent
  sending: false,
  status: null,        // msg() shown under the upload controls
  errors: [],          // { file, reason } per photo refused at upload; reason() says why in the page's language
  jobs: null,          // GET /api/jobs answer
  jobsError: null,
  current: null,       // GET /api/jobs/{id} answer of the job shown
  currentId: null,
  polls: 0,
  images: new Map(),   // "job/no" (original) or "job/no/output" -> loaded HTMLImageElement
  loading: new Set(),  // the same keys while their image loads
  confirmCancel: null, // id of the job whose cancel is being asked about
  cancelStatus: null,  // msg() of the last cancel asked for, under the job's Cancel button
  percentShown: new Map(), // job id -> the highest percentage its bar has shown
};

/** A filter job's kind is its filter's name; every other job finds faces. */
function isFilterJob(job) {
  return job.kind !== 'faces';
}

function nodeColour(node) {
  let h = 0;
  for (const ch of String(node)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return NODE_COLOURS[h % NODE_COLOURS.length];
}

export function setupPhotos() {
  // Every second while the job shown runs, every 3 s otherwise.
  addSource('jobs', { run: (listToo) => pollJobs(!!listToo),
    due: (s) => s.lastEnd + (photos.current && photos.current.status === 'running' ? JOB_POLL_MS : JOB_POLL_MS * 3) });
  const input = $('photo-input');
  input.addEventListener('change', () => choosePhotos(input.files));
  const drop = $('photo-drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    if (can('operator')) choosePhotos(e.dataTransfer.files);
  });
  $('photo-send').addEventListener('click', sendPhotos);
  $('job-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-job]');
    if (b) showJob(b.dataset.job);
  });
  $('job-cancel').addEventListener('click', askJobCancel);
  $('job-cancel-no').addEventListener('click', () => { photos.confirmCancel = null; renderPhotos(); $('job-cancel').focus(); });
  $('job-cancel-yes').addEventListener('click', cancelJob);
}

/** The job's strips not yet finished, which a cancel would stop. */
function unfinishedStrips(job) {
  return job.tasks.running + job.tasks.waiting;
}

/** Asks first: the question names how many strips would be cancelled. */
function askJobCancel() {
  if (!photos.current) return;
  photos.confirmCancel = photos.current.id;
  photos.cancelStatus = null;
  renderPhotos();
  $('job-cancel-no').focus();
}

/** POST /api/jobs/{id}/cancel for the job shown; its strips end CANCELLED as the coordinator carries it out. */
async function cancelJob() {
  const id = photos.confirmCancel;
  photos.confirmCancel = null;
  if (!id) return;
  try {
    const res = await request('POST', '/api/jobs/' + encodeURIComponent(id) + '/cancel');
    photos.cancelStatus = res.status === 202 ? msg('jobCancelling', { n: res.body.cancelling })
      : msg('jobCancelRefused', { msg: errorText(res) });
  } catch (e) {
    photos.cancelStatus = msg('photosUnreachable');
  }
  renderPhotos();
  $('job-cancel').focus();
  pollNow('jobs', true);
}

function choosePhotos(files) {
  photos.chosen = Array.from(files || []);
  photos.errors = [];
  photos.status = photos.chosen.length
    ? msg(photos.chosen.length === 1 ? 'photosChosen1' : 'photosChosen', { n: photos.chosen.length }) : null;
  renderPhotos();
}

/** Uploads each chosen photo, then makes one job of those the API took. A refused photo is named with the reason. */
async function sendPhotos() {
  if (photos.sending || !photos.chosen.length) return;
  photos.sending = true;
  photos.errors = [];
  const refs = [];
  try {
    for (let i = 0; i < photos.chosen.length; i++) {
      const f = photos.chosen[i];
      photos.status = msg('photosUploading', { i: i + 1, n: photos.chosen.length, file: f.name });
      renderPhotos();
      if (f.size === 0) { photos.errors.push({ file: f.name, reason: () => t('photoEmpty') }); continue; }
      if (f.size > PHOTO_MAX_BYTES) { photos.errors.push({ file: f.name, reason: () => t('photoTooBig', { mb: PHOTO_MAX_BYTES / 1048576 }) }); continue; }
      const res = await upload(f);
      if (res.ok) refs.push({ blob: res.body.hash, name: f.name });
      else photos.errors.push({ file: f.name, reason: () => errorText(res) }); // said again in a language chosen later
    }
    if (!refs.length) { photos.status = msg('photosNoneSent'); return; }
    const res = await request('POST', '/api/jobs', jobBody(refs, $('photo-filter').value));
    if (!res.ok) { photos.status = msg('photosJobFailed', { msg: errorText(res) }); return; }
    photos.chosen = [];
    $('photo-input').value = '';
    photos.status = msg(refs.length === 1 ? 'photosJobMade1' : 'photosJobMade', { n: refs.length });
    showJob(res.body.id);
  } catch (e) {
    photos.status = msg('photosUnreachable');
  } finally {
    photos.sending = false;
    renderPhotos();
  }
}

/** POST /api/jobs's body for the choice made before sending. */
function jobBody(refs, filter) {
  const body = { photos: refs };
  if (filter !== 'faces') body.filter = filter;
  if (filter === 'resize') body.scale = RESIZE_SCALE;
  return body;
}

function showJob(id) {
  if (photos.currentId !== id) { photos.confirmCancel = null; photos.cancelStatus = null; }
  photos.currentId = id;
  photos.current = null;
  pollNow('jobs', true);
}

/** Reads the job shown and, now and then (or when listToo), the job list: the poller's 'jobs' source. */
async function pollJobs(listToo) {
  if (!state.me || document.hidden || state.paused) return;   // paused: resuming polls again
  try {
    if (listToo || photos.polls % JOB_LIST_EVERY === 0) {
      try { photos.jobs = await getJson('/api/jobs?limit=10'); photos.jobsError = null; }
      catch (e) { photos.jobsError = e.message; }
    }
    if (!photos.currentId && photos.jobs && photos.jobs.jobs.length) photos.currentId = photos.jobs.jobs[0].id;
    if (photos.currentId) {
      try { photos.current = await getJson('/api/jobs/' + encodeURIComponent(photos.currentId)); }
      catch (e) { photos.jobsError = e.message; }
      // The list says what the job was; read it again as soon as the job shown has moved on.
      const listed = photos.jobs && photos.current && photos.jobs.jobs.find((j) => j.id === photos.current.id);
      if (listed && listed.status !== photos.current.status) {
        try { photos.jobs = await getJson('/api/jobs?limit=10'); } catch (e) { photos.jobsError = e.message; }
      }
    }
  } finally {
    photos.polls++;
    renderPhotos();
  }
}

export function renderPhotos() {
  const section = $('photos');
  if (!section) return;
  const operator = can('operator');
  $('photo-upload').hidden = !operator;
  $('photo-send').disabled = photos.sending || !photos.chosen.length;
  $('photo-status').textContent = photos.status ? tr(photos.status) : '';
  const errs = $('photo-errors');
  errs.replaceChildren(...photos.errors.map((e) => el('li', null, t('photoRefused', { file: e.file, msg: e.reason() }))));
  errs.hidden = !photos.errors.length;
  renderPanelError('photos-error', photos.jobsError);
  renderJobList();
  renderJob(photos.current);
}

function renderJobList() {
  const list = $('job-list');
  const jobs = photos.jobs ? photos.jobs.jobs : [];
  $('jobs-empty').hidden = jobs.length > 0;
  list.replaceChildren(...jobs.map((j) => {
    const b = el('button', 'job-item' + (j.id === photos.currentId ? ' current' : ''));
    b.type = 'button';
    b.dataset.job = j.id;
    b.setAttribute('aria-pressed', String(j.id === photos.currentId));
    b.append(el('span', 'job-when', fmtTime(j.createdAt)),
      el('span', 'job-what', t(j.photos === 1 ? 'jobPhotos1' : 'jobPhotosN', { n: j.photos })),
      el('span', 'job-faces', jobWhat(j)),
      el('span', 'job-status job-' + j.status, t('job_' + j.status)));
    return el('li', null).appendChild(b).parentNode;
  }));
}

/** What a job found or did: its faces, or its filter's name. */
function jobWhat(job) {
  return isFilterJob(job) ? filterName(job) : t(job.faces === 1 ? 'faces1' : 'facesN', { n: job.faces });
}

/** A filter job's filter as shown; a resize says its scale (jobs made through the API may use any). */
function filterName(job) {
  const scale = job.params && job.params.scale;
  return job.kind === 'resize' && scale ? t('resizedTo', { pct: Math.round(scale * 100) }) : t('filter_' + job.kind);
}

function renderJob(job) {
  const box = $('job-view');
  box.hidden = !job;
  if (!job) return;
  const p = job.tasks;
  const finished = p.done + p.failed + (p.cancelled || 0);
  // Never taken back: a strip finished on its node but not yet stored reports nothing for a moment.
  const shown = photos.percentShown.get(job.id) || 0;
  const percent = job.status === 'running' ? Math.max(shown, p.percent) : 100;
  photos.percentShown.set(job.id, percent);
  setProgress($('job-progress'), percent, t('jobProgressText', { pct: percent, done: finished, total: p.total }));
  renderRunningStrips(job);
  renderJobActions(job);
  $('job-summary').textContent = t('jobSummary', { tiles: finished, total: p.total, photos: job.photosDone + job.photosFailed,
    all: job.photos.length, faces: jobWhat(job), status: t('job_' + job.status) });
  const grid = $('job-photos');
  const wanted = job.photos.map((ph) => job.id + '/' + ph.no);
  if (grid.dataset.job !== job.id || grid.children.length !== wanted.length) {
    grid.dataset.job = job.id;
    grid.replaceChildren(...job.photos.map((ph) => photoFigure(job, ph)));
  }
  job.photos.forEach((ph, i) => updateFigure(grid.children[i], job, ph));
}

/** Each running strip with the progress its task last reported. */
function renderRunningStrips(job) {
  const list = $('job-running');
  const running = [];
  for (const ph of job.photos) {
    for (const tile of ph.tiles) if (tile.status === 'RUNNING') running.push({ ph, tile });
  }
  list.hidden = !running.length;
  list.replaceChildren(...running.map(({ ph, tile }) => {
    const li = el('li', null, t('stripRunning', { row: tile.y, file: ph.file, node: tile.node || '—' }));
    li.dataset.task = tile.taskId;
    li.append(progressLine(tile.progress || { percent: 0, text: null }, t('stripProgressLabel', { row: tile.y })));
    return li;
  }));
}

/** Cancel, for operators and admins while the job has strips not yet finished; asked first. */
function renderJobActions(job) {
  const open = job.status === 'running' && unfinishedStrips(job) > 0;
  // "Cancelling N strips…" holds only while the job runs; once it ends, its status says the rest.
  if (!open && photos.cancelStatus && photos.cancelStatus.key === 'jobCancelling') photos.cancelStatus = null;
  $('job-actions').hidden = !(can('operator') && (open || photos.cancelStatus));
  $('job-cancel').hidden = !open;
  const asking = open && photos.confirmCancel === job.id;
  $('job-confirm').hidden = !asking;
  $('job-cancel').disabled = asking;
  if (asking) $('job-confirm-text').textContent = t('jobCancelConfirm', { n: unfinishedStrips(job) });
  $('job-cancel-status').textContent = photos.cancelStatus ? tr(photos.cancelStatus) : '';
}

function photoFigure(job, ph) {
  const fig = el('figure', 'photo');
  const canvas = el('canvas', 'photo-canvas');
  canvas.setAttribute('role', 'img');
  const cap = el('figcaption', 'photo-caption');
  const legend = el('ul', 'tile-legend');
  const filter = isFilterJob(job);
  const link = el('a', 'photo-download', t(filter ? 'photoDownloadOutput' : 'photoDownload'));
  const base = ph.file.replace(/^.*[\\/]/, '');
  link.href = photoUrl(job, ph, filter ? 'output' : 'annotated');
  link.download = filter ? job.kind + '-' + base.replace(/\.[^.]+$/, '') + '.png' : 'faces-' + base;
  link.hidden = true;
  fig.append(canvas, cap, legend, link);
  if (ph.status !== 'failed') loadImage(job.id + '/' + ph.no, photoUrl(job, ph, 'original'));
  return fig;
}

function photoUrl(job, ph, what) {
  return '/api/jobs/' + encodeURIComponent(job.id) + '/photos/' + ph.no + '/' + what;
}

/** Loads an image once under {@code key}; the job is drawn again when it arrives. */
function loadImage(key, url) {
  if (photos.images.has(key) || photos.loading.has(key)) return;
  photos.loading.add(key);
  const img = new Image();
  img.onload = () => { photos.loading.delete(key); photos.images.set(key, img); if (photos.current) renderJob(photos.current); };
  img.onerror = () => photos.loading.delete(key);
  img.src = url;
}

function updateFigure(fig, job, ph) {
  const [canvas, cap, legend, link] = fig.children;
  const nodes = [...new Set(ph.tiles.filter((x) => x.node).map((x) => x.node))];
  cap.textContent = ph.status === 'done' ? doneCaption(job, ph, nodes)
    : ph.status === 'failed' ? t('photoFailed', { file: ph.file, msg: fmtPhotoError(ph) })
      : t('photoRunning', { file: ph.file, done: ph.tiles.filter((x) => x.status === 'DONE').length, total: ph.tiles.length });
  cap.classList.toggle('photo-failed', ph.status === 'failed');
  link.hidden = ph.status !== 'done';
  legend.replaceChildren(...nodes.map((n) => {
    const li = el('li', null);
    const sw = el('span', 'swatch');
    sw.style.background = nodeColour(n);
    const k = ph.tiles.filter((x) => x.node === n).length;
    li.append(sw, document.createTextNode(n + ': ' + t(k === 1 ? 'strips1' : 'stripsN', { n: k })));
    return li;
  }));
  canvas.setAttribute('aria-label', cap.textContent);
  const key = job.id + '/' + ph.no;
  if (ph.output) loadImage(key + '/output', photoUrl(job, ph, 'output'));
  const output = photos.images.get(key + '/output');
  canvas.dataset.shows = output ? 'output' : 'original';
  drawPhoto(canvas, output || photos.images.get(key), ph, isFilterJob(job));
}

function doneCaption(job, ph, nodes) {
  const common = { file: ph.file, strips: t(ph.tiles.length === 1 ? 'strips1' : 'stripsN', { n: ph.tiles.length }),
    nodes: nodes.join(', '), ms: ph.ms == null ? '—' : fmtDuration(ph.ms) };
  if (isFilterJob(job)) return t('photoFiltered', { ...common, filter: filterName(job) });
  const faces = ph.faces ? ph.faces.length : 0;
  return t('photoDone', { ...common, faces: t(faces === 1 ? 'faces1' : 'facesN', { n: faces }) });
}

/** The size tiles are drawn in: the photo's, or for a filter job its output's (the strips cover it). */
function drawnSize(ph, filter) {
  if (!filter || !ph.tiles.length) return [ph.width || 320, ph.height || 200];
  const last = ph.tiles[ph.tiles.length - 1];
  return [ph.tiles[0].w, last.y + last.h];
}

/**
 * The photo (or a filter's output) scaled to the card, its tiles outlined (dashed, in their
 * node's colour) and its faces boxed.
 */
function drawPhoto(canvas, img, ph, filter) {
  const [w, h] = drawnSize(ph, filter);
  const scale = Math.min(1, 480 / w);
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  const g = canvas.getContext('2d');
  g.fillStyle = '#ddd';
  g.fillRect(0, 0, canvas.width, canvas.height);
  if (img) g.drawImage(img, 0, 0, canvas.width, canvas.height);
  g.lineWidth = 2;
  for (const tile of ph.tiles) {
    g.setLineDash([6, 4]);
    g.strokeStyle = tile.node ? nodeColour(tile.node) : '#888';
    g.strokeRect(tile.x * scale + 1, tile.y * scale + 1, tile.w * scale - 2, tile.h * scale - 2);
  }
  g.setLineDash([]);
  g.lineWidth = 3;
  g.strokeStyle = '#00e640';
  for (const [x, y, fw, fh] of ph.faces || []) g.strokeRect(x * scale, y * scale, fw * scale, fh * scale);
}
