// The room's guided exercise in the browser: an estimate of the server's clock from the room
// socket's ping/pong, and a player that puts every page on the same step and the same moment of
// the same track by scheduling Web Audio against that clock (docs/adr/0009).
//
// Where the exercise is comes from the state alone (the same arithmetic as the server's
// ExerciseTimeline): positionMs + (serverNow - anchorServerTime) while playing, walked on through
// the following segments.

const KEEP_SAMPLES = 32;
const BEST_SAMPLES = 5;
const START_LEAD_MS = 120; // time to decode and start a source before its moment
// While playing, each page keeps comparing where its audio is with where the exercise is (server state
// and clock offset): its audio clock can stall or run at its own pace on a loaded machine, and the
// clock estimate improves as pings come back. A small drift is played away by a slightly faster or
// slower rate; a large one is a seek (the source starts again at the right moment).
const DRIFT_CHECK_MS = 500;
const DRIFT_OK_MS = 12;
const DRIFT_SEEK_MS = 150;
const DRIFT_NUDGE_MAX = 0.04; // ±4% speed at most
const DRIFT_NUDGE_OVER_S = 2; // a small drift is played away over about this long
// A step's cue sound (a bell, a chime) marks its beginning: a page that is further into the step
// than this (it joined late, it came back from a drop) does not hear it, rather than hear it late.
const CUE_LATE_MS = 1500;

/** The local high-resolution clock, in milliseconds since the epoch. */
export function localNow() {
  return performance.timeOrigin + performance.now();
}

/**
 * Offset of the server's clock to this page's, from NTP-style exchanges: for each ping, the offset
 * is serverTime - (sent + received) / 2, and its error is at most half the round trip; the samples
 * with the shortest round trips are the trustworthy ones.
 */
export class ServerClock {
  constructor() {
    this.samples = [];
    this.offsetMs = 0;
  }

  sample(sentAt, serverTime, receivedAt) {
    const rtt = receivedAt - sentAt;
    if (!(rtt >= 0) || !Number.isFinite(serverTime)) return;
    this.samples.push({ rtt, offset: serverTime - (sentAt + receivedAt) / 2 });
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
    const best = [...this.samples].sort((a, b) => a.rtt - b.rtt).slice(0, BEST_SAMPLES).map((s) => s.offset).sort((a, b) => a - b);
    this.offsetMs = best[Math.floor(best.length / 2)];
  }

  ready() {
    return this.samples.length >= 3;
  }

  /** Best round trip seen: the bound on this estimate's error is half of it. */
  bestRtt() {
    return this.samples.reduce((m, s) => Math.min(m, s.rtt), Infinity);
  }

  now() {
    return localNow() + this.offsetMs;
  }

  toLocal(serverTime) {
    return serverTime - this.offsetMs;
  }
}

/** Where the exercise is at a server time: {step, positionMs, finished}. Mirrors ExerciseTimeline. */
export function pointAt(state, serverTime) {
  const segments = state.segments || [];
  let step = state.step || 0;
  let position = state.positionMs || 0;
  if (state.playing) position += Math.max(0, serverTime - state.anchorServerTime);
  while (step < segments.length) {
    const duration = segments[step].durationMs;
    if (position < duration) return { step, positionMs: position, finished: false };
    if (step === segments.length - 1) return { step, positionMs: duration, finished: true };
    position -= duration;
    step += 1;
  }
  return { step: Math.max(0, segments.length - 1), positionMs: 0, finished: true };
}

/**
 * Plays a room's exercise state on this page.
 *
 * options: clock (ServerClock); loadAudio(audioId) → Promise<ArrayBuffer>; onStep({state, step,
 * segment, positionMs, finished}) to render the step; onError(message).
 */
export class ExercisePlayer {
  constructor(options) {
    this.clock = options.clock;
    this.loadAudio = options.loadAudio;
    this.onStep = options.onStep || (() => {});
    this.onError = options.onError || (() => {});
    this.state = null;
    this.context = null;
    this.gain = null;
    this.volume = 0.8;
    this.buffers = new Map();
    // {node, audioId, anchorCtx, anchorSec, rate, duration, loop, step, generation}: the track was at
    // anchorSec at context time anchorCtx, and has played at `rate` since.
    this.source = null;
    this.stepTimer = null;
    this.driftTimer = null;
    this.correcting = false;
    this.corrections = { seeks: 0, nudges: 0 }; // read by tests and benchmarks
    this.generation = 0;
    this.cueKey = null; // the step whose cue was played (or passed), so a re-placed step does not ring again
    this.cues = new Set();
    this.cuesPlayed = 0; // read by tests
  }

  /** The AudioContext, created on first use (browsers need a user gesture or an autoplay policy). */
  audio() {
    if (!this.context) {
      this.context = new AudioContext();
      this.gain = this.context.createGain();
      this.gain.gain.value = this.volume;
      this.gain.connect(this.context.destination);
    }
    if (this.context.state === 'suspended') this.context.resume().catch(() => {});
    return this.context;
  }

  /** Each listener's own music volume, 0..1. */
  setVolume(value) {
    this.volume = Math.max(0, Math.min(1, value));
    if (this.gain) this.gain.gain.setTargetAtTime(this.volume, this.context.currentTime, 0.05);
  }

  async buffer(audioId) {
    if (!this.buffers.has(audioId)) {
      this.buffers.set(audioId, this.loadAudio(audioId).then((bytes) => this.audio().decodeAudioData(bytes)));
    }
    return this.buffers.get(audioId);
  }

  /** A new authoritative state from the server: re-place everything. */
  setState(state) {
    if (this.state && state.version < this.state.version) return; // an older push arriving late
    this.state = state;
    this.generation += 1;
    this.place(this.generation);
  }

  stop() {
    this.generation += 1;
    clearTimeout(this.stepTimer);
    clearInterval(this.driftTimer);
    this.driftTimer = null;
    this.stopSource();
    this.cues.forEach((node) => { try { node.stop(); } catch (e) { /* already ended */ } });
    this.cues.clear();
    this.cueKey = null;
  }

  stopSource() {
    if (this.source) {
      try { this.source.node.stop(); } catch (e) { /* already stopped */ }
      this.source = null;
    }
  }

  /** Renders the current step and schedules its audio and the next step change. */
  async place(generation) {
    clearTimeout(this.stepTimer);
    const state = this.state;
    if (!state || !state.itemId) {
      this.stopSource();
      this.onStep({ state, step: 0, segment: null, positionMs: 0, finished: true });
      return;
    }
    const now = this.clock.now();
    const here = pointAt(state, now);
    const segment = state.segments[here.step];
    this.onStep({ state, step: here.step, segment, positionMs: here.positionMs, finished: here.finished });
    if (state.playing && !here.finished) {
      const endsAt = now + (segment.durationMs - here.positionMs);
      this.stepTimer = setTimeout(() => {
        if (generation === this.generation) this.place(generation);
      }, Math.max(0, this.clock.toLocal(endsAt) - localNow()));
    }
    this.playCue(generation, state, here, now);
    await this.scheduleAudio(generation, state, here);
  }

  /**
   * The step's cue sound, once, at the shared moment the step began (so every page rings together);
   * over the step's music, not instead of it.
   */
  async playCue(generation, state, here, now) {
    const segment = state.segments[here.step];
    const key = `${state.itemId}:${here.step}`;
    if (!segment || !segment.cueAudioId || !state.playing || here.finished || this.cueKey === key) return;
    this.cueKey = key;
    if (here.positionMs > CUE_LATE_MS) return;
    const stepBegan = now - here.positionMs; // server time
    let buffer;
    try {
      buffer = await this.buffer(segment.cueAudioId);
    } catch (e) {
      this.onError('The cue sound for this step could not be loaded.');
      return;
    }
    if (generation !== this.generation) return;
    const context = this.audio();
    const earliest = context.currentTime + 0.005;
    let startCtx = this.contextTimeAt(this.clock.toLocal(stepBegan));
    let offsetSec = 0;
    if (startCtx < earliest) {
      offsetSec = earliest - startCtx;
      startCtx = earliest;
    }
    if (offsetSec >= buffer.duration) return;
    const node = context.createBufferSource();
    node.buffer = buffer;
    node.connect(this.gain);
    node.onended = () => this.cues.delete(node);
    node.start(startCtx, offsetSec);
    this.cues.add(node);
    this.cuesPlayed += 1;
  }

  /** The segment's track (a playlist's) or background (a script's), started at the shared moment. */
  async scheduleAudio(generation, state, here) {
    const segment = state.segments[here.step];
    const audioId = segment && (segment.audioId || segment.backgroundAudioId);
    if (!state.playing || here.finished || !audioId) {
      this.stopSource();
      return;
    }
    // Another track: the old one stops now rather than play on while the new one loads and decodes.
    if (this.source && this.source.audioId !== audioId) this.stopSource();
    let buffer;
    try {
      buffer = await this.buffer(audioId);
    } catch (e) {
      this.onError('The music for this step could not be loaded.');
      return;
    }
    if (generation !== this.generation) return;
    const context = this.audio();
    // Start a little ahead, at the offset the exercise will have reached by then (server time).
    const startServer = this.clock.now() + START_LEAD_MS;
    const at = pointAt(state, startServer);
    if (at.step !== here.step || at.finished) return; // the step ends first; the next place() starts it
    // The context time whose sample is heard at that moment (output latency included), the same
    // reckoning positionAt and the drift check use.
    let startCtx = this.contextTimeAt(this.clock.toLocal(startServer));
    let offsetSec = at.positionMs / 1000;
    const earliest = context.currentTime + 0.005;
    if (startCtx < earliest) { // later than planned: start further in, so it is still the shared moment
      offsetSec += earliest - startCtx;
      startCtx = earliest;
    }
    offsetSec %= buffer.duration; // backgrounds loop under long steps
    this.stopSource();
    const node = context.createBufferSource();
    node.buffer = buffer;
    node.loop = !segment.audioId; // playlist tracks play once, backgrounds loop
    node.connect(this.gain);
    node.start(startCtx, offsetSec);
    this.source = { node, audioId, anchorCtx: startCtx, anchorSec: offsetSec, rate: 1, duration: buffer.duration, loop: node.loop,
      step: here.step, generation };
    if (!this.driftTimer) this.driftTimer = setInterval(() => this.correctDrift(), DRIFT_CHECK_MS);
  }

  /**
   * The context time of the sample heard at a local time, from the audio output's own timestamp
   * (output latency included); without one, from currentTime.
   */
  contextTimeAt(localMs) {
    const stamp = this.context.getOutputTimestamp ? this.context.getOutputTimestamp() : null;
    if (stamp && stamp.performanceTime) {
      return stamp.contextTime + (localMs - (performance.timeOrigin + stamp.performanceTime)) / 1000;
    }
    return this.context.currentTime + (localMs - localNow()) / 1000;
  }

  /** The track position (s) the source has reached at a context time, by its anchor and rate. */
  sourceSecondsAt(contextTime) {
    const src = this.source;
    let seconds = src.anchorSec + (contextTime - src.anchorCtx) * src.rate;
    if (src.loop) seconds %= src.duration;
    return seconds;
  }

  /**
   * Compares where this page's audio is with where the exercise is, now, and corrects: nothing
   * within DRIFT_OK_MS, a playback-rate nudge up to DRIFT_SEEK_MS, a seek beyond.
   */
  async correctDrift() {
    const src = this.source;
    const state = this.state;
    const context = this.context;
    if (!src || !state || !state.playing || !context || context.state !== 'running' || this.correcting
        || src.generation !== this.generation || context.currentTime < src.anchorCtx) return;
    const now = this.clock.now();
    const here = pointAt(state, now);
    if (here.finished || here.step !== src.step) return; // the step timer moves on to the next step
    let expected = here.positionMs / 1000;
    if (src.loop) expected %= src.duration;
    else if (expected >= src.duration) return; // a playlist track that has ended plays nothing
    const actual = this.positionAt(now);
    if (!actual) return;
    let drift = actual.positionMs / 1000 - expected; // seconds; positive: this page is ahead
    if (src.loop && Math.abs(drift) > src.duration / 2) drift -= Math.sign(drift) * src.duration;
    const driftMs = drift * 1000;
    if (Math.abs(driftMs) > DRIFT_SEEK_MS) {
      this.corrections.seeks += 1;
      console.debug(`exercise: ${Math.round(driftMs)} ms off, seeking`);
      this.correcting = true;
      try {
        await this.scheduleAudio(this.generation, state, here);
      } finally {
        this.correcting = false;
      }
      return;
    }
    const rate = Math.abs(driftMs) <= DRIFT_OK_MS ? 1
      : 1 - Math.max(-DRIFT_NUDGE_MAX, Math.min(DRIFT_NUDGE_MAX, drift / DRIFT_NUDGE_OVER_S));
    if (rate !== src.rate) {
      if (rate !== 1) this.corrections.nudges += 1;
      const t = context.currentTime;
      src.anchorSec = src.anchorSec + (t - src.anchorCtx) * src.rate;
      src.anchorCtx = t;
      src.rate = rate;
      src.node.playbackRate.setValueAtTime(rate, t);
    }
  }

  /**
   * What this page is playing at a server time, from the audio clock itself: the track position
   * (ms) and the step. Tests compare it across pages; null when nothing plays.
   */
  positionAt(serverTime) {
    // Nothing yet for the newest state (its audio still loading): not an answer about the old one.
    if (!this.source || !this.context || this.source.generation !== this.generation) return null;
    const contextTime = this.contextTimeAt(this.clock.toLocal(serverTime));
    const seconds = this.sourceSecondsAt(contextTime);
    return { itemId: this.state.itemId, step: this.source.step, positionMs: seconds * 1000, serverTime };
  }
}
