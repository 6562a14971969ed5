// Plays an exercise draft on this page alone, before it is saved or published, with the same
// player as the room (exercise.js). A room's state comes from the server and is placed against the
// server's clock; here the page builds the state itself (as ExerciseConductor does when a host starts
// an item) and the page's own clock stands in for the server's (solo-exercise.js, shared with the
// patient's solo practice).
import { fetchBytes } from '../api.js';
import { h, render } from '../dom.js';
import { LocalExercise, pacerPhase } from '../solo-exercise.js';

function clockText(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * A preview panel: Preview starts the draft from its first step; Pause, Previous, Next and Stop act
 * on this page only. `draft()` returns the item to play, or null when it cannot be played yet
 * (the caller shows why).
 */
export class PreviewPanel {
  constructor(draft) {
    this.draft = draft;
    this.player = null;
    this.exercise = null;
    this.timer = null;
    this.element = h('section', { class: 'card exercise preview-panel', 'aria-labelledby': 'preview-title' });
    this.renderIdle();
    window.hearthPreview = this; // tests read whether the preview's audio plays from here
  }

  renderIdle(note) {
    render(this.element,
      h('h2', { id: 'preview-title' }, 'Preview'),
      h('p', { class: 'muted' }, 'Play it here, as your patients will hear it, before you save or share it. Only you hear the preview.'),
      note ? h('p', { class: 'muted' }, note) : null,
      h('button', { type: 'button', onclick: () => this.start() }, 'Preview'));
  }

  start() {
    const item = this.draft();
    if (!item) return;
    this.stop(false);
    this.exercise = new LocalExercise({ ...item, id: 'preview', title: item.title || 'Untitled' }, {
      loadAudio: (audioId) => fetchBytes(`/api/audio/${encodeURIComponent(audioId)}`),
      onStep: (step) => this.renderStep(step),
      onError: (text) => { this.errorBox.textContent = text; },
    });
    this.player = this.exercise.player;
    this.player.audio(); // created within the click, so the browser lets it play
    this.renderPlaying();
    this.command('play');
    this.timer = setInterval(() => this.tick(), 250);
  }

  /** The same commands a room's host has, applied here (solo-exercise.js keeps them as ExerciseConductor does). */
  command(action) {
    this.exercise[action]();
    this.renderPlaying();
  }

  get state() {
    return this.exercise ? this.exercise.state : null;
  }

  renderPlaying() {
    const state = this.state;
    this.stepBox = h('div', { class: 'step', 'aria-live': 'polite' });
    this.timerBox = h('p', { class: 'step-timer' });
    this.pacerBox = h('div', { class: 'pacer', 'aria-hidden': 'true' });
    this.errorBox = h('p', { class: 'field-error', role: 'alert' });
    const volume = h('input', { type: 'range', id: 'preview-volume', min: '0', max: '100', value: String(Math.round(this.player.volume * 100)) });
    volume.addEventListener('input', () => this.player.setVolume(Number(volume.value) / 100));
    render(this.element,
      h('h2', { id: 'preview-title' }, `Preview: ${state.title}`),
      this.stepBox, this.timerBox, this.pacerBox, this.errorBox,
      h('div', { class: 'volume' }, h('label', { for: 'preview-volume' }, 'Music volume'), volume),
      h('div', { class: 'exercise-controls' },
        h('button', { type: 'button', class: 'secondary', onclick: () => this.command('previous') }, 'Previous'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.command(state.playing ? 'pause' : 'play') }, state.playing ? 'Pause' : 'Play'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.command('next') }, 'Next'),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.stop(true) }, 'Stop preview')));
    if (this.lastStep) this.renderStep({ ...this.lastStep, state });
    this.tick();
  }

  renderStep(step) {
    this.lastStep = step;
    if (!this.stepBox || !step || !step.segment) return;
    render(this.stepBox,
      step.segment.title && step.segment.text ? h('p', { class: 'step-title' }, step.segment.title) : null,
      h('p', { class: 'step-text' }, step.segment.text || step.segment.title || ''),
      h('p', { class: 'muted' }, `${step.state.kind === 'playlist' ? 'Track' : 'Step'} ${step.step + 1} of ${step.state.segments.length}${step.finished ? ' · finished' : ''}`));
  }

  tick() {
    const state = this.state;
    if (!state || !this.timerBox) return;
    const here = this.exercise.here();
    const segment = state.segments[here.step];
    this.timerBox.textContent = `${clockText(segment.durationMs - here.positionMs)} left in this step${state.playing ? '' : ' (paused)'}`;
    const phase = segment.pacer && !here.finished ? pacerPhase(segment.pacer, here.positionMs) : '';
    this.pacerBox.textContent = phase;
    if (phase) this.pacerBox.dataset.phase = phase;
  }

  /** Test hook: the track position (ms) this page's audio has reached now, or null when silent. */
  audioPositionMs() {
    const p = this.player && this.player.positionAt(this.exercise.clock.now());
    return p ? p.positionMs : null;
  }

  stop(showIdle = true) {
    clearInterval(this.timer);
    this.timer = null;
    if (this.player) {
      this.player.stop();
      if (this.player.context) this.player.context.close().catch(() => {});
    }
    this.player = null;
    this.exercise = null;
    this.lastStep = null;
    if (showIdle) this.renderIdle();
  }
}
