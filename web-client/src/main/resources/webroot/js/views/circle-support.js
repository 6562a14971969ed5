// A quiet way to ask for help in a circle (issue 13), beside the room page (room.js):
// - a patient presses "I need support": only the circle's facilitators are told (the server never
//   tells another patient anything); the patient gets a quiet confirmation, and another once a
//   facilitator has seen it;
// - a facilitator's page plays a soft sound and shows a badge until one of them acknowledges;
// - a facilitator takes the patient into a private breakout: both leave the circle's call (not the
//   room) for a 1:1 peer-to-peer call of their own (rtc.js's Peer, signalled with the breakout's id),
//   while the circle goes on; everyone else sees only "with a facilitator" on the patient's tile.
import { announce, h, render } from '../dom.js';
import { PeerMesh } from '../rtc.js';
import { iconButton, videoTile } from '../room-ui.js';

/** A short, soft two-note chime (no audio file to load): heard by the facilitator, not alarming. */
function chime() {
  try {
    const context = new AudioContext();
    const gain = context.createGain();
    gain.connect(context.destination);
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, context.currentTime + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.9);
    [660, 880].forEach((frequency, i) => {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(context.currentTime + i * 0.25);
      tone.stop(context.currentTime + 0.9);
    });
    setTimeout(() => context.close(), 1500);
  } catch (e) { /* no audio output: the badge still shows */ }
}

export class CircleSupport {
  constructor(page) {
    this.page = page;
    this.requests = new Map(); // requestId → { patientId, displayName, acknowledged }
    this.breakout = null; // { breakoutId, peerId, hostId, patientId }
    this.call = null; // the breakout's own PeerMesh (sharing the page's camera and microphone)
    this.chimes = 0; // how many times the sound played (tests read it)
    const { socket, roomId } = page;
    socket.on('circle.support.requested', (m) => m.roomId === roomId && this.requested(m));
    socket.on('circle.support.acknowledged', (m) => m.roomId === roomId && this.acknowledged(m));
    socket.on('circle.breakout.started', (m) => m.roomId === roomId && this.started(m));
    socket.on('circle.breakout.ended', (m) => m.roomId === roomId && this.ended(m));
    socket.on('rtc.signal', (m) => m.roomId === roomId && m.breakoutId && this.signal(m));
  }

  get circle() {
    return this.page.joined && this.page.joined.room.appointmentType === 'circle';
  }

  /** Who the circle's call connects with: nobody during a breakout; otherwise the admitted not in one. */
  circlePeople(participants) {
    if (this.breakout) return [];
    return participants.filter((p) => p.admitted && !p.breakout).map((p) => p.personId);
  }

  /** Adds the support parts to a freshly drawn room (called by room.js after it renders). */
  mount() {
    if (!this.circle) return;
    const page = this.page;
    this.panel = h('section', { class: 'support-panel', 'aria-labelledby': 'support-title' });
    this.stage = h('section', { class: 'card breakout', 'aria-labelledby': 'breakout-title', hidden: true });
    page.videos.before(this.stage);
    const side = page.body.querySelector('.room-side');
    if (page.host) {
      side.prepend(this.panel);
    } else {
      // The patient's quiet request is a control of the call: in the bar, reachable on a phone without
      // scrolling; its answer shows on the stage, where the patient is looking.
      this.status = h('p', { class: 'hint support-status', role: 'status', 'aria-live': 'polite' });
      const hint = h('span', { id: 'support-hint', class: 'visually-hidden' }, 'Only the facilitators see this. Nobody else in the circle is told.');
      const ask = iconButton('support', 'I need support', () => this.ask(), { class: 'support-ask',
        title: 'I need support (only the facilitators are told)', 'aria-describedby': 'support-hint' });
      const group = page.bar.querySelectorAll('.bar-group')[1] || page.bar;
      group.prepend(ask, hint);
      page.stageNotes.append(this.status);
    }
    this.renderPanel();
    this.renderStage();
  }

  async ask() {
    try {
      await this.page.socket.request({ type: 'circle.support.request', roomId: this.page.roomId });
      this.status.textContent = 'Your request was sent quietly to the facilitators.';
    } catch (e) {
      this.status.textContent = e.message;
    }
  }

  // ---------------------------------------------------------------- requests (facilitators)

  requested(m) {
    if (!this.page.host) return;
    const known = this.requests.get(m.requestId);
    this.requests.set(m.requestId, { patientId: m.patientId, displayName: m.displayName, acknowledged: false });
    if (!known || known.acknowledged === false) {
      this.chimes += 1;
      chime();
    }
    announce(`${m.displayName} asked for support`);
    this.renderPanel();
  }

  acknowledged(m) {
    if (!this.page.host) {
      if (this.status) this.status.textContent = 'A facilitator has seen your request.';
      return;
    }
    const request = this.requests.get(m.requestId);
    if (request) request.acknowledged = true;
    this.renderPanel();
  }

  /** A page opened (or reloaded) after a request: the roster carries it, for hosts only. */
  rosterChanged(participants) {
    if (!this.page.host) return;
    let changed = false;
    for (const p of participants) {
      const r = p.supportRequest;
      if (!r) continue;
      const known = this.requests.get(r.requestId);
      if (!known || (r.acknowledged && !known.acknowledged)) {
        this.requests.set(r.requestId, { patientId: p.personId, displayName: p.displayName, acknowledged: r.acknowledged });
        changed = true;
      }
    }
    if (changed) this.renderPanel();
  }

  renderPanel() {
    if (!this.panel || !this.page.host) return;
    const open = [...this.requests.entries()].filter(([, r]) => !r.acknowledged);
    const inRoom = new Set(this.page.roster.filter((p) => p.admitted).map((p) => p.personId));
    const shown = [...this.requests.entries()].filter(([, r]) => !r.acknowledged || inRoom.has(r.patientId));
    const ack = (requestId) => this.page.socket.request({ type: 'circle.support.acknowledge', roomId: this.page.roomId, requestId })
      .catch((e) => this.page.show(e.message));
    render(this.panel,
      h('h2', { id: 'support-title' }, 'Support requests',
        open.length ? h('span', { class: 'badge support-badge', 'aria-label': `${open.length} waiting` }, String(open.length)) : null),
      shown.length === 0 ? h('p', { class: 'muted' }, 'No requests.') : h('ul', { class: 'support-requests' }, shown.map(([requestId, r]) =>
        h('li', { 'data-request': requestId, 'data-person': r.patientId, class: r.acknowledged ? 'seen' : 'open' },
          h('p', {}, h('strong', {}, r.displayName), r.acknowledged ? ' asked for support (seen)' : ' asked for support'),
          h('div', { class: 'actions' },
            r.acknowledged ? null : h('button', { type: 'button', onclick: () => ack(requestId) }, 'Acknowledge',
              h('span', { class: 'visually-hidden' }, ` ${r.displayName}`)),
            this.breakout ? null : h('button', { type: 'button', class: 'secondary', onclick: () => this.startWith(r.patientId) },
              `Talk privately with ${r.displayName}`))))));
  }

  startWith(patientId) {
    return this.page.socket.request({ type: 'circle.breakout.start', roomId: this.page.roomId, patientId })
      .catch((e) => this.page.show(e.message));
  }

  // ---------------------------------------------------------------- the breakout (the two people)

  started(m) {
    if (this.breakout && this.breakout.breakoutId === m.breakoutId) return;
    const page = this.page;
    this.breakout = { breakoutId: m.breakoutId, peerId: m.peerId, hostId: m.hostId, patientId: m.patientId };
    // Out of the circle's call (not the room): every circle connection closes, the breakout's opens.
    if (page.mesh) {
      page.mesh.keepOnly([]);
      if (page.mesh.bridge) { page.mesh.bridge.close(); page.mesh.bridge = null; }
    }
    this.openCall();
    announce(page.host ? 'Private conversation started' : 'You are now in a private conversation with a facilitator');
    this.renderStage();
    this.renderPanel();
  }

  openCall() {
    const page = this.page;
    const { breakoutId, peerId } = this.breakout;
    const main = page.mesh;
    const call = new PeerMesh({
      selfId: page.person.id,
      signal: (to, payload) => page.socket.request({ type: 'rtc.signal', roomId: page.roomId, to, breakoutId, ...payload })
        .catch((e) => { if (e.code !== 'peer-not-in-room') console.warn('breakout signal not delivered', e.code); }),
      onRemoteStream: (id, stream) => this.showPeer(stream),
      onState: (id, state) => { if (this.stateBox) this.stateBox.textContent = state === 'connected' ? '' : state; },
      onError: (text) => { if (this.stateBox) this.stateBox.textContent = text; },
    });
    if (main) {
      // The same camera and microphone as the circle's call: never a second capture.
      call.configure({ iceServers: main.iceServers, iceTransportPolicy: main.iceTransportPolicy });
      call.localStream = main.localStream;
      call.camera = main.camera;
      call.audioOnly = main.audioOnly;
    }
    call.markReady();
    this.call = call;
    call.addPeers([peerId]);
    // The room's ICE servers (TURN when configured) for this call too, also right after a reload.
    page.socket.request({ type: 'rtc.config', roomId: page.roomId })
      .then((config) => { if (this.call === call) call.configure(config); }).catch(() => {});
    // Back in a breakout right after a reload: the camera may still be starting; its tracks join the call when ready.
    if (main) {
      main.ready.then(() => {
        if (this.call !== call) return;
        call.camera = main.camera;
        for (const peer of call.peers.values()) peer.addLocalTracks();
      });
    }
  }

  signal(m) {
    if (!this.call || !this.breakout || m.breakoutId !== this.breakout.breakoutId) return;
    this.call.receive(m.from, m);
  }

  showPeer(stream) {
    if (!this.peerVideo) return;
    if (this.peerVideo.srcObject !== stream) this.peerVideo.srcObject = stream;
  }

  /** Closes the breakout's connections only: the camera and microphone belong to the room's call. */
  closeCall() {
    if (!this.call) return;
    for (const peer of this.call.peers.values()) peer.close();
    this.call.peers.clear();
    this.call = null;
  }

  ended(m) {
    if (!this.breakout || this.breakout.breakoutId !== m.breakoutId) return;
    this.closeCall();
    this.breakout = null;
    announce('Back in the circle');
    this.renderStage();
    this.renderPanel();
    this.page.refreshMedia(); // back into the circle's call
  }

  renderStage() {
    if (!this.stage) return;
    if (!this.breakout) {
      this.stage.hidden = true;
      render(this.stage);
      this.peerVideo = null;
      return;
    }
    const page = this.page;
    const other = (page.known.get(this.breakout.peerId) || {}).displayName || (page.host ? 'the participant' : 'a facilitator');
    this.peerVideo = h('video', { autoplay: true, playsinline: true, 'aria-label': other });
    // The same tile as the room's (room-ui.js): initials and badges where the room shows them.
    const tile = videoTile({ name: other, video: this.peerVideo });
    tile.classList.add('breakout-peer');
    this.stateBox = tile.querySelector('.tile-state');
    const end = page.host ? h('button', { type: 'button', onclick: () => page.socket.request({ type: 'circle.breakout.end',
      roomId: page.roomId, breakoutId: this.breakout.breakoutId }).catch((e) => page.show(e.message)) }, 'Back to the circle') : null;
    render(this.stage,
      h('h2', { id: 'breakout-title' }, page.host ? `Private conversation with ${other}` : 'A private conversation with a facilitator'),
      h('p', { class: 'hint' }, page.host ? 'The circle goes on without you both; nobody else hears this.'
        : 'Only the two of you are in this call. The circle goes on, and you will return to it.'),
      tile,
      end);
    this.stage.hidden = false; // the circle's tiles are gone (its call closed); one's own picture stays below
    if (this.call) {
      const peer = this.call.peers.get(this.breakout.peerId);
      if (peer && peer.stream.getTracks().length) this.showPeer(peer.stream);
    }
  }

  /** Test hook: what the breakout's call receives (bytes, frames decoded), per peer. */
  async stats() {
    return this.call ? this.call.stats() : {};
  }

  dispose() {
    this.closeCall();
  }
}
