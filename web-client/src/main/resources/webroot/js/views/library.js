// The guided-exercise library for the care team (#/library): the list, and an editor for
// mindfulness and guided-imagery scripts (ordered steps with timings, an optional breathing pacer,
// cue and background sounds) and music playlists (tracks uploaded as audio files). A draft can be
// previewed on this page with the room's own player before it is saved or shared with the clinic.
// Starter items and colleagues' shared items are read-only here: "Make a copy" to adapt one.
import { api, uploadAudio } from '../api.js';
import { announce, busy, clearField, clearFieldErrors, h, loading, markField, okAlert, problemAlert, render, showProblem } from '../dom.js';
import { PreviewPanel } from './library-preview.js';

const KIND_NAMES = { mindfulness: 'Mindfulness', imagery: 'Guided imagery', playlist: 'Music playlist' };
const VISIBILITY_NAMES = { starter: 'Starter library', clinic: 'Shared with the clinic', private: 'Private' };
/** The server's limit (AudioStore.MAX_UPLOAD_BYTES): a larger file is refused here, before it is sent. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
const AUDIO_FORMATS = 'MP3, Ogg, WAV, WebM or M4A';
/** The longest track the library takes (ExerciseTrack.durationSeconds in the OpenAPI contract). */
const MAX_TRACK_SECONDS = 7200;

/** Audio uploaded on this page since it was loaded (id → name), offered again in every step's choices. */
const uploadedHere = new Map();
/** A message for the next render of an item (after it was created, copied or archived). */
let flash = null;

// ---------------------------------------------------------------- small helpers

/** "90" or "1:30" → seconds; null when it is neither. */
export function parseDuration(text) {
  const t = String(text ?? '').trim();
  let m = t.match(/^(\d{1,5})$/);
  if (m) return Number(m[1]);
  m = t.match(/^(\d{1,3}):([0-5]\d)$/);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function formatDuration(seconds) {
  const s = Math.round(Number(seconds) || 0);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function totalSeconds(item) {
  return (item.kind === 'playlist' ? item.tracks : item.steps).reduce((sum, p) => sum + (Number(p.durationSeconds) || 0), 0);
}

function mayEdit(item, person) {
  return !item.starter && (person.role === 'admin' || item.ownerId === person.id);
}

/** A problem's field as this page names its inputs: "/steps/0/cueAudioId" and "steps.0.cueAudioId" alike. */
function normalised(error) {
  const field = error.problem && error.problem.field;
  if (!field || !field.startsWith('/')) return error;
  const copy = Object.create(error);
  copy.problem = { ...error.problem, field: field.substring(1).replaceAll('/', '.') };
  return copy;
}

function fileSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** How long an audio file plays, read in the browser (its metadata, else by decoding it); null when it is not audio this browser plays. */
export async function audioDuration(file) {
  const url = URL.createObjectURL(file);
  try {
    const fromMetadata = await new Promise((resolve) => {
      const el = new Audio();
      el.preload = 'metadata';
      el.onloadedmetadata = () => resolve(el.duration);
      el.onerror = () => resolve(null);
      el.src = url;
    });
    if (Number.isFinite(fromMetadata) && fromMetadata > 0) return fromMetadata;
  } finally {
    URL.revokeObjectURL(url);
  }
  if (file.size > MAX_UPLOAD_BYTES) return null;
  const context = new OfflineAudioContext(1, 1, 44100);
  try {
    const buffer = await context.decodeAudioData(await file.arrayBuffer());
    return buffer.duration > 0 ? buffer.duration : null;
  } catch (e) {
    return null;
  }
}

/** Why a file cannot be added, before anything is sent; null when it may be uploaded. */
function refusal(file) {
  if (file.size > MAX_UPLOAD_BYTES) {
    return `“${file.name}” is ${fileSize(file.size)}; files of up to 25 MB can be uploaded. Shorten it or export it at a lower bit rate.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

function notAudio(file) {
  return `“${file.name}” is not an audio file Hearth can play: upload ${AUDIO_FORMATS}.`;
}

/** The text to show for a refused upload, from the server's problem. */
function uploadError(file, e) {
  if (e.status === 413) return `“${file.name}” is too large: files of up to 25 MB can be uploaded.`;
  if (e.status === 415) return notAudio(file);
  if (e.status === 503) return `Other uploads are in progress; try “${file.name}” again in a moment.`;
  return `“${file.name}” could not be uploaded: ${e.problem && e.problem.detail ? e.problem.detail : e.message}`;
}

function titleOfFile(file) {
  return file.name.replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[_-]+/g, ' ').trim().substring(0, 120) || 'Track';
}

/**
 * Uploads one file with a progress bar inside `slot`; resolves {audio, durationSeconds} or rejects
 * with the message to show.
 */
async function uploadWithProgress(file, slot, title) {
  const refused = refusal(file);
  if (refused) throw new Error(refused);
  const duration = await audioDuration(file);
  if (!duration) throw new Error(notAudio(file));
  if (duration > MAX_TRACK_SECONDS) {
    throw new Error(`“${file.name}” plays for ${formatDuration(duration)}; a track can be at most two hours long.`);
  }
  const bar = h('progress', { max: '100', value: '0', 'aria-label': `Uploading ${file.name}` });
  const percent = h('span', { class: 'muted' }, '0 %');
  render(slot, h('div', { class: 'upload-progress', role: 'status' }, h('span', {}, `Uploading “${file.name}” (${fileSize(file.size)})`), bar, percent));
  try {
    const audio = await uploadAudio(file, title || titleOfFile(file), (fraction) => {
      const p = Math.round(fraction * 100);
      bar.value = p;
      percent.textContent = `${p} %`;
    });
    uploadedHere.set(audio.id, audio.title || file.name);
    render(slot);
    return { audio, durationSeconds: Math.round(duration * 1000) / 1000 };
  } catch (e) {
    render(slot);
    throw new Error(uploadError(file, e));
  }
}

// ---------------------------------------------------------------- the list

export async function libraryView(main, person) {
  const params = new URLSearchParams(sessionStorage.getItem('hearth.library.filter') || '');
  const kind = h('select', { id: 'library-kind' },
    h('option', { value: '' }, 'All kinds'),
    Object.entries(KIND_NAMES).map(([value, name]) => h('option', { value, selected: params.get('kind') === value }, name)));
  const archived = h('input', { type: 'checkbox', id: 'library-archived', checked: params.get('archived') === 'true' });
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('div', { class: 'library-list-wrap' }, loading());
  let asked = 0;
  const reload = async () => {
    const mine = ++asked; // a slower answer to an earlier filter must not replace a newer one
    sessionStorage.setItem('hearth.library.filter', new URLSearchParams({ kind: kind.value, archived: String(archived.checked) }).toString());
    const query = new URLSearchParams();
    if (kind.value) query.set('kind', kind.value);
    if (archived.checked) query.set('includeArchived', 'true');
    try {
      const { items } = await api('GET', `/api/exercises${query.toString() ? `?${query}` : ''}`);
      if (mine !== asked) return;
      render(list, items.length === 0 ? h('p', {}, 'Nothing here yet.')
        : h('ul', { class: 'library-list' }, items.map((item) => listEntry(item, person, message, reload))));
    } catch (e) {
      if (mine === asked) render(list, problemAlert(e));
    }
  };
  kind.addEventListener('change', reload);
  archived.addEventListener('change', reload);
  render(main,
    h('h1', {}, 'Exercise library'),
    h('p', { class: 'lead' }, 'Guided exercises you can run in a session. Starter items are read-only: make a copy to adapt one.'),
    h('div', { class: 'actions library-new' },
      h('a', { class: 'button', href: '#/library/new/script' }, 'New script'),
      h('a', { class: 'button', href: '#/library/new/playlist' }, 'New playlist')),
    h('div', { class: 'actions library-filter' },
      h('label', { for: 'library-kind' }, 'Kind'), kind,
      h('span', { class: 'check' }, archived, h('label', { for: 'library-archived' }, 'Show archived'))),
    flash ? okAlert(h('p', {}, flash)) : null,
    message, list);
  flash = null;
  await reload();
}

function badges(item) {
  return [h('span', { class: `badge visibility-${item.visibility}` }, VISIBILITY_NAMES[item.visibility] || item.visibility),
    item.archived ? h('span', { class: 'badge archived' }, 'Archived') : null];
}

function listEntry(item, person, message, reload) {
  const editable = mayEdit(item, person);
  const parts = item.kind === 'playlist' ? item.tracks.length : item.steps.length;
  const copy = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Make a copy of ${item.title}` }, 'Make a copy');
  copy.addEventListener('click', () => busy(copy, () => makeCopy(item, message)));
  const archive = h('button', { type: 'button', class: 'secondary small', 'aria-label': `${item.archived ? 'Unarchive' : 'Archive'} ${item.title}` },
    item.archived ? 'Unarchive' : 'Archive');
  archive.addEventListener('click', () => busy(archive, async () => {
    try {
      await api('POST', `/api/exercises/${encodeURIComponent(item.id)}/archive`, { archived: !item.archived });
      announce(`${item.title} ${item.archived ? 'is back in the library' : 'was archived'}`);
      await reload();
    } catch (e) { render(message, problemAlert(e)); }
  }));
  return h('li', { class: `card library-item${item.archived ? ' is-archived' : ''}` },
    h('h2', { class: 'library-item-title' }, h('a', { href: `#/library/${encodeURIComponent(item.id)}` }, item.title)),
    h('p', { class: 'library-meta' }, `${KIND_NAMES[item.kind] || item.kind} · ${parts} ${item.kind === 'playlist' ? 'track' : 'step'}${parts === 1 ? '' : 's'} · ${formatDuration(totalSeconds(item))}`, ' ', badges(item)),
    item.summary ? h('p', { class: 'muted library-summary' }, item.summary) : null,
    h('div', { class: 'actions' },
      h('a', { class: 'button small secondary-button', href: `#/library/${encodeURIComponent(item.id)}`, 'aria-label': `${editable ? 'Edit' : 'Open'} ${item.title}` }, editable ? 'Edit' : 'Open'),
      editable ? null : copy,
      editable ? archive : null));
}

async function makeCopy(item, message) {
  try {
    const copy = await api('POST', `/api/exercises/${encodeURIComponent(item.id)}/copy`);
    flash = `This is your own copy of “${item.title}”: private until you share it. Change what you like and save.`;
    location.hash = `#/library/${encodeURIComponent(copy.id)}`;
  } catch (e) {
    render(message, problemAlert(e));
  }
}

// ---------------------------------------------------------------- the editor

/** Every audio file the caller's library uses (the clinic's uploads and the starter sounds), with a name for each. */
async function knownAudio() {
  const names = new Map(uploadedHere);
  try {
    const { items } = await api('GET', '/api/exercises?includeArchived=true');
    for (const item of items) {
      for (const track of item.tracks) if (!names.has(track.audioId)) names.set(track.audioId, track.title);
      for (const step of item.steps) {
        if (step.cueAudioId && !names.has(step.cueAudioId)) names.set(step.cueAudioId, `Cue sound of “${item.title}”`);
        if (step.backgroundAudioId && !names.has(step.backgroundAudioId)) names.set(step.backgroundAudioId, `Background of “${item.title}”`);
      }
    }
  } catch (e) { /* the choices are then this page's uploads only */ }
  return names;
}

let uid = 0;

function stepModel(step = {}) {
  return { key: ++uid, title: step.title || '', text: step.text || '', duration: step.durationSeconds ? formatDuration(step.durationSeconds) : '1:00',
    cueAudioId: step.cueAudioId || '', backgroundAudioId: step.backgroundAudioId || '',
    pacer: step.pacer ? { inhaleSeconds: 4, holdSeconds: 0, exhaleSeconds: 4, restSeconds: 0, ...step.pacer } : null };
}

function trackModel(track) {
  return { key: ++uid, title: track.title, audioId: track.audioId, durationSeconds: track.durationSeconds };
}

export async function libraryItemView(main, person) {
  const match = location.hash.match(/^#\/library\/(?:new\/(script|playlist)|([A-Za-z0-9_-]+))$/);
  let item;
  if (match[1]) {
    item = { kind: match[1] === 'playlist' ? 'playlist' : 'mindfulness', title: '', summary: '', visibility: 'private', steps: [], tracks: [],
      archived: false, starter: false, ownerId: person.id };
  } else {
    try {
      item = await api('GET', `/api/exercises/${encodeURIComponent(match[2])}`);
    } catch (e) {
      render(main, h('p', {}, h('a', { href: '#/library' }, '← Exercise library')), h('h1', {}, 'Exercise'), problemAlert(e));
      return;
    }
  }
  const audioNames = await knownAudio();
  new ItemEditor(main, person, item, audioNames).render();
}

class ItemEditor {
  constructor(main, person, item, audioNames) {
    this.main = main;
    this.person = person;
    this.item = item;
    this.audioNames = audioNames;
    this.readOnly = item.id ? !mayEdit(item, person) : false;
    this.playlist = item.kind === 'playlist';
    this.steps = item.steps.map(stepModel);
    if (!this.playlist && this.steps.length === 0) this.steps.push(stepModel());
    this.tracks = item.tracks.map(trackModel);
    this.message = h('div', { 'aria-live': 'polite' });
    this.preview = new PreviewPanel(() => this.previewDraft());
    const stopPreview = () => {
      if (!location.hash.startsWith('#/library/') || location.hash !== this.hash) {
        this.preview.stop(false);
        window.removeEventListener('hashchange', stopPreview);
      }
    };
    this.hash = location.hash;
    window.addEventListener('hashchange', stopPreview);
  }

  render() {
    const item = this.item;
    const heading = item.id ? item.title : `New ${this.playlist ? 'playlist' : 'script'}`;
    this.form = h('form', { class: 'library-editor', novalidate: true });
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.save(false); });
    this.title = h('input', { id: 'exercise-title-input', name: 'title', maxlength: '120', required: true, value: item.title || '' });
    this.summary = h('textarea', { id: 'exercise-summary', name: 'summary', maxlength: '500', rows: '2' }, item.summary || '');
    this.kind = h('select', { id: 'exercise-kind', name: 'kind' },
      (this.playlist ? ['playlist'] : ['mindfulness', 'imagery']).map((k) => h('option', { value: k, selected: item.kind === k }, KIND_NAMES[k])));
    const visibility = item.visibility === 'clinic' ? 'clinic' : 'private';
    this.visibilityPrivate = h('input', { type: 'radio', name: 'visibility', id: 'visibility-private', value: 'private', checked: visibility === 'private' });
    this.visibilityClinic = h('input', { type: 'radio', name: 'visibility', id: 'visibility-clinic', value: 'clinic', checked: visibility === 'clinic' });
    this.partsBox = h('div', { class: 'parts' });
    const fields = h('fieldset', { class: 'plain', disabled: this.readOnly },
      h('label', { for: 'exercise-title-input' }, 'Title'), this.title,
      h('label', { for: 'exercise-summary' }, 'Summary ', h('span', { class: 'hint' }, 'One or two sentences: what it is for, how it feels')), this.summary,
      h('label', { for: 'exercise-kind' }, 'Kind'), this.kind,
      this.partsBox,
      item.starter ? null : h('fieldset', { class: 'visibility' }, h('legend', {}, 'Who can use it'),
        h('div', { class: 'check' }, this.visibilityPrivate, h('label', { for: 'visibility-private' }, 'Private: only you')),
        h('div', { class: 'check' }, this.visibilityClinic, h('label', { for: 'visibility-clinic' }, 'Shared with the clinic: every therapist can run it'))));
    this.form.append(fields);
    if (!this.readOnly) this.form.append(this.actionBar());
    render(this.main,
      h('p', {}, h('a', { href: '#/library' }, '← Exercise library')),
      h('h1', {}, heading),
      item.id ? h('p', { class: 'library-meta' }, `${KIND_NAMES[item.kind]} · `, badges(item)) : null,
      this.readOnly ? h('div', { class: 'alert info' },
        h('p', {}, item.starter ? 'This starter item is read-only.' : 'Only its author or an admin can change this item.'),
        h('div', { class: 'actions' }, this.copyButton())) : null,
      item.archived && !this.readOnly ? h('div', { class: 'alert warning' }, h('p', {}, 'Archived: it is not offered in rooms.'),
        h('div', { class: 'actions' }, this.archiveButton())) : null,
      this.message, this.form, this.preview.element);
    // The last save's word sits where the next problem will, so a new attempt replaces it.
    render(this.message, flash ? okAlert(h('p', {}, flash)) : null);
    flash = null;
    this.renderParts();
  }

  copyButton() {
    const button = h('button', { type: 'button' }, 'Make a copy');
    button.addEventListener('click', () => busy(button, () => makeCopy(this.item, this.message)));
    return button;
  }

  archiveButton() {
    const item = this.item;
    const button = h('button', { type: 'button', class: 'secondary' }, item.archived ? 'Unarchive' : 'Archive');
    button.addEventListener('click', () => busy(button, async () => {
      try {
        this.item = await api('POST', `/api/exercises/${encodeURIComponent(item.id)}/archive`, { archived: !item.archived });
        flash = this.item.archived ? `“${item.title}” was archived: it is no longer offered in rooms.` : `“${item.title}” is back in the library.`;
        this.render();
        announce(flash);
      } catch (e) { render(this.message, problemAlert(e)); }
    }));
    return button;
  }

  actionBar() {
    const save = h('button', { type: 'submit' }, 'Save');
    const shared = this.item.visibility === 'clinic';
    const publish = h('button', { type: 'button', class: 'secondary' }, 'Publish to clinic');
    publish.addEventListener('click', () => this.save(true, publish));
    this.saveButton = save;
    return h('div', { class: 'actions editor-actions' }, save, shared ? null : publish,
      this.item.id && !this.item.archived ? this.archiveButton() : null);
  }

  // ------------------------------------------------------------ steps and tracks

  renderParts() {
    if (this.playlist) this.renderTracks();
    else this.renderSteps();
  }

  moveButtons(list, index, noun, rerender) {
    const n = index + 1;
    const up = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Move ${noun} ${n} up`, disabled: index === 0 }, 'Move up');
    const down = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Move ${noun} ${n} down`, disabled: index === list.length - 1 }, 'Move down');
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove ${noun} ${n}` }, 'Remove');
    const move = (to, label) => {
      const [moved] = list.splice(index, 1);
      list.splice(to, 0, moved);
      rerender();
      announce(`${noun[0].toUpperCase()}${noun.substring(1)} ${n} is now ${noun} ${to + 1}`);
      const again = this.partsBox.querySelector(`[aria-label="Move ${noun} ${to + 1} ${label}"]:not([disabled])`)
        || this.partsBox.querySelector(`[data-key="${moved.key}"] input`);
      if (again) again.focus();
    };
    up.addEventListener('click', () => move(index - 1, 'up'));
    down.addEventListener('click', () => move(index + 1, 'down'));
    remove.addEventListener('click', () => {
      list.splice(index, 1);
      rerender();
      announce(`${noun} ${n} removed`);
    });
    return h('div', { class: 'actions part-actions' }, this.readOnly ? null : [up, down, remove]);
  }

  renderSteps() {
    const items = this.steps.map((step, i) => this.stepFields(step, i));
    const add = h('button', { type: 'button', class: 'secondary', name: 'steps', id: 'add-step' }, 'Add a step');
    add.addEventListener('click', () => {
      this.steps.push(stepModel());
      this.renderSteps();
      const inputs = this.partsBox.querySelectorAll('.step-fields');
      inputs[inputs.length - 1].querySelector('input').focus();
    });
    render(this.partsBox, h('h2', {}, 'Steps'),
      h('p', { class: 'hint' }, 'Shown to everyone in large type, one after another. Duration in seconds (90) or minutes and seconds (1:30).'),
      h('ol', { class: 'step-list' }, items), this.readOnly ? null : add);
  }

  stepFields(step, i) {
    const id = (name) => `step-${step.key}-${name}`;
    const bind = (el, key, parse = (v) => v) => {
      el.addEventListener('input', () => { step[key] = parse(el.value); });
      el.addEventListener('change', () => { step[key] = parse(el.value); });
      return el;
    };
    const title = bind(h('input', { id: id('title'), name: `steps.${i}.title`, maxlength: '120', value: step.title }), 'title');
    const text = bind(h('textarea', { id: id('text'), name: `steps.${i}.text`, maxlength: '4000', rows: '3' }, step.text), 'text');
    const duration = bind(h('input', { id: id('duration'), name: `steps.${i}.durationSeconds`, inputmode: 'numeric', value: step.duration,
      class: 'duration', autocomplete: 'off' }), 'duration');
    const pacerBox = h('div', { class: 'pacer-fields' });
    const pacerOn = h('input', { type: 'checkbox', id: id('pacer'), checked: !!step.pacer });
    const renderPacer = () => {
      if (!step.pacer) { render(pacerBox); return; }
      const phase = (key, label, min) => {
        const input = h('input', { type: 'number', id: id(key), name: `steps.${i}.pacer.${key}`, min: String(min), max: '20', step: '0.5', value: String(step.pacer[key]) });
        input.addEventListener('input', () => { step.pacer[key] = input.value === '' ? NaN : Number(input.value); });
        return h('div', {}, h('label', { for: id(key) }, label), input);
      };
      render(pacerBox, h('div', { class: 'pacer-grid' },
        phase('inhaleSeconds', 'Breathe in (s)', 1), phase('holdSeconds', 'Hold (s)', 0),
        phase('exhaleSeconds', 'Breathe out (s)', 1), phase('restSeconds', 'Rest (s)', 0)));
    };
    pacerOn.addEventListener('change', () => {
      step.pacer = pacerOn.checked ? { inhaleSeconds: 4, holdSeconds: 0, exhaleSeconds: 6, restSeconds: 0 } : null;
      renderPacer();
    });
    renderPacer();
    return h('li', { class: 'step-fields card', 'data-key': String(step.key) },
      h('fieldset', { class: 'plain' }, h('legend', { class: 'step-legend' }, `Step ${i + 1}`),
        h('label', { for: id('title') }, 'Title ', h('span', { class: 'optional' }, '(optional)')), title,
        h('label', { for: id('text') }, 'Text'), text,
        h('label', { for: id('duration') }, 'Duration'), duration,
        h('div', { class: 'check' }, pacerOn, h('label', { for: id('pacer') }, 'Breathing pacer')), pacerBox,
        this.audioChoice(step, i, 'cueAudioId', 'Cue sound', 'Played when the step begins'),
        this.audioChoice(step, i, 'backgroundAudioId', 'Background sound', 'Looped under the step')),
      this.moveButtons(this.steps, i, 'step', () => this.renderSteps()));
  }

  /** A sound for a step: none, one of the library's files, or a new upload. */
  audioChoice(step, i, key, label, hint) {
    const selectId = `step-${step.key}-${key}`;
    const options = () => [h('option', { value: '' }, 'None'),
      [...this.audioNames].map(([value, name]) => h('option', { value, selected: step[key] === value }, name))];
    const select = h('select', { id: selectId, name: `steps.${i}.${key}` }, options());
    if (step[key] && !this.audioNames.has(step[key])) select.append(h('option', { value: step[key], selected: true }, 'A file of this exercise'));
    select.addEventListener('change', () => { step[key] = select.value; });
    const file = h('input', { type: 'file', id: `${selectId}-file`, accept: 'audio/*', class: 'file' });
    const slot = h('div', { class: 'upload-slot' });
    file.addEventListener('change', async () => {
      const chosen = file.files[0];
      if (!chosen) return;
      clearField(file);
      try {
        const { audio } = await uploadWithProgress(chosen, slot, titleOfFile(chosen));
        this.audioNames.set(audio.id, audio.title || chosen.name);
        step[key] = audio.id;
        this.renderSteps();
        announce(`${chosen.name} uploaded and chosen as the ${key === 'cueAudioId' ? 'cue' : 'background'} sound of step ${i + 1}`);
      } catch (e) {
        markField(file, e.message);
      } finally {
        file.value = '';
      }
    });
    return h('div', { class: 'audio-choice' },
      h('label', { for: selectId }, label, ' ', h('span', { class: 'hint' }, hint)), select,
      this.readOnly ? null : [h('label', { for: `${selectId}-file`, class: 'file-label' }, 'or upload a sound'), file, slot]);
  }

  renderTracks() {
    const file = h('input', { type: 'file', id: 'track-files', name: 'tracks', accept: 'audio/*', multiple: true, class: 'file' });
    const slot = h('div', { class: 'upload-slot' });
    file.addEventListener('change', async () => {
      const files = [...file.files];
      clearField(file);
      const errors = [];
      for (const chosen of files) {
        try {
          const title = titleOfFile(chosen);
          const { audio, durationSeconds } = await uploadWithProgress(chosen, slot, title);
          this.audioNames.set(audio.id, title);
          this.tracks.push(trackModel({ title, audioId: audio.id, durationSeconds }));
          announce(`${chosen.name} uploaded: ${formatDuration(durationSeconds)}`);
        } catch (e) {
          errors.push(e.message);
        }
      }
      this.renderTracks();
      if (errors.length) {
        const input = document.getElementById('track-files');
        markField(input, errors.join(' '));
        input.focus();
      }
    });
    const rows = this.tracks.map((track, i) => {
      const id = `track-${track.key}-title`;
      const title = h('input', { id, name: `tracks.${i}.title`, maxlength: '120', value: track.title });
      title.addEventListener('input', () => { track.title = title.value; });
      return h('li', { class: 'track-fields card', 'data-key': String(track.key) },
        h('label', { for: id }, `Track ${i + 1}`), title,
        h('p', { class: 'track-length', id: `track-${track.key}-length` }, `Length ${formatDuration(track.durationSeconds)}`,
          this.audioNames.has(track.audioId) && this.audioNames.get(track.audioId) !== track.title
            ? h('span', { class: 'muted' }, ` · file “${this.audioNames.get(track.audioId)}”`) : null),
        this.moveButtons(this.tracks, i, 'track', () => this.renderTracks()));
    });
    render(this.partsBox, h('h2', {}, 'Tracks'),
      rows.length ? h('ol', { class: 'track-list' }, rows) : h('p', { class: 'muted' }, 'No tracks yet: add audio files below.'),
      this.readOnly ? null : h('div', { class: 'add-tracks' },
        h('label', { for: 'track-files' }, 'Add tracks ', h('span', { class: 'hint' }, `Audio files (${AUDIO_FORMATS}), up to 25 MB each. Their length is read from the file.`)),
        file, slot));
  }

  // ------------------------------------------------------------ saving

  /** The request body from the form, or throws a problem-shaped error naming the field to fix. */
  request(visibility) {
    const body = { kind: this.kind.value, title: this.title.value.trim(), summary: this.summary.value.trim(), visibility };
    if (this.playlist) {
      body.tracks = this.tracks.map((t) => ({ title: t.title.trim(), audioId: t.audioId, durationSeconds: t.durationSeconds }));
      body.steps = [];
    } else {
      body.steps = this.steps.map((s, i) => {
        const seconds = parseDuration(s.duration);
        if (seconds === null || seconds < 5 || seconds > 3600) {
          throw fieldProblem(`steps.${i}.durationSeconds`, seconds === null
            ? 'Write the duration in seconds (90) or minutes and seconds (1:30)'
            : 'A step lasts from 5 seconds to 60 minutes (0:05 to 60:00)');
        }
        const step = { text: s.text.trim(), durationSeconds: seconds };
        if (s.title.trim()) step.title = s.title.trim();
        if (s.cueAudioId) step.cueAudioId = s.cueAudioId;
        if (s.backgroundAudioId) step.backgroundAudioId = s.backgroundAudioId;
        if (s.pacer) {
          for (const [key, min] of [['inhaleSeconds', 1], ['holdSeconds', 0], ['exhaleSeconds', 1], ['restSeconds', 0]]) {
            const v = s.pacer[key];
            if (!Number.isFinite(v) || v < min || v > 20) throw fieldProblem(`steps.${i}.pacer.${key}`, `From ${min} to 20 seconds`);
          }
          step.pacer = { ...s.pacer };
        }
        return step;
      });
      body.tracks = [];
    }
    return body;
  }

  /** The draft as the preview plays it, or null (with the reason shown at its field). */
  previewDraft() {
    clearFieldErrors(this.form);
    render(this.message);
    try {
      const body = this.request('private');
      const parts = this.playlist ? body.tracks : body.steps;
      if (parts.length === 0) throw fieldProblem(this.playlist ? 'tracks' : 'steps', this.playlist ? 'Add a track to preview' : 'Add a step to preview');
      return { ...body, title: body.title || 'Untitled' };
    } catch (e) {
      if (!e.problem) throw e;
      this.showProblem(e);
      return null;
    }
  }

  async save(publish, button = this.saveButton) {
    clearFieldErrors(this.form);
    render(this.message);
    const visibility = publish ? 'clinic' : (this.visibilityClinic.checked ? 'clinic' : 'private');
    let body;
    try {
      body = this.request(visibility);
    } catch (e) {
      if (!e.problem) throw e;
      this.showProblem(e);
      return;
    }
    await busy(button, async () => {
      try {
        const saved = this.item.id
          ? await api('PUT', `/api/exercises/${encodeURIComponent(this.item.id)}`, body)
          : await api('POST', '/api/exercises', body);
        const created = !this.item.id;
        this.item = saved;
        flash = saved.visibility === 'clinic'
          ? `“${saved.title}” is saved and shared with the clinic: every therapist can run it.`
          : `“${saved.title}” is saved. It is private: only you can run it.`;
        if (created) {
          location.hash = `#/library/${encodeURIComponent(saved.id)}`; // the page of the item, re-rendered by the router
          return;
        }
        this.steps = saved.steps.map(stepModel);
        this.tracks = saved.tracks.map(trackModel);
        this.render();
        announce(flash);
      } catch (e) {
        this.showProblem(normalised(e));
      }
    });
  }

  /** The problem above the form, marked at its field when it names one, which then has the focus. */
  showProblem(error) {
    showProblem(this.message, error, this.form);
  }
}

function fieldProblem(field, detail) {
  const error = new Error(detail);
  error.problem = { title: 'Please check this field', detail, field };
  return error;
}
