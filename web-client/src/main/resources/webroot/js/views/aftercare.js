// Aftercare between sessions (issue 12): the patient's page (today's practices, the plan, the
// resources), the solo player of one practice, and the therapist's Aftercare section on a
// patient's course page (assign and end practices, assign resources, adherence at a glance).
import { api, beacon, fetchBytes } from '../api.js';
import { announce, busy, clearFieldErrors, field, h, loading, okAlert, problemAlert, render } from '../dom.js';
import { careEvents, coursePath, paragraphs } from '../care.js';
import { LocalExercise, offsetOf, pacerPhase, totalMs } from '../solo-exercise.js';

export const CATEGORY_NAMES = { rest: 'Rest', integration: 'Integration', crisis: 'Crisis support', other: 'Other' };
const STATE_NAMES = { done: 'Done', skipped: 'Skipped', missed: 'Missed', due: 'Due today', upcoming: 'Upcoming' };
const RATING_WORDS = ['', 'Not good', 'Low', 'Okay', 'Good', 'Very good'];
const PROGRESS_EVERY_MS = 5000;
const RECENT_DAYS = 14;
const VOLUME_KEY = 'hearth.practice.volume';

export function aftercarePath(patientId) {
  return `${coursePath(patientId)}/aftercare`;
}

/** A local date of the clinic ("2026-12-03") for people, without moving it through a time zone. */
export function localDay(date, options = { weekday: 'short', month: 'short', day: 'numeric' }) {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

export function minutes(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function exerciseSeconds(item) {
  if (item.totalSeconds != null) return item.totalSeconds;
  return ((item.kind === 'playlist' ? item.tracks : item.steps) || []).reduce((sum, p) => sum + (p.durationSeconds || 0), 0);
}

function lengthText(seconds) {
  const m = Math.round(seconds / 60);
  return m < 1 ? `${seconds} seconds` : `about ${m} minute${m === 1 ? '' : 's'}`;
}

export function scheduleText(schedule) {
  if (!schedule) return '';
  if (schedule.kind === 'after-dosing') return `For ${schedule.days} day${schedule.days === 1 ? '' : 's'} after each dosing`;
  return `Daily for ${schedule.days} day${schedule.days === 1 ? '' : 's'} from ${localDay(schedule.startDate, { dateStyle: 'medium' })}`;
}

/** The recent days of a practice (up to today) as a row of marks, each with its words for screen readers. */
export function occurrenceStrip(practice, today) {
  const recent = (practice.occurrences || []).filter((o) => o.date <= today).slice(-RECENT_DAYS);
  if (recent.length === 0) return h('p', { class: 'muted small' }, 'No days yet.');
  return h('ol', { class: 'strip', 'aria-label': `Recent days of ${practice.exercise.title}` }, recent.map((o) => h('li', {
    class: `day-mark ${o.state}`, 'data-date': o.date, 'data-state': o.state,
    title: `${localDay(o.date)}: ${STATE_NAMES[o.state] || o.state}${o.rating ? `, felt ${o.rating} of 5` : ''}`,
  }, h('span', { class: 'visually-hidden' }, `${localDay(o.date)}: ${STATE_NAMES[o.state] || o.state}`))));
}

/** What the marks of a strip mean (for the eye; each mark has its own words for screen readers). */
export function stripLegend() {
  return h('p', { class: 'strip-legend', 'aria-hidden': 'true' }, ['done', 'skipped', 'missed', 'due'].map((state) =>
    h('span', {}, h('span', { class: `day-mark ${state}` }), ` ${STATE_NAMES[state]}`)));
}

export function adherenceText(a) {
  if (!a) return '';
  return `Done ${a.done} · Skipped ${a.skipped} · Missed ${a.missed}`;
}

function stateBadge(state) {
  return h('span', { class: `badge state-${state}` }, STATE_NAMES[state] || state);
}

function resourceList(items, emptyText) {
  if (!items || items.length === 0) return h('p', { class: 'muted' }, emptyText);
  return h('ul', { class: 'resource-list' }, items.map((r) => h('li', {},
    h('a', { href: `#/resources/${encodeURIComponent(r.id)}` }, r.title), ' ',
    h('span', { class: `badge category-${r.category}` }, CATEGORY_NAMES[r.category] || r.category),
    r.summary ? h('p', { class: 'muted small' }, r.summary) : null)));
}

// ---------------------------------------------------------------- the patient's aftercare page

export async function patientAftercareView(main, person) {
  try {
    const [plan, clinic] = await Promise.all([
      api('GET', aftercarePath(person.id)),
      api('GET', '/api/care/resources').catch(() => ({ items: [] })),
    ]);
    const active = plan.practices.filter((p) => !p.endedAt);
    const ended = plan.practices.filter((p) => p.endedAt);
    const byId = new Map(plan.practices.map((p) => [p.id, p]));
    const assigned = new Set(plan.resources.map((r) => r.id));
    const others = (clinic.items || []).filter((r) => !r.archived && !assigned.has(r.id));
    const todayList = plan.todayItems.length === 0
      ? h('p', { class: 'muted' }, 'Nothing is planned for today. Rest is part of the work too.')
      : h('ul', { class: 'today-list' }, plan.todayItems.map((t) => {
        const practice = byId.get(t.practiceId);
        const resumable = practice && practice.resume && practice.resume.date === t.date && practice.resume.positionMs > 0 && t.state === 'due';
        return h('li', { 'data-practice': t.practiceId, 'data-state': t.state },
          h('span', { class: 'today-title' }, h('strong', {}, t.title), ' ', stateBadge(t.state)),
          h('a', { class: 'button small', href: `#/practice/${encodeURIComponent(t.practiceId)}`, 'aria-label': `${t.state === 'due' ? (resumable ? 'Continue' : 'Play') : 'Play again'}: ${t.title}` },
            t.state === 'due' ? (resumable ? 'Continue' : 'Play') : 'Play again'));
      }));
    const practiceCard = (p) => h('li', { class: 'practice', 'data-practice': p.id },
      h('h3', {}, p.exercise.title),
      h('p', { class: 'muted small' }, `${scheduleText(p.schedule)} · ${lengthText(p.exercise.totalSeconds || 0)}`),
      p.instructions ? h('div', { class: 'instructions' }, h('p', { class: 'prompt-title' }, `From ${p.assignedBy ? p.assignedBy.displayName : 'your therapist'}`), paragraphs(p.instructions)) : null,
      occurrenceStrip(p, plan.today),
      h('p', { class: 'small' }, adherenceText(p.adherence)),
      p.endedAt ? null : h('a', { href: `#/practice/${encodeURIComponent(p.id)}`, 'aria-label': `Open ${p.exercise.title}` }, 'Open the practice'));
    render(main,
      h('h1', { tabindex: '-1' }, 'Aftercare'),
      h('p', { class: 'lead' }, 'Practices and reading your therapist chose for the days between sessions. Go gently: a skipped day is fine.'),
      h('section', { class: 'card', 'aria-labelledby': 'today-title' },
        h('h2', { id: 'today-title', class: 'card-title' }, `Today, ${localDay(plan.today, { weekday: 'long', month: 'long', day: 'numeric' })}`),
        todayList),
      h('section', { class: 'card', 'aria-labelledby': 'plan-title' },
        h('h2', { id: 'plan-title', class: 'card-title' }, 'Your practices'),
        active.length === 0 ? h('p', { class: 'muted' }, 'Your therapist has not given you a practice yet.')
          : [h('ul', { class: 'practice-list' }, active.map(practiceCard)), stripLegend()],
        ended.length ? h('details', {}, h('summary', {}, `Earlier practices (${ended.length})`), h('ul', { class: 'practice-list' }, ended.map(practiceCard))) : null),
      h('section', { class: 'card', 'aria-labelledby': 'resources-title' },
        h('h2', { id: 'resources-title', class: 'card-title' }, 'Reading from your therapist'),
        resourceList(plan.resources, 'Nothing assigned yet.'),
        h('h3', {}, 'From your clinic'),
        resourceList(others, 'Nothing more from your clinic right now.')));
  } catch (e) {
    render(main, h('h1', {}, 'Aftercare'), problemAlert(e));
  }
}

// ---------------------------------------------------------------- one practice, played alone

function practiceIdFromHash() {
  const m = location.hash.match(/^#\/practice\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function completionForm(person, practice, date, onRecorded) {
  const p = `practice-${practice.id}`;
  const message = h('div', { 'aria-live': 'polite' });
  const choices = [1, 2, 3, 4, 5].map((n) => h('div', { class: 'rating-choice' },
    h('input', { type: 'radio', name: 'rating', id: `${p}-rating-${n}`, value: String(n) }),
    h('label', { for: `${p}-rating-${n}` }, h('span', { class: 'rating-number' }, String(n)), ' ', h('span', { class: 'rating-word' }, RATING_WORDS[n]))));
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 1000 });
  const done = h('button', { type: 'submit' }, 'Mark done');
  const skip = h('button', { type: 'button', class: 'secondary' }, 'Skip today');
  const form = h('form', { class: 'completion', novalidate: true },
    h('fieldset', { class: 'rating' }, h('legend', {}, 'How do you feel now?'), h('div', { class: 'rating-row' }, choices)),
    field(`${p}-note`, 'A note about how it went (optional)', note, 'Your therapist reads it.'),
    h('div', { class: 'actions' }, done, skip));
  async function record(state, button) {
    const body = { date, state };
    if (state === 'done') {
      const chosen = form.querySelector('input[name=rating]:checked');
      if (chosen) body.rating = Number(chosen.value);
      if (note.value.trim()) body.note = note.value.trim();
    }
    await busy(button, async () => {
      try {
        clearFieldErrors(form);
        const occurrence = await api('POST', `${aftercarePath(person.id)}/practices/${encodeURIComponent(practice.id)}/completions`, body);
        onRecorded(occurrence || body);
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); record('done', done); });
  skip.addEventListener('click', () => record('skipped', skip));
  return h('div', {}, form, message);
}

function recordedText(occurrence) {
  if (occurrence.state === 'skipped') return 'You skipped today. That is fine; the next one will be there tomorrow.';
  return `Done for today${occurrence.rating ? `; you felt ${occurrence.rating} of 5 (${RATING_WORDS[occurrence.rating].toLowerCase()})` : ''}. Thank you.`;
}

export async function practiceView(main, person) {
  const practiceId = practiceIdFromHash();
  const base = `${aftercarePath(person.id)}/practices/${encodeURIComponent(practiceId)}`;
  let plan;
  let item;
  try {
    [plan, item] = await Promise.all([api('GET', aftercarePath(person.id)), api('GET', `${base}/exercise`)]);
  } catch (e) {
    render(main, h('h1', {}, 'Practice'), problemAlert(e), h('p', {}, h('a', { href: '#/aftercare' }, 'Back to aftercare')));
    return;
  }
  const practice = plan.practices.find((p) => p.id === practiceId);
  if (!practice) {
    render(main, h('h1', {}, 'Practice'), problemAlert({ problem: { title: 'This practice is not in your plan' } }), h('p', {}, h('a', { href: '#/aftercare' }, 'Back to aftercare')));
    return;
  }
  const today = (plan.todayItems || []).find((t) => t.practiceId === practiceId) || null;
  const date = today ? today.date : plan.today;

  const stepTitle = h('h2', { id: 'step-title', class: 'step-title' });
  const stepText = h('p', { class: 'step-text' });
  const stepCount = h('p', { class: 'muted step-count' });
  const stepBox = h('div', { class: 'step', 'aria-live': 'polite' }, stepTitle, stepText, stepCount);
  const timer = h('p', { class: 'step-timer' });
  const pacer = h('div', { class: 'pacer', 'aria-hidden': 'true' });
  const progress = h('progress', { class: 'practice-progress', max: '1000', value: '0', 'aria-label': 'Progress through the practice' });
  const playButton = h('button', { type: 'button', class: 'play' }, 'Play');
  const previous = h('button', { type: 'button', class: 'secondary' }, 'Previous step');
  const next = h('button', { type: 'button', class: 'secondary' }, 'Next step');
  const back = h('button', { type: 'button', class: 'secondary' }, 'Back 15 s');
  // The person's own music volume, kept on this device for their next practice.
  const storedVolume = Number(localStorage.getItem(VOLUME_KEY));
  const volume = h('input', { type: 'range', id: 'practice-volume', min: '0', max: '100',
    value: String(localStorage.getItem(VOLUME_KEY) !== null && storedVolume >= 0 && storedVolume <= 100 ? storedVolume : 80) });
  const resumeBox = h('div');
  const messages = h('div', { 'aria-live': 'polite' });
  const doneBox = h('section', { class: 'card', 'aria-labelledby': 'done-title' });

  const exercise = new LocalExercise(item, {
    loadAudio: (audioId) => fetchBytes(`/api/audio/${encodeURIComponent(audioId)}`),
    onStep: (step) => showStep(step),
    onError: (text) => render(messages, problemAlert({ problem: { title: text } })),
  });
  const segments = exercise.segments;
  const total = totalMs(segments);
  window.hearthPractice = exercise; // tests read the player (audio context, source, position) from here
  let lastSaved = -1;
  let finishedShown = false;

  function showStep({ step, segment, finished }) {
    if (!segment) return;
    stepTitle.textContent = finished ? 'Finished' : (segment.title || `Step ${step + 1}`);
    stepText.textContent = finished ? 'Take a moment before you go on with your day. How do you feel?' : (segment.text || segment.title || '');
    stepCount.textContent = finished ? `All ${segments.length} steps done` : `Step ${step + 1} of ${segments.length}`;
    next.textContent = step >= segments.length - 1 ? 'Skip to end' : 'Next step';
    next.disabled = finished;
    if (finished && !finishedShown) {
      finishedShown = true;
      saveProgress(0);
      announce('The practice is finished');
      const heading = doneBox.querySelector('h2');
      if (heading) heading.scrollIntoView({ block: 'nearest' });
    }
    if (!finished) finishedShown = false;
    controls();
  }

  function controls() {
    const playing = exercise.playing;
    playButton.textContent = playing ? 'Pause' : (exercise.here().finished ? 'Play again' : (exercise.offsetMs() > 0 ? 'Resume' : 'Play'));
    playButton.setAttribute('aria-pressed', playing ? 'true' : 'false');
  }

  function tick() {
    const here = exercise.here();
    const segment = segments[here.step];
    if (!segment) return;
    const offset = exercise.offsetMs();
    progress.value = String(Math.round((offset / Math.max(1, total)) * 1000));
    timer.textContent = here.finished ? `${minutes(total)} of ${minutes(total)}`
      : `${minutes(offset)} of ${minutes(total)} · ${minutes(segment.durationMs - here.positionMs)} left in this step${exercise.playing ? '' : ' (paused)'}`;
    const phase = !here.finished && segment.pacer ? pacerPhase(segment.pacer, here.positionMs) : '';
    if (pacer.textContent !== phase) {
      pacer.textContent = phase;
      if (phase) pacer.dataset.phase = phase; else delete pacer.dataset.phase;
    }
  }

  function saveProgress(positionMs) {
    if (positionMs === lastSaved) return;
    lastSaved = positionMs;
    api('PUT', `${base}/progress`, { date, positionMs: Math.round(positionMs) }).catch(() => { lastSaved = -1; });
  }

  let preloaded = false;
  function act(change) {
    exercise.player.audio(); // inside the click: browsers allow sound once a person asked for it
    if (!preloaded) {
      // Every track of the practice, fetched and decoded now: later steps then play without the
      // network (a phone going offline mid-way keeps its music).
      preloaded = true;
      const ids = new Set(segments.flatMap((seg) => [seg.audioId, seg.backgroundAudioId]).filter(Boolean));
      ids.forEach((id) => exercise.player.buffer(id).catch(() => exercise.player.buffers.delete(id)));
    }
    change();
    render(resumeBox);
    if (!exercise.playing) saveProgress(exercise.offsetMs());
    tick();
    controls();
  }
  playButton.addEventListener('click', () => act(() => (exercise.playing ? exercise.pause() : exercise.play())));
  previous.addEventListener('click', () => act(() => exercise.previous()));
  next.addEventListener('click', () => act(() => exercise.next()));
  back.addEventListener('click', () => act(() => exercise.seekOffset(exercise.offsetMs() - 15000)));
  exercise.player.setVolume(Number(volume.value) / 100);
  volume.addEventListener('input', () => {
    exercise.player.setVolume(Number(volume.value) / 100);
    try { localStorage.setItem(VOLUME_KEY, volume.value); } catch (e) { /* private mode: this page only */ }
  });

  // Resume where they stopped today, if they did.
  const resume = practice.resume && practice.resume.date === date && practice.resume.positionMs > 0 && practice.resume.positionMs < total
    ? practice.resume.positionMs : 0;
  if (resume > 0) {
    exercise.seekOffset(resume, false);
    render(resumeBox, h('div', { class: 'alert resume', role: 'status' },
      h('p', {}, `You stopped at ${minutes(resume)} of ${minutes(total)} last time.`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => act(() => exercise.seekOffset(resume, true)) }, `Resume from ${minutes(resume)}`),
        h('button', { type: 'button', class: 'secondary', onclick: () => act(() => exercise.seekOffset(0, true)) }, 'Start from the beginning'))));
  } else {
    exercise.player.setState(exercise.state);
  }

  const recorded = (practice.occurrences || []).find((o) => o.date === date && (o.state === 'done' || o.state === 'skipped'));
  function showDone(occurrence) {
    render(doneBox, h('h2', { id: 'done-title', class: 'card-title', tabindex: '-1' }, 'Today'),
      okAlert(h('p', {}, recordedText(occurrence))),
      h('p', {}, h('a', { href: '#/aftercare' }, 'Back to aftercare')));
  }
  if (recorded) showDone(recorded);
  else if (today && today.state === 'due') {
    render(doneBox, h('h2', { id: 'done-title', class: 'card-title' }, 'When you are done'),
      h('p', { class: 'muted' }, 'Whenever you like, at the end or before: tell your therapist how it went.'),
      completionForm(person, practice, date, (occurrence) => {
        showDone(occurrence);
        doneBox.querySelector('h2').focus();
        announce(occurrence.state === 'skipped' ? 'Skipped for today' : 'Marked done');
      }));
  } else {
    render(doneBox, h('h2', { id: 'done-title', class: 'card-title' }, 'Not planned for today'),
      h('p', { class: 'muted' }, practice.endedAt ? 'This practice has ended; you can still play it.' : 'You can play it any time; there is nothing to mark today.'));
  }

  render(main,
    h('p', { class: 'back-link' }, h('a', { href: '#/aftercare' }, '← Aftercare')),
    h('h1', { tabindex: '-1' }, item.title),
    item.summary ? h('p', { class: 'lead' }, item.summary) : null,
    practice.instructions ? h('div', { class: 'instructions' }, h('p', { class: 'prompt-title' }, `From ${practice.assignedBy ? practice.assignedBy.displayName : 'your therapist'}`), paragraphs(practice.instructions)) : null,
    resumeBox,
    h('section', { class: 'card exercise solo', 'aria-labelledby': 'step-title' },
      stepBox, h('div', { class: 'pacer-row' }, pacer), progress, timer,
      h('div', { class: 'player-controls' }, playButton, previous, next, back),
      h('div', { class: 'volume' }, h('label', { for: 'practice-volume' }, 'Music volume'), volume),
      h('details', { class: 'script' }, h('summary', {}, 'Read the whole script'),
        h('ol', {}, segments.map((s) => h('li', {}, s.title ? h('strong', {}, `${s.title}: `) : null, s.text || s.title || ''))))),
    messages,
    doneBox);
  showStep({ step: exercise.here().step, segment: segments[exercise.here().step], finished: exercise.here().finished });
  tick();

  // The clock and pacer move four times a second; the resume point is saved every few seconds while
  // playing, on pause, and when the person leaves (another page, a reload, the tab closed).
  const ticker = setInterval(() => {
    if (!main.isConnected) { leave(); return; }
    tick();
  }, 250);
  const saver = setInterval(() => {
    if (exercise.playing) saveProgress(exercise.offsetMs());
  }, PROGRESS_EVERY_MS);
  const onHide = () => {
    if (exercise.offsetMs() > 0 && !exercise.here().finished) beacon('PUT', `${base}/progress`, { date, positionMs: Math.round(exercise.offsetMs()) });
  };
  window.addEventListener('pagehide', onHide);
  let left = false;
  function leave() {
    if (left) return;
    left = true;
    clearInterval(ticker);
    clearInterval(saver);
    window.removeEventListener('pagehide', onHide);
    if (exercise.offsetMs() > 0 && !exercise.here().finished) saveProgress(exercise.offsetMs());
    exercise.stop();
    if (window.hearthPractice === exercise) window.hearthPractice = null;
  }
  window.addEventListener('hashchange', leave, { once: true });
}

// ---------------------------------------------------------------- the therapist's section

function assignForm(patientId, plan, exercises, onDone) {
  const p = `assign-${patientId}`;
  const message = h('div', { 'aria-live': 'polite' });
  const exercise = h('select', { name: 'exerciseId' },
    h('option', { value: '' }, 'Choose an exercise…'),
    exercises.map((x) => h('option', { value: x.id }, `${x.title} (${x.kind}, ${lengthText(exerciseSeconds(x))})`)));
  const daily = h('input', { type: 'radio', name: 'schedule.kind', id: `${p}-daily`, value: 'daily', checked: true });
  const afterDosing = h('input', { type: 'radio', name: 'schedule.kind', id: `${p}-after`, value: 'after-dosing' });
  const startDate = h('input', { type: 'date', name: 'schedule.startDate', value: plan.today });
  const days = h('input', { type: 'number', name: 'schedule.days', min: '1', max: '90', value: '14', inputmode: 'numeric' });
  const instructions = h('textarea', { name: 'instructions', rows: 3, maxlength: 2000 });
  const startRow = h('div', { class: 'start-row' }, field(`${p}-start`, 'Start date', startDate, `A date in the clinic’s time zone (${plan.zone}).`));
  const submit = h('button', { type: 'submit' }, 'Assign practice');
  const sync = () => {
    startRow.hidden = !daily.checked;
    days.max = daily.checked ? '90' : '14';
    if (!daily.checked && Number(days.value) > 14) days.value = '3';
  };
  daily.addEventListener('change', sync);
  afterDosing.addEventListener('change', sync);
  const form = h('form', { class: 'assign-practice', novalidate: true },
    field(`${p}-exercise`, 'Exercise', exercise),
    h('fieldset', {}, h('legend', {}, 'Schedule'),
      h('div', { class: 'check' }, daily, h('label', { for: `${p}-daily` }, 'Daily, from a start date')),
      h('div', { class: 'check' }, afterDosing, h('label', { for: `${p}-after` }, 'After each dosing')),
      startRow,
      field(`${p}-days`, 'For how many days', days, 'Daily: 1 to 90 days. After each dosing: 1 to 14 days from the day it ended.')),
    field(`${p}-instructions`, 'Instructions for the patient (optional)', instructions),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!exercise.value) { render(message, problemAlert({ problem: { title: 'Choose an exercise', field: 'exerciseId' } }, form)); exercise.focus(); return; }
    const schedule = daily.checked ? { kind: 'daily', startDate: startDate.value, days: Number(days.value) } : { kind: 'after-dosing', days: Number(days.value) };
    const body = { exerciseId: exercise.value, schedule };
    if (instructions.value.trim()) body.instructions = instructions.value.trim();
    busy(submit, async () => {
      try {
        await api('POST', `${aftercarePath(patientId)}/practices`, body);
        announce('Practice assigned');
        onDone(`Assigned: ${exercise.selectedOptions[0].textContent.replace(/ \(.*$/, '')}.`);
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  });
  return h('details', { class: 'assign', open: plan.practices.every((x) => x.endedAt) },
    h('summary', {}, 'Assign a practice'), form, message);
}

function resourcesForm(patientId, plan, clinic, onDone) {
  const message = h('div', { 'aria-live': 'polite' });
  const assigned = new Set(plan.resources.map((r) => r.id));
  const items = clinic.filter((r) => !r.archived || assigned.has(r.id));
  if (items.length === 0) return h('p', { class: 'muted' }, 'The clinic has no resources yet. ', h('a', { href: '#/resources' }, 'Write one'));
  const boxes = items.map((r) => h('input', { type: 'checkbox', id: `res-${patientId}-${r.id}`, value: r.id, checked: assigned.has(r.id) }));
  const save = h('button', { type: 'submit' }, 'Save resources');
  const form = h('form', { class: 'assign-resources', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Resources for the patient'),
      items.map((r, i) => h('div', { class: 'check' }, boxes[i], h('label', { for: boxes[i].id }, r.title, ' ',
        h('span', { class: `badge category-${r.category}` }, CATEGORY_NAMES[r.category] || r.category))))),
    save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(save, async () => {
      try {
        await api('PUT', `${aftercarePath(patientId)}/resources`, { resourceIds: boxes.filter((b) => b.checked).map((b) => b.value) });
        announce('Resources saved');
        onDone('Resources saved.');
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  });
  return h('div', {}, form, message);
}

function staffPracticeItem(patientId, plan, p, onDone) {
  const message = h('div', { 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions' });
  const askEnd = () => render(actions,
    h('span', {}, `End ${p.exercise.title}? Past days stay; no new days are planned.`),
    h('button', { type: 'button', class: 'danger small', onclick: (event) => busy(event.currentTarget, async () => {
      try {
        await api('PATCH', `${aftercarePath(patientId)}/practices/${encodeURIComponent(p.id)}`, { ended: true });
        announce('Practice ended');
        onDone(`Ended: ${p.exercise.title}.`);
      } catch (e) { render(message, problemAlert(e)); }
    }) }, 'Yes, end it'),
    h('button', { type: 'button', class: 'secondary small', onclick: showEnd }, 'Keep it'));
  function showEnd() {
    render(actions, h('button', { type: 'button', class: 'secondary small', 'aria-label': `End the practice ${p.exercise.title}`, onclick: askEnd }, 'End practice'));
  }
  if (!p.endedAt) showEnd();
  const a = p.adherence || { done: 0, skipped: 0, missed: 0, due: 0, upcoming: 0 };
  const lastNotes = (p.occurrences || []).filter((o) => o.note || o.rating).slice(-3).reverse();
  return h('li', { class: 'practice', 'data-practice': p.id },
    h('h4', {}, p.exercise.title, p.endedAt ? h('span', { class: 'badge ended' }, 'Ended') : null),
    h('p', { class: 'muted small' }, scheduleText(p.schedule), p.assignedBy ? ` · assigned by ${p.assignedBy.displayName}` : ''),
    h('dl', { class: 'adherence' },
      ['done', 'skipped', 'missed'].map((k) => h('div', { class: `count ${k}`, 'data-count': k }, h('dt', {}, STATE_NAMES[k]), h('dd', {}, String(a[k] || 0)))),
      h('div', { class: 'count' }, h('dt', {}, 'Still to come'), h('dd', {}, String((a.due || 0) + (a.upcoming || 0))))),
    occurrenceStrip(p, plan.today),
    lastNotes.length ? h('ul', { class: 'practice-notes' }, lastNotes.map((o) => h('li', {},
      h('strong', {}, localDay(o.date)), o.rating ? ` · felt ${o.rating} of 5` : '', o.note ? h('span', { class: 'pre-line' }, ` · “${o.note}”`) : null))) : null,
    p.instructions ? h('details', {}, h('summary', {}, 'Instructions'), paragraphs(p.instructions)) : null,
    actions, message);
}

/**
 * The Aftercare section of a patient's course page, for their therapist. Returns the element; it
 * loads itself, and again when the patient's aftercare changes (a practice done on their phone),
 * except while the therapist has something unsaved in it. The course page keeps this one element
 * across its own redraws, so a redraw never drops a half-made choice.
 */
export function aftercareSection(patientId) {
  const body = h('div', {}, loading('Loading the aftercare plan…'));
  const section = h('section', { class: 'card aftercare-staff', 'aria-labelledby': 'aftercare-title' },
    h('h2', { id: 'aftercare-title', class: 'card-title' }, 'Aftercare'), body);
  let dirty = false;
  let loads = 0;
  body.addEventListener('input', () => { dirty = true; });
  body.addEventListener('change', () => { dirty = true; });
  const onChange = (event) => {
    const m = event.detail;
    if (!section.isConnected && loads > 0) { careEvents.removeEventListener('care.changed', onChange); return; }
    if (m && m.patientId === patientId && (!m.record || m.record === 'aftercare') && !dirty) load();
  };
  careEvents.addEventListener('care.changed', onChange);
  async function load(notice) {
    const mine = ++loads;
    try {
      const [plan, exercises, clinic] = await Promise.all([
        api('GET', aftercarePath(patientId)),
        api('GET', '/api/exercises').then((r) => r.items.filter((x) => !x.archived)).catch(() => []),
        api('GET', '/api/care/resources').then((r) => r.items).catch(() => []),
      ]);
      if (mine !== loads) return; // a newer load is under way
      dirty = false;
      const done = (text) => load(text);
      const active = plan.practices.filter((p) => !p.endedAt);
      const ended = plan.practices.filter((p) => p.endedAt);
      render(body,
        notice ? okAlert(h('p', {}, notice)) : null,
        h('h3', {}, 'Practices'),
        active.length === 0 ? h('p', { class: 'muted' }, 'No practice assigned.')
          : [h('ul', { class: 'practice-list' }, active.map((p) => staffPracticeItem(patientId, plan, p, done))), stripLegend()],
        ended.length ? h('details', {}, h('summary', {}, `Ended practices (${ended.length})`),
          h('ul', { class: 'practice-list' }, ended.map((p) => staffPracticeItem(patientId, plan, p, done)))) : null,
        assignForm(patientId, plan, exercises, done),
        h('h3', {}, 'Resources'),
        resourcesForm(patientId, plan, clinic, done));
    } catch (e) {
      render(body, problemAlert(e));
    }
  }
  load();
  return section;
}
