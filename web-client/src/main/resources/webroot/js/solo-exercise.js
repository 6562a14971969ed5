// A guided exercise played by one person on their own page (aftercare practice, authoring preview):
// the room's player (exercise.js) unchanged, driven by this page's clock and a state kept here
// instead of the server's. The state has exactly the shape a room's `exercise.state` carries, and
// the commands do what ExerciseConductor does with a room's, so both play the same way.
import { ExercisePlayer, localNow, pointAt } from './exercise.js';

/** This page's own clock with ServerClock's interface: "server time" is local time. */
export class LocalClock {
  now() { return localNow(); }
  toLocal(time) { return time; }
  ready() { return true; }
  bestRtt() { return 0; }
}

/** An exercise definition (GET /api/exercises/{id}) as a room state's segments, as ExerciseConductor builds them. */
export function segmentsOf(item) {
  const parts = (item.kind === 'playlist' ? item.tracks : item.steps) || [];
  return parts.map((part) => {
    const segment = { durationMs: Math.round(Number(part.durationSeconds) * 1000) };
    for (const key of ['title', 'text', 'audioId', 'cueAudioId', 'backgroundAudioId']) {
      if (part[key] != null) segment[key] = part[key];
    }
    if (part.pacer) segment.pacer = part.pacer;
    return segment;
  });
}

/** The whole length of a state's segments, ms. */
export function totalMs(segments) {
  return segments.reduce((sum, s) => sum + s.durationMs, 0);
}

/** {step, positionMs} of an offset from the start of the whole exercise (a resume point). */
export function stepAtOffset(segments, offsetMs) {
  let left = Math.max(0, offsetMs);
  for (let step = 0; step < segments.length; step++) {
    if (left < segments[step].durationMs) return { step, positionMs: left };
    left -= segments[step].durationMs;
  }
  return { step: Math.max(0, segments.length - 1), positionMs: segments.length ? segments[segments.length - 1].durationMs : 0 };
}

/** The offset from the start of the whole exercise of a step and a position in it. */
export function offsetOf(segments, step, positionMs) {
  let offset = 0;
  for (let i = 0; i < step && i < segments.length; i++) offset += segments[i].durationMs;
  return offset + positionMs;
}

/** The breathing pacer's phase ("Breathe in", "Hold", "Breathe out", "Rest") at a position in its step. */
export function pacerPhase(pacer, positionMs) {
  const phases = [['Breathe in', pacer.inhaleSeconds || 4], ['Hold', pacer.holdSeconds || 0],
    ['Breathe out', pacer.exhaleSeconds || 4], ['Rest', pacer.restSeconds || 0]].filter(([, s]) => s > 0);
  const cycle = phases.reduce((sum, [, s]) => sum + s, 0) * 1000;
  let t = positionMs % cycle;
  for (const [name, seconds] of phases) {
    if (t < seconds * 1000) return name;
    t -= seconds * 1000;
  }
  return phases[0][0];
}

/**
 * One exercise on this page: the state a room would hold, changed by the room's commands, played
 * by an ExercisePlayer on a LocalClock. options: as ExercisePlayer's (loadAudio, onStep, onError).
 */
export class LocalExercise {
  constructor(item, options) {
    this.clock = new LocalClock();
    this.player = new ExercisePlayer({ ...options, clock: this.clock });
    this.segments = segmentsOf(item);
    this.state = { version: 0, itemId: item.id, kind: item.kind, title: item.title, playing: false, step: 0, positionMs: 0,
      anchorServerTime: this.clock.now(), segments: this.segments };
  }

  /** Where the exercise is now: {step, positionMs, finished}. */
  here() {
    return pointAt(this.state, this.clock.now());
  }

  /** The offset from the start of the whole exercise, now. */
  offsetMs() {
    const here = this.here();
    return here.finished ? totalMs(this.segments) : offsetOf(this.segments, here.step, here.positionMs);
  }

  get playing() {
    return this.state.playing && !this.here().finished;
  }

  apply(changes) {
    this.state = { ...this.state, ...changes, version: this.state.version + 1, anchorServerTime: this.clock.now() };
    this.player.setState(this.state);
    return this.state;
  }

  play() {
    const here = this.here();
    return this.apply({ playing: true, step: here.step, positionMs: here.finished ? 0 : here.positionMs, ...(here.finished ? { step: 0 } : {}) });
  }

  pause() {
    const here = this.here();
    return this.apply({ playing: false, step: here.step, positionMs: here.positionMs });
  }

  next() {
    const here = this.here();
    const last = this.segments.length - 1;
    // On the last step "next" is the end (the room stays on it; alone, the person asked to finish).
    if (here.step >= last) return this.apply({ step: last, positionMs: this.segments[last].durationMs, playing: false });
    return this.apply({ step: here.step + 1, positionMs: 0 });
  }

  previous() {
    const here = this.here();
    return this.apply({ step: Math.max(0, here.step - (here.positionMs < 3000 || here.finished ? 1 : 0)), positionMs: 0 });
  }

  /** Moves to an offset from the start of the whole exercise (resume points, ±15 s). */
  seekOffset(offsetMs, playing = this.state.playing) {
    const total = totalMs(this.segments);
    if (offsetMs >= total) return this.apply({ ...stepAtOffset(this.segments, total), playing: false });
    return this.apply({ ...stepAtOffset(this.segments, Math.max(0, offsetMs)), playing });
  }

  stop() {
    this.player.stop();
  }
}
