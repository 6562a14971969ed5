// The layout of a circle whose video goes through the media server (Jitsi Videobridge): grid or speaker
// view, the dominant speaker's tile highlighted (the speaker view follows them), tiles of people whose
// video the bridge does not forward showing their initials instead of a frozen frame, and — from all
// of that — the receiver video constraints the page sends on the bridge channel, again on every change.
// Kept apart from room.js: the room page only creates it and passes the bridge's events on.
import { h } from '../dom.js';
import { LAST_N_LARGE, receiverConstraints, videoSourceOf } from '../bridge-channel.js';
import { iconButton, initialsOf, relabel } from '../room-ui.js';

export { initialsOf };

export class BridgeView {
  /**
   * room: the RoomPage; controls: the control bar (the layout toggle joins it); notes: where the
   * bridge's notes show (over the stage; the control bar when not given).
   */
  constructor(room, controls, notes = controls) {
    this.room = room;
    this.active = false;
    this.mode = null; // null: the default for the circle's size, until the person chooses
    this.dominant = null;
    this.previous = [];
    this.stage = null;
    this.pinned = null; // a person kept on stage in speaker view, whoever speaks
    this.forwarded = null; // null: the bridge has not said yet
    this.channelState = 'closed';
    this.lastConstraints = null;
    this.toggle = iconButton('speaker', 'Speaker view', () => { this.mode = this.layout() === 'speaker' ? 'grid' : 'speaker'; this.update(); },
      { class: 'layout-toggle', hidden: true });
    const chat = controls.querySelector('.chat-toggle');
    if (chat) chat.before(this.toggle); else controls.prepend(this.toggle);
    // A connection that stays poor: others' video pauses (audio goes on) until the person asks again.
    this.weak = false;
    this.poorSamples = 0;
    this.weakNote = h('div', { class: 'alert warning weak-network', role: 'status', hidden: true },
      h('p', {}, 'Your connection is weak, so other people’s video is paused. You still hear everyone.'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => { this.weak = false; this.poorSamples = 0; this.update(); } },
        'Try video again'));
    notes.append(this.weakNote);
    this.qualityTimer = setInterval(() => this.sampleQuality(), 2000);
    this.observer = new MutationObserver(() => this.schedule());
    this.observer.observe(room.videos, { childList: true });
    this.onResize = () => this.schedule();
    window.addEventListener('resize', this.onResize);
    this.offRoster = room.socket.on('room.roster', () => this.schedule());
    // The media server could not set this page up: said here; the server retries by itself and its
    // offer clears the note (retryInMs null: it gave up, the person may ask again).
    this.errorNote = h('div', { class: 'alert warning bridge-error', role: 'status', hidden: true });
    notes.append(this.errorNote);
    this.offError = room.socket.on('rtc.bridge.error', (m) => m.roomId === room.roomId && this.bridgeError(m));
    this.offOffer = room.socket.on('rtc.bridge.offer', (m) => { if (m.roomId === room.roomId) this.errorNote.hidden = true; });
  }

  /** The circle's video goes through the bridge (rtc.config said 'sfu'): the layout applies. */
  bridged(on) {
    if (this.active === on) return;
    this.active = on;
    this.toggle.hidden = !on;
    this.room.videos.classList.toggle('bridged', on);
    this.update();
  }

  /** An event of the bridge channel (rtc.js onBridgeEvent). */
  event(e) {
    if (e.type === 'dominant-speaker') {
      this.dominant = e.endpoint;
      this.previous = e.previous;
    } else if (e.type === 'forwarded') {
      this.forwarded = new Set(e.sources);
    } else if (e.type === 'state') {
      this.channelState = e.state;
      return;
    }
    this.update();
  }

  /** Three poor samples in a row (about 6 s) turn the others' video off for this page. */
  sampleQuality() {
    if (!this.active || this.weak) return;
    this.poorSamples = this.room.quality === 'poor' ? this.poorSamples + 1 : 0;
    if (this.poorSamples >= 3) {
      this.weak = true;
      this.update();
    }
  }

  bridgeError(m) {
    // the server's words say whether it tries again; when it gave up, the person may ask
    const retrying = m.retryInMs !== null && m.retryInMs !== undefined;
    const text = /[.!?…]$/.test(m.message) ? m.message : `${m.message}.`;
    const again = retrying ? null : h('button', { type: 'button', class: 'secondary small', onclick: () => {
      this.errorNote.hidden = true;
      if (this.room.mesh) this.room.mesh.joinBridge();
    } }, 'Try again');
    this.errorNote.replaceChildren(h('p', {}, text), again || '');
    this.errorNote.hidden = false;
  }

  /** Everyone else in the circle, in roster order. */
  others() {
    const self = this.room.person.id;
    return this.room.roster.filter((p) => p.admitted && p.personId !== self).map((p) => p.personId);
  }

  /** Grid while everyone fits (9 others or fewer), speaker view for larger circles; the person's choice wins. */
  layout() {
    return this.mode || (this.others().length > LAST_N_LARGE ? 'speaker' : 'grid');
  }

  /** Who is on stage in speaker view: the pinned person, the dominant speaker, or (while that is oneself) the one before. */
  stageOf(others) {
    const candidates = [this.pinned, this.dominant, ...this.previous, this.stage, others[0]];
    return candidates.find((id) => id && others.includes(id)) || null;
  }

  schedule() {
    if (this.pending) return;
    // a timer, not an animation frame: a hidden page (a phone's screen off) gets no frames, and the
    // bridge must still hear about a roster change
    this.pending = setTimeout(() => { this.pending = null; this.update(); }, 50);
  }

  update() {
    if (!this.room.videos) return;
    const videos = this.room.videos;
    const others = this.others();
    const mode = this.layout();
    const audioOnly = !!(this.room.mesh && this.room.mesh.audioOnly) || this.weak;
    this.weakNote.hidden = !(this.active && this.weak);
    this.stage = mode === 'speaker' ? this.stageOf(others) : null;
    videos.dataset.layout = this.active ? mode : '';
    if (mode === 'speaker') relabel(this.toggle, 'grid', 'Grid view'); else relabel(this.toggle, 'speaker', 'Speaker view');
    const self = this.room.person.id;
    for (const tile of videos.querySelectorAll(':scope > .tile')) {
      const id = tile.classList.contains('self') ? self : tile.dataset.peer;
      const speaking = this.active && !!id && id === this.dominant;
      tile.classList.toggle('dominant', speaking);
      if (speaking) tile.dataset.dominant = 'true'; else delete tile.dataset.dominant;
      tile.classList.toggle('on-stage', this.active && !!id && id === this.stage);
      if (!tile.dataset.peer) continue;
      this.pinButton(tile, id, mode === 'speaker' && this.active);
      // A tile whose video the bridge does not send: name and initials, not the last frame it showed.
      const shown = !this.active || (!audioOnly && (this.forwarded === null || this.forwarded.has(videoSourceOf(id))));
      tile.classList.toggle('not-forwarded', !shown);
      let initials = tile.querySelector(':scope > .tile-initials');
      if (!shown && !initials) {
        const name = (this.room.known.get(id) || {}).displayName || 'Participant';
        initials = h('span', { class: 'tile-initials', 'aria-hidden': 'true' }, initialsOf(name));
        tile.prepend(initials);
      }
      if (initials) initials.hidden = shown;
    }
    if (!this.active || !this.room.mesh) return;
    const tile = videos.querySelector(':scope > .tile[data-peer]') || videos.querySelector(':scope > .tile');
    const constraints = receiverConstraints({ mode, audioOnly, others, stage: this.stage, tileHeight: tile ? tile.clientHeight : 0 });
    this.lastConstraints = constraints;
    this.room.mesh.setReceiverConstraints(constraints);
  }

  /** In speaker view, each other's tile has a button to keep them on stage (and to let go again). */
  pinButton(tile, id, wanted) {
    let button = tile.querySelector(':scope > .tile-pin');
    if (!wanted) {
      if (button) button.remove();
      return;
    }
    const name = (this.room.known.get(id) || {}).displayName || 'this person';
    if (!button) {
      button = h('button', { type: 'button', class: 'secondary small tile-pin', onclick: () => {
        this.pinned = this.pinned === id ? null : id;
        this.update();
      } });
      tile.append(button);
    }
    const pinned = this.pinned === id;
    button.textContent = pinned ? 'Unpin' : 'Pin';
    button.setAttribute('aria-pressed', String(pinned));
    button.setAttribute('aria-label', `${pinned ? 'Unpin' : 'Pin'} ${name}`);
  }

  /** Test hook: what this page shows and asked the bridge for. */
  state() {
    const channel = this.room.mesh && this.room.mesh.bridge && this.room.mesh.bridge.channel;
    return { active: this.active, weak: this.weak, pinned: this.pinned, layout: this.layout(), dominant: this.dominant, stage: this.stage,
      forwarded: this.forwarded ? [...this.forwarded] : null, constraints: this.lastConstraints,
      channel: channel ? channel.state : 'none', sent: channel ? channel.sent.length : 0 };
  }

  dispose() {
    this.observer.disconnect();
    clearInterval(this.qualityTimer);
    this.weakNote.remove();
    window.removeEventListener('resize', this.onResize);
    if (this.offRoster) this.offRoster();
    this.offError();
    this.offOffer();
    this.errorNote.remove();
    clearTimeout(this.pending);
    this.toggle.remove();
  }
}
