// The video room's parts that are not about the session itself (issue 14): inline SVG icons, icon
// buttons (a label for screen readers and a tooltip on each), the video tile every room uses (one to
// one, circles in a grid or speaker view, breakouts), its media badges (microphone off, camera off
// shown as initials, speaking, connection quality), and the movable self-view.
import { h } from './dom.js';

/** Initials for a tile without video: "Circle Patient 3" → "CP", "Dr. Maya Okafor" → "MO" (a title is not a name). */
export function initialsOf(name) {
  const words = String(name || '').trim().split(/\s+/).filter((w) => /\p{L}/u.test(w))
    .filter((w, i, all) => !(i === 0 && all.length > 1 && /^(dr|mr|mrs|ms|mx|prof)\.?$/i.test(w)));
  const picked = words.length > 2 ? [words[0], words[words.length - 1]] : words;
  return picked.map((w) => w.match(/\p{L}/u)[0].toUpperCase()).join('') || '?';
}

const SVG = 'http://www.w3.org/2000/svg';

// 24×24 outline icons drawn with the text colour: paths, rects and circles as [tag, attributes].
const ICONS = {
  mic: [['path', { d: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3z' }], ['path', { d: 'M19 11a7 7 0 0 1-14 0M12 18v3' }]],
  'mic-off': [['path', { d: 'M15 9.5V6a3 3 0 0 0-5.7-1.3M9 9v3a3 3 0 0 0 5 2.2' }], ['path', { d: 'M19 11a7 7 0 0 1-1.2 3.9M5 11a7 7 0 0 0 10.5 6M12 18v3' }],
    ['path', { d: 'M4 4l16 16' }]],
  camera: [['rect', { x: 3, y: 6, width: 13, height: 12, rx: 2 }], ['path', { d: 'M16 10l5-3v10l-5-3z' }]],
  'camera-off': [['path', { d: 'M9 6h5a2 2 0 0 1 2 2v3l5-3v9M16 16a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2' }], ['path', { d: 'M3 3l18 18' }]],
  screen: [['rect', { x: 3, y: 4, width: 18, height: 12, rx: 2 }], ['path', { d: 'M8 20h8M12 16v4M9 10l3-3 3 3M12 7v6' }]],
  chat: [['path', { d: 'M4 5h16v10H9l-5 4z' }]],
  exercise: [['path', { d: 'M3 12c2.5-5 5.5-5 8 0s5.5 5 8 0' }], ['path', { d: 'M3 17c2.5-3 5.5-3 8 0s5.5 3 8 0', opacity: '.6' }]],
  settings: [['path', { d: 'M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1' }], ['circle', { cx: 15, cy: 6, r: 2 }], ['circle', { cx: 9, cy: 12, r: 2 }],
    ['circle', { cx: 17, cy: 18, r: 2 }]],
  fullscreen: [['path', { d: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5' }]],
  'fullscreen-exit': [['path', { d: 'M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5' }]],
  leave: [['path', { d: 'M10 4H5v16h5M14 8l4 4-4 4M18 12H9' }]],
  end: [['path', { d: 'M3 14.5c5-4.5 13-4.5 18 0l-2 3-4-1.2V14a11 11 0 0 0-6 0v2.3l-4 1.2z' }]],
  grid: [['rect', { x: 3, y: 3, width: 8, height: 8, rx: 1 }], ['rect', { x: 13, y: 3, width: 8, height: 8, rx: 1 }],
    ['rect', { x: 3, y: 13, width: 8, height: 8, rx: 1 }], ['rect', { x: 13, y: 13, width: 8, height: 8, rx: 1 }]],
  speaker: [['rect', { x: 3, y: 3, width: 18, height: 12, rx: 1 }], ['rect', { x: 3, y: 17, width: 5, height: 4, rx: 1 }],
    ['rect', { x: 10, y: 17, width: 4, height: 4, rx: 1 }], ['rect', { x: 16, y: 17, width: 5, height: 4, rx: 1 }]],
  corner: [['rect', { x: 3, y: 4, width: 18, height: 16, rx: 2 }], ['rect', { x: 12, y: 12, width: 7, height: 6, rx: 1 }]],
  signal: [['path', { d: 'M5 19v-3M10 19v-7M15 19v-11M20 19V4' }]],
  support: [['circle', { cx: 12, cy: 12, r: 8 }], ['circle', { cx: 12, cy: 12, r: 3.5 }], ['path', { d: 'M6.3 6.3l3.2 3.2M17.7 6.3l-3.2 3.2M6.3 17.7l3.2-3.2M17.7 17.7l-3.2-3.2' }]],
};

/** An inline SVG icon (no icon font, no CDN): decorative, the button or badge carries the words. */
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon icon-${name}`);
  for (const [tag, attrs] of ICONS[name] || []) {
    const part = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) part.setAttribute(k, String(v));
    svg.append(part);
  }
  return svg;
}

/** A round icon button: its label is both its accessible name and its tooltip. */
export function iconButton(name, label, onclick, extra = {}) {
  const button = h('button', { type: 'button', class: `icon-button ${extra.class || ''}`.trim(), 'aria-label': label, title: label, onclick,
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'class')) }, icon(name));
  return button;
}

/** Changes an icon button's icon and words (mute ↔ unmute). */
export function relabel(button, name, label) {
  button.setAttribute('aria-label', label);
  button.setAttribute('title', label);
  button.replaceChildren(icon(name), ...[...button.querySelectorAll(':scope > .dot')]);
}

/** Whether this browser can share a screen at all (phones cannot: no getDisplayMedia). */
export function canShareScreen() {
  return !!(navigator.mediaDevices && typeof navigator.mediaDevices.getDisplayMedia === 'function');
}

const QUALITY_WORDS = { good: 'connection good', fair: 'connection fair', poor: 'connection poor' };

/**
 * A video tile: the picture, initials when the camera is off, and a caption with the name and the
 * badges. The caption is the figure's accessible name, so a screen reader hears "Jordan Lee,
 * microphone off, connection good".
 */
export function videoTile({ peerId, name, label, self, video }) {
  const muted = h('span', { class: 'tile-badge tile-muted', hidden: true }, icon('mic-off'), h('span', { class: 'visually-hidden' }, ', microphone off'));
  const quality = h('span', { class: 'tile-badge tile-quality', hidden: true }, icon('signal'), h('span', { class: 'visually-hidden quality-words' }));
  const camera = h('span', { class: 'visually-hidden tile-camera-words', hidden: true }, ', camera off');
  const tile = h('figure', { class: `tile${self ? ' self' : ''}`, 'data-peer': self ? null : peerId },
    video,
    h('span', { class: 'tile-avatar', 'aria-hidden': 'true' }, h('span', { class: 'tile-avatar-initials' }, initialsOf(name))),
    h('figcaption', {}, h('span', { class: 'tile-name' }, label || name), camera, h('span', { class: 'tile-state' }), muted, quality));
  return tile;
}

/** Shows what is known of a tile's media: { muted, cameraOff, quality } (undefined: unchanged). */
export function setTileMedia(tile, { muted, cameraOff, quality }) {
  if (!tile) return;
  if (muted !== undefined) {
    tile.classList.toggle('muted', !!muted);
    tile.querySelector('.tile-muted').hidden = !muted;
    if (muted) tile.classList.remove('speaking');
  }
  if (cameraOff !== undefined) {
    tile.classList.toggle('camera-off', !!cameraOff);
    tile.querySelector('.tile-camera-words').hidden = !cameraOff;
  }
  if (quality !== undefined) {
    const badge = tile.querySelector('.tile-quality');
    const known = QUALITY_WORDS[quality];
    badge.hidden = !known;
    badge.dataset.quality = quality;
    badge.title = known ? known[0].toUpperCase() + known.slice(1) : '';
    badge.querySelector('.quality-words').textContent = known ? `, ${known}` : '';
  }
}

/**
 * Who is speaking, from the audio itself (WebAudio AnalyserNode per stream): a tile whose level
 * stays above a quiet threshold gets the `speaking` class. One AudioContext for the page; circles
 * through the media server use the bridge's dominant speaker instead.
 */
export class SpeakingMeter {
  constructor() {
    this.context = null;
    this.sources = new Map(); // tile → { stream, analyser, source, samples, level }
    this.timer = setInterval(() => this.sample(), 150);
  }

  watch(tile, stream) {
    const known = this.sources.get(tile);
    if (known && known.stream === stream && known.trackCount === stream.getAudioTracks().length) return;
    this.unwatch(tile);
    if (!stream || stream.getAudioTracks().length === 0) return;
    try {
      if (!this.context) this.context = new AudioContext();
      if (this.context.state === 'suspended') this.context.resume().catch(() => {});
      const analyser = this.context.createAnalyser();
      analyser.fftSize = 512;
      const source = this.context.createMediaStreamSource(stream);
      source.connect(analyser); // never to the speakers: the video element plays the sound
      this.sources.set(tile, { stream, analyser, source, samples: new Uint8Array(analyser.fftSize), level: 0,
        trackCount: stream.getAudioTracks().length });
    } catch (e) { /* no WebAudio: no speaking indicator, nothing else lost */ }
  }

  unwatch(tile) {
    const known = this.sources.get(tile);
    if (!known) return;
    try { known.source.disconnect(); } catch (e) { /* already gone */ }
    this.sources.delete(tile);
    tile.classList.remove('speaking');
  }

  sample() {
    for (const [tile, s] of this.sources) {
      if (!tile.isConnected) { this.unwatch(tile); continue; }
      s.analyser.getByteTimeDomainData(s.samples);
      let sum = 0;
      for (const v of s.samples) sum += ((v - 128) / 128) ** 2;
      const rms = Math.sqrt(sum / s.samples.length);
      // Smoothed, with a little hysteresis: a word lights the tile, a breath does not flicker it.
      s.level = Math.max(rms, s.level * 0.8);
      const speaking = !tile.classList.contains('muted') && (tile.classList.contains('speaking') ? s.level > 0.015 : s.level > 0.03);
      tile.classList.toggle('speaking', speaking);
    }
  }

  dispose() {
    clearInterval(this.timer);
    for (const tile of [...this.sources.keys()]) this.unwatch(tile);
    if (this.context) this.context.close().catch(() => {});
    this.context = null;
  }
}

const CORNERS = ['br', 'bl', 'tl', 'tr'];
const CORNER_WORDS = { br: 'bottom right', bl: 'bottom left', tl: 'top left', tr: 'top right' };

/**
 * Makes the self-view a small picture-in-picture over the stage: dragged with a pointer (it snaps
 * to the nearest corner when let go) or moved with its button, which cycles the corners.
 * Returns a function that undoes it.
 */
export function movableSelfView(tile, stage, say) {
  tile.classList.add('pip');
  tile.dataset.corner = tile.dataset.corner || 'br';
  const move = iconButton('corner', 'Move your picture to another corner', () => {
    const next = CORNERS[(CORNERS.indexOf(tile.dataset.corner) + 1) % CORNERS.length];
    tile.dataset.corner = next;
    say(`Your picture is now at the ${CORNER_WORDS[next]}`);
  }, { class: 'pip-move' });
  tile.append(move);
  let drag = null;
  const down = (e) => {
    if (e.button !== 0 || e.target.closest('button')) return;
    const box = tile.getBoundingClientRect();
    drag = { dx: e.clientX - box.left, dy: e.clientY - box.top, id: e.pointerId };
    tile.setPointerCapture(e.pointerId);
    tile.classList.add('dragging');
    e.preventDefault();
  };
  const moveTo = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const area = stage.getBoundingClientRect();
    const x = Math.min(Math.max(0, e.clientX - area.left - drag.dx), area.width - tile.offsetWidth);
    const y = Math.min(Math.max(0, e.clientY - area.top - drag.dy), area.height - tile.offsetHeight);
    tile.style.left = `${x}px`;
    tile.style.top = `${y}px`;
    tile.style.right = 'auto';
    tile.style.bottom = 'auto';
  };
  const up = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    drag = null;
    tile.classList.remove('dragging');
    const area = stage.getBoundingClientRect();
    const box = tile.getBoundingClientRect();
    const right = box.left + box.width / 2 > area.left + area.width / 2;
    const bottom = box.top + box.height / 2 > area.top + area.height / 2;
    tile.dataset.corner = `${bottom ? 'b' : 't'}${right ? 'r' : 'l'}`;
    tile.style.left = tile.style.top = tile.style.right = tile.style.bottom = '';
  };
  tile.addEventListener('pointerdown', down);
  tile.addEventListener('pointermove', moveTo);
  tile.addEventListener('pointerup', up);
  tile.addEventListener('pointercancel', up);
  return () => {
    tile.classList.remove('pip');
    move.remove();
    tile.removeEventListener('pointerdown', down);
    tile.removeEventListener('pointermove', moveTo);
    tile.removeEventListener('pointerup', up);
    tile.removeEventListener('pointercancel', up);
  };
}
