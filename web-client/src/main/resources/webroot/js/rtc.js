// Peer-to-peer media for a room: one RTCPeerConnection per other participant (two people: one;
// a circle without a media server: a mesh of up to four), negotiated with the "perfect negotiation"
// pattern over the room socket, so either side may (re)offer at any time without glare.
//
// The module knows nothing of the page: it is given a way to send signals and the local media, and
// it tells the page about remote streams and connection states through callbacks.
import { BridgeChannel } from './bridge-channel.js';

const QUALITY_RTT_FAIR = 0.3; // seconds
const QUALITY_RTT_POOR = 0.8;
const QUALITY_LOSS_FAIR = 0.03;
const QUALITY_LOSS_POOR = 0.1;
const DISCONNECTED_RESTART_MS = 2500;
const NUDGE_MS = 4000;
const OFFER_STUCK_MS = 10000;
// Trickled candidates gathered within this moment go out as one message (at most this many): a call's
// set-up then sends a handful of messages, not one per candidate, and stays within the rate limit.
const CANDIDATE_BATCH_MS = 80;
const CANDIDATE_BATCH_MAX = 20;

/** Adds one inbound-rtp report's bytes (and decoded frames) to a peer's counters. */
function countInbound(counters, report) {
  const kind = report.kind || report.mediaType;
  if (kind === 'audio') counters.audioBytes += report.bytesReceived || 0;
  if (kind === 'video') {
    counters.videoBytes += report.bytesReceived || 0;
    counters.framesDecoded += report.framesDecoded || 0;
  }
}

/** The session id of an SDP (its o= line): one per RTCPeerConnection, kept across renegotiations. */
function sessionOf(sdp) {
  const line = /^o=\S+ (\S+) /m.exec(sdp || '');
  return line ? line[1] : null;
}

/** One remote participant: its connection and the perfect-negotiation flags. */
class Peer {
  constructor(mesh, peerId) {
    this.mesh = mesh;
    this.peerId = peerId;
    // The polite peer yields on an offer collision. Any rule both sides compute alike will do.
    this.polite = mesh.selfId > peerId;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    // Candidates that arrive before the description they belong to (relayed across nodes, or sent
    // for an offer that lost a collision) wait here until a remote description is set.
    this.earlyCandidates = [];
    // Our own candidates waiting for the batch to go out.
    this.outgoingCandidates = [];
    this.candidateTimer = null;
    this.restartTimer = null;
    this.lastStats = null;
    this.stream = new MediaStream();
    this.pc = new RTCPeerConnection({ iceServers: mesh.iceServers, iceTransportPolicy: mesh.iceTransportPolicy });
    this.pc.onnegotiationneeded = () => this.offer();
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        this.log(`gathered ${candidate.type || '?'} ${candidate.protocol || ''} candidate`);
        this.queueCandidate(candidate.toJSON());
      }
    };
    this.pc.onicegatheringstatechange = () => this.log(`gathering ${this.pc.iceGatheringState}`);
    this.pc.ontrack = ({ track }) => {
      if (!this.stream.getTracks().includes(track)) this.stream.addTrack(track);
      track.onunmute = () => mesh.onRemoteStream(peerId, this.stream);
      mesh.onRemoteStream(peerId, this.stream);
    };
    this.pc.onconnectionstatechange = () => this.stateChanged();
    this.pc.oniceconnectionstatechange = () => this.iceStateChanged();
    this.addLocalTracks();
    this.applyAudioOnly();
    // A signal can be lost (sent just before the other side could take it). A connection that has
    // exchanged nothing at all after a while offers (again); anything under way is left alone.
    this.watchdog = setInterval(() => this.nudge(), NUDGE_MS);
  }

  /** Negotiation steps go to the console at debug level: a test that gives up prints them. */
  log(what) {
    console.debug(`rtc ${this.peerId}: ${what} [${this.pc.signalingState}, ${this.pc.getTransceivers().length} transceivers]`);
  }

  /** Holds a gathered candidate for a moment, so that those gathered together travel together. */
  queueCandidate(candidate) {
    this.outgoingCandidates.push(candidate);
    if (this.outgoingCandidates.length >= CANDIDATE_BATCH_MAX) this.sendCandidates();
    else if (!this.candidateTimer) this.candidateTimer = setTimeout(() => this.sendCandidates(), CANDIDATE_BATCH_MS);
  }

  /** Sends the held candidates now, in the order they were gathered (also before any description). */
  sendCandidates() {
    clearTimeout(this.candidateTimer);
    this.candidateTimer = null;
    const batch = this.outgoingCandidates;
    this.outgoingCandidates = [];
    if (batch.length) this.mesh.signal(this.peerId, { candidates: batch });
  }

  /** A description goes out after the candidates gathered before it, never overtaking them. */
  sendDescription() {
    this.sendCandidates();
    this.mesh.signal(this.peerId, { description: { type: this.pc.localDescription.type, sdp: this.pc.localDescription.sdp } });
  }

  nudge() {
    const pc = this.pc;
    if (this.makingOffer && Date.now() - this.offerStartedAt > OFFER_STUCK_MS) {
      this.log('an offer never completed: starting over');
      this.makingOffer = false;
    }
    // Still 'new' while stable: nothing usable was exchanged (a lost signal, or an exchange made before
    // either side had media). Offer again, with whatever media there is now.
    if (pc.signalingState !== 'stable' || pc.connectionState !== 'new' || this.makingOffer) return;
    this.addLocalTracks();
    this.stuckNudges = (this.stuckNudges || 0) + 1;
    const neverGathered = pc.iceGatheringState === 'new';
    if (this.stuckNudges > 2 && (!this.polite || neverGathered) && pc.localDescription && pc.remoteDescription) {
      // ICE restarts did not get this connection to even try a path: the connection itself is
      // wedged. A new one (new session) makes the other side start afresh too.
      this.log('still no connection after ICE restarts: starting a new connection');
      this.mesh.restart(this.peerId, null);
      return;
    }
    if (pc.localDescription && pc.remoteDescription) {
      // Descriptions agree but no path was tried: candidates went missing. A plain renegotiation would
      // not gather them again; an ICE restart does (new credentials, new candidates, both sides).
      this.log('nudged: no connection yet, restarting ICE');
      pc.restartIce();
    } else {
      this.log('nudged: nothing exchanged yet');
      this.offer();
    }
  }

  /**
   * Sends every local track this connection does not send yet. A connection made for an offer that
   * arrived before the camera and microphone were ready gets them here (and renegotiates).
   */
  addLocalTracks() {
    for (const track of this.mesh.localTracks()) {
      const sending = this.pc.getSenders().some((s) => s.track && s.track.kind === track.kind);
      if (!sending) this.pc.addTrack(track, this.mesh.localStream);
    }
  }

  async offer() {
    try {
      this.makingOffer = true;
      this.offerStartedAt = Date.now();
      await this.pc.setLocalDescription();
      this.log(`sends ${this.pc.localDescription.type}`);
      this.sendDescription();
    } catch (e) {
      this.mesh.onError('The video connection could not be started. If the picture does not appear, leave and join again.', e);
    } finally {
      this.makingOffer = false;
    }
  }

  async receive({ description, candidate, candidates }) {
    try {
      if (description && description.type === 'offer' && !this.resetting && this.pc.remoteDescription
          && sessionOf(this.pc.remoteDescription.sdp) !== sessionOf(description.sdp)) {
        // An offer from a different RTCPeerConnection (the other page reloaded, or started over):
        // answering it on this old connection would drag a dead ICE and DTLS session along for
        // seconds. Start afresh with them.
        this.log('the other side started a new connection');
        this.mesh.restart(this.peerId, { description });
        return;
      }
      if (description) {
        const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
        const collision = description.type === 'offer' && !readyForOffer;
        this.ignoreOffer = !this.polite && collision;
        this.log(`receives ${description.type}${collision ? ' (collision)' : ''}${this.ignoreOffer ? ', ignored' : ''}`);
        if (this.ignoreOffer) return;
        this.settingRemoteAnswer = description.type === 'answer';
        await this.pc.setRemoteDescription(description);
        this.settingRemoteAnswer = false;
        if (description.type === 'offer') {
          await this.pc.setLocalDescription();
          this.log('sends answer');
          this.sendDescription();
        }
        await this.flushCandidates();
      } else if (candidate || candidates) {
        // One candidate, or a batch gathered together (in order).
        for (const one of candidates || [candidate]) {
          this.log(`receives ${one.candidate ? one.candidate.split(' ').slice(4, 8).join(' ') : 'end-of'} candidate`);
          if (!this.pc.remoteDescription) {
            // Kept even while an offer is being ignored: candidates for the answer still on its way can
            // overtake it. Those of the ignored offer fail to apply later and are dropped then.
            this.earlyCandidates.push(one);
            continue;
          }
          await this.addCandidate(one);
        }
      }
    } catch (e) {
      this.settingRemoteAnswer = false;
      if (description && description.type === 'offer' && !this.resetting) {
        // The other side started over (a new connection: new ICE credentials and DTLS
        // certificate). Start over too, with their offer, instead of keeping a broken call.
        this.mesh.restart(this.peerId, { description });
        return;
      }
      this.mesh.onError('The video connection could not be set up. If the picture does not appear, leave and join again.', e);
    }
  }

  async flushCandidates() {
    const queued = this.earlyCandidates;
    this.earlyCandidates = [];
    for (const candidate of queued) await this.addCandidate(candidate);
  }

  /** One candidate; a stale one (of an offer that lost a collision) is dropped, not fatal. */
  async addCandidate(candidate) {
    try {
      await this.pc.addIceCandidate(candidate.candidate ? candidate : null);
    } catch (e) {
      this.log(`candidate dropped: ${e.message}`);
    }
  }

  /** A network change or a failed path: ICE restarts by itself, nobody clicks anything. */
  iceStateChanged() {
    const state = this.pc.iceConnectionState;
    this.log(`ice ${state}`);
    clearTimeout(this.restartTimer);
    if (state === 'failed') {
      this.pc.restartIce();
    } else if (state === 'disconnected') {
      this.restartTimer = setTimeout(() => {
        if (this.pc.iceConnectionState === 'disconnected') this.pc.restartIce();
      }, DISCONNECTED_RESTART_MS);
    }
    this.mesh.onState(this.peerId, this.pc.connectionState, state);
  }

  stateChanged() {
    this.mesh.onState(this.peerId, this.pc.connectionState, this.pc.iceConnectionState);
  }

  /** Swaps the track of a kind on its sender: no renegotiation, the call goes on. */
  async replace(kind, track) {
    // The receiver's track always has a kind, even while the sender sends nothing.
    const transceiver = this.pc.getTransceivers()
      .find((t) => t.direction !== 'stopped' && t.receiver.track && t.receiver.track.kind === kind);
    if (transceiver) {
      await transceiver.sender.replaceTrack(track);
    } else if (track) {
      this.pc.addTrack(track, this.mesh.localStream);
    }
  }

  /** Audio-only stops video both ways (renegotiated): for a poor network. */
  applyAudioOnly() {
    for (const t of this.pc.getTransceivers()) {
      const kind = t.receiver.track && t.receiver.track.kind;
      if (kind !== 'video') continue;
      const wanted = this.mesh.audioOnly ? 'inactive' : 'sendrecv';
      if (t.direction !== wanted && t.direction !== 'stopped') t.direction = wanted;
    }
  }

  async stats() {
    const report = await this.pc.getStats();
    const result = { audioBytes: 0, videoBytes: 0, framesDecoded: 0, rtt: null, lossRate: 0 };
    let lost = 0;
    let received = 0;
    let selected = null;
    let remoteRtt = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp') {
        countInbound(result, s);
        lost += s.packetsLost || 0;
        received += s.packetsReceived || 0;
      }
      if (s.type === 'transport' && s.selectedCandidatePairId) selected = s.selectedCandidatePairId;
      if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) remoteRtt = s.roundTripTime;
    });
    // The round trip of the pair in use (the transport's selected one, else the nominated one): the
    // latest measure, else the average so far; failing both, what the other side's RTCP reports.
    report.forEach((s) => {
      if (s.type !== 'candidate-pair' || s.state !== 'succeeded') return;
      if (s.id !== selected && !(s.nominated && result.rtt === null)) return;
      const rtt = s.currentRoundTripTime !== undefined ? s.currentRoundTripTime
        : (s.responsesReceived ? s.totalRoundTripTime / s.responsesReceived : undefined);
      if (rtt !== undefined) result.rtt = rtt;
    });
    if (result.rtt === null && remoteRtt !== null) result.rtt = remoteRtt;
    // Loss since the previous sample, not since the call began.
    const previous = this.lastStats || { lost: 0, received: 0 };
    const dLost = Math.max(0, lost - previous.lost);
    const dReceived = Math.max(0, received - previous.received);
    result.lossRate = dLost + dReceived > 0 ? dLost / (dLost + dReceived) : 0;
    this.lastStats = { lost, received };
    return result;
  }

  close() {
    clearTimeout(this.restartTimer);
    clearTimeout(this.candidateTimer);
    clearInterval(this.watchdog);
    this.pc.close();
  }
}

const BRIDGE_RETRY_MS = 3000;
const BRIDGE_MAX_RETRIES = 5;

/**
 * The one connection of a circle participant to the circle's media server (Jitsi Videobridge). Hearth
 * offers (built from the bridge's transport and the others' sources), the browser answers: the
 * reverse of the mesh. The others' media arrive in MediaStreams named by their person id; the
 * bridge's own stream ("jvb") carries no one's picture and is ignored.
 */
class BridgeLink {
  constructor(mesh) {
    this.mesh = mesh;
    this.pc = null;
    this.queue = Promise.resolve();
    this.streams = new Map(); // personId → MediaStream of their tracks
    this.owners = new Map(); // receiver track id → personId
    this.retries = 0;
    this.retryTimer = null;
    this.closed = false;
    // The colibri WebSocket of this page's endpoint (bridge-channel.js): receiver constraints out,
    // dominant speaker and forwarded sources in.
    this.channel = new BridgeChannel((event) => mesh.onBridgeEvent(event));
    if (mesh.receiverConstraints) this.channel.setConstraints(mesh.receiverConstraints);
  }

  log(what) {
    console.debug(`rtc bridge: ${what}${this.pc ? ` [${this.pc.signalingState}, ${this.pc.connectionState}]` : ''}`);
  }

  /** An offer pushed by the server; applied in order, once the camera and microphone are ready. */
  offer({ sdp, newConnection, channel }) {
    this.queue = this.queue.then(() => this.apply(sdp, newConnection, channel)).catch((e) => {
      this.mesh.onError('The circle\'s video could not be set up. If pictures do not appear, leave and join again.', e);
    });
    return this.queue;
  }

  async apply(sdp, newConnection, channel) {
    await this.mesh.ready;
    if (this.closed) return;
    // null: this bridge has no channel; absent: a server older than the channel (leave it be)
    if (channel !== undefined) this.channel.use(channel && channel.url);
    if (newConnection) {
      this.open();
    } else if (!this.pc) {
      this.log('renegotiation for a connection this page no longer has: ignored');
      return;
    }
    this.log(`receives ${newConnection ? 'a new connection' : 'a renegotiation'}`);
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    if (newConnection) this.addLocalTracks();
    await this.pc.setLocalDescription();
    await this.mesh.signalBridge('answer', { sdp: this.pc.localDescription.sdp });
    this.log('answered');
  }

  open() {
    if (this.pc) this.pc.close();
    const pc = new RTCPeerConnection({ iceServers: this.mesh.iceServers, iceTransportPolicy: this.mesh.iceTransportPolicy,
      bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc = pc;
    pc.onicecandidate = ({ candidate }) => {
      if (this.pc !== pc) return;
      this.mesh.signalBridge('candidate', { candidate: candidate ? candidate.candidate : '' }).catch(() => {});
    };
    pc.ontrack = ({ track, streams }) => {
      const personId = streams[0] && streams[0].id;
      if (!personId || personId === 'jvb') return;
      const previous = this.owners.get(track.id);
      if (previous && previous !== personId && this.streams.has(previous)) this.streams.get(previous).removeTrack(track);
      this.owners.set(track.id, personId);
      let stream = this.streams.get(personId);
      if (!stream) {
        stream = new MediaStream();
        this.streams.set(personId, stream);
      }
      for (const old of stream.getTracks()) {
        if (old.kind === track.kind && old !== track) stream.removeTrack(old); // a rejoin's new source
      }
      if (!stream.getTracks().includes(track)) stream.addTrack(track);
      track.onunmute = () => this.mesh.onRemoteStream(personId, stream);
      this.mesh.onRemoteStream(personId, stream);
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      for (const personId of this.streams.keys()) this.mesh.onState(personId, pc.connectionState, pc.iceConnectionState);
      if (pc.connectionState === 'connected') this.retries = 0;
      if (pc.connectionState === 'failed') this.scheduleRejoin();
    };
  }

  /** Own media on m-lines 0 (audio) and 1 (video), which the bridge offers to receive. */
  addLocalTracks() {
    for (const track of this.mesh.localTracks()) {
      if (track.kind === 'video' && this.mesh.screen) continue;
      this.pc.addTrack(track, this.mesh.localStream);
    }
    if (this.mesh.screen) this.pc.addTrack(this.mesh.screen, this.mesh.localStream);
  }

  /** A failed path to the bridge: ask for a new connection (the bridge cannot restart ICE from its side). */
  scheduleRejoin() {
    clearTimeout(this.retryTimer);
    if (this.closed || this.retries >= BRIDGE_MAX_RETRIES) {
      if (!this.closed) this.mesh.onError('The circle\'s video connection failed. Check your network, then leave and join again.');
      return;
    }
    this.retries += 1;
    this.retryTimer = setTimeout(() => { this.log('connection failed: asking for a new one'); this.mesh.joinBridge(); },
      BRIDGE_RETRY_MS * this.retries);
  }

  /** Whether a new connection should be asked for (none yet, or the last one failed for good). */
  needsJoin() {
    return !this.pc || this.pc.connectionState === 'failed' || this.pc.connectionState === 'closed';
  }

  async replace(kind, track) {
    if (!this.pc) return;
    const transceiver = this.pc.getTransceivers().find((t) => t.mid === (kind === 'audio' ? '0' : '1'));
    if (transceiver) await transceiver.sender.replaceTrack(track);
  }

  /** People whose streams are no longer wanted (they left): their tiles go. */
  forget(personId) {
    this.streams.delete(personId);
  }

  async stats() {
    const result = {};
    if (!this.pc) return result;
    const report = await this.pc.getStats();
    let rtt = null;
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) rtt = s.currentRoundTripTime;
    });
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const personId = this.owners.get(s.trackIdentifier);
      if (!personId) return;
      countInbound(result[personId] || (result[personId] = { audioBytes: 0, videoBytes: 0, framesDecoded: 0, rtt, lossRate: 0 }), s);
    });
    return result;
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.channel.close();
    if (this.pc) this.pc.close();
    this.pc = null;
  }
}

/** Rates a connection from its round-trip time and recent loss. */
export function qualityOf(stats) {
  if (!stats || stats.rtt === null) return 'unknown';
  if (stats.rtt > QUALITY_RTT_POOR || stats.lossRate > QUALITY_LOSS_POOR) return 'poor';
  if (stats.rtt > QUALITY_RTT_FAIR || stats.lossRate > QUALITY_LOSS_FAIR) return 'fair';
  return 'good';
}

/**
 * The media of one person in one room.
 *
 * options: selfId; signal(peerId, {description}|{candidates}); signalBridge(kind: join|answer|candidate,
 * payload) for circles through a media server; onRemoteStream(peerId, stream); onPeerGone(peerId);
 * onState(peerId, connectionState, iceState); onError(message for people, cause?).
 */
export class PeerMesh {
  constructor(options) {
    this.selfId = options.selfId;
    this.signal = options.signal;
    this.signalBridge = options.signalBridge || (() => Promise.reject(new Error('no media server')));
    this.bridge = null; // a BridgeLink when the room's video goes through a media server
    // Offers from a media server wait for the camera and microphone (answered once, with them).
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    this.onRemoteStream = options.onRemoteStream || (() => {});
    this.onPeerGone = options.onPeerGone || (() => {});
    this.onState = options.onState || (() => {});
    this.onError = options.onError || (() => {});
    // Events of the bridge channel: {type: 'dominant-speaker'|'forwarded'|'state'|'audio-only', ...}
    this.onBridgeEvent = options.onBridgeEvent || (() => {});
    this.receiverConstraints = null;
    this.iceServers = [];
    this.iceTransportPolicy = 'all';
    this.peers = new Map();
    this.localStream = new MediaStream();
    this.camera = null; // the camera track kept while a screen is shared
    this.screen = null;
    this.audioOnly = false;
  }

  configure({ iceServers, iceTransportPolicy }) {
    this.iceServers = iceServers || [];
    this.iceTransportPolicy = iceTransportPolicy || 'all';
    for (const peer of this.peers.values()) {
      peer.pc.setConfiguration({ iceServers: this.iceServers, iceTransportPolicy: this.iceTransportPolicy });
    }
  }

  /** Asks for camera and microphone (optionally given devices); keeps going with what it gets. */
  async start({ audioDeviceId, videoDeviceId } = {}) {
    const constraints = {
      audio: audioDeviceId ? { deviceId: { exact: audioDeviceId } } : { echoCancellation: true, noiseSuppression: true },
      video: this.audioOnly ? false : (videoDeviceId ? { deviceId: { exact: videoDeviceId } } : { width: 640, height: 360 }),
    };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (e) {
      // No camera (or it was refused): join with the microphone alone rather than not at all.
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: constraints.audio, video: false });
      } finally {
        this.markReady();
      }
      this.onError('Your camera could not be started; you are joining with audio only.');
    }
    for (const track of stream.getTracks()) this.localStream.addTrack(track);
    this.camera = stream.getVideoTracks()[0] || null;
    console.debug(`rtc: local media ready (${this.localStream.getTracks().map((t) => t.kind).join(', ')}), ${this.peers.size} peers waiting`);
    for (const peer of this.peers.values()) peer.addLocalTracks();
    this.markReady();
    return this.localStream;
  }

  /** Video through the circle's media server: one connection, asked for when there is none (or it failed). */
  useBridge() {
    if (!this.bridge) this.bridge = new BridgeLink(this);
    if (this.bridge.needsJoin() && !this.bridgeJoining) this.joinBridge();
  }

  joinBridge() {
    this.bridgeJoining = true;
    return this.signalBridge('join', {}).catch((e) => {
      this.onError(e.message || 'The circle\'s video could not be started.');
    }).finally(() => { this.bridgeJoining = false; });
  }

  /** An offer from the media server (rtc.bridge.offer). */
  bridgeOffer(message) {
    if (!this.bridge) this.bridge = new BridgeLink(this);
    return this.bridge.offer(message);
  }

  localTracks() {
    return this.localStream.getTracks();
  }

  /** What this page wants the bridge to send (bridge-channel.js receiverConstraints); kept for a later channel. */
  setReceiverConstraints(constraints) {
    this.receiverConstraints = constraints;
    if (this.bridge) this.bridge.channel.setConstraints(constraints);
  }

  /** Connects to these peers (those already connected stay). */
  addPeers(peerIds) {
    for (const id of peerIds) {
      if (id !== this.selfId && !this.peers.has(id)) this.peers.set(id, new Peer(this, id));
    }
  }

  /**
   * Closes the connections to everyone not in this list. Called with the room's admitted people
   * (the roster), never with an older snapshot: closing a peer that just connected would leave the
   * two sides with different calls.
   */
  keepOnly(peerIds) {
    const keep = new Set(peerIds);
    if (this.bridge) {
      for (const id of [...this.bridge.streams.keys()]) {
        if (!keep.has(id)) {
          this.bridge.forget(id);
          this.onPeerGone(id);
        }
      }
    }
    for (const [id, peer] of this.peers) {
      if (!keep.has(id)) {
        peer.close();
        this.peers.delete(id);
        this.onPeerGone(id);
      }
    }
  }

  /** Drops the call with one peer and starts a new one, applying the signal that showed the need. */
  restart(peerId, message) {
    const old = this.peers.get(peerId);
    if (old) old.close();
    const fresh = new Peer(this, peerId);
    this.peers.set(peerId, fresh);
    if (!message) return Promise.resolve(); // our own fresh start: its negotiationneeded offers
    fresh.resetting = true;
    return fresh.receive(message).finally(() => { fresh.resetting = false; });
  }

  /** A signal relayed by the server from another participant. */
  receive(fromId, message) {
    let peer = this.peers.get(fromId);
    if (!peer) {
      // They reached us before our roster listed them: accept, the roster will agree shortly.
      peer = new Peer(this, fromId);
      this.peers.set(fromId, peer);
    }
    return peer.receive(message);
  }

  setMicrophone(on) {
    this.localStream.getAudioTracks().forEach((t) => { t.enabled = on; });
  }

  setCamera(on) {
    const track = this.screen || this.camera;
    if (track) track.enabled = on;
  }

  /** Switches to another microphone or camera without renegotiating the call. */
  async switchDevice(kind, deviceId) {
    const fresh = await navigator.mediaDevices.getUserMedia(kind === 'audio'
      ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } });
    const track = fresh.getTracks()[0];
    const old = kind === 'audio' ? this.localStream.getAudioTracks()[0] : this.camera;
    if (old) {
      track.enabled = old.enabled;
      this.localStream.removeTrack(old);
      old.stop();
    }
    this.localStream.addTrack(track);
    if (kind === 'video') this.camera = track;
    if (kind === 'audio' || !this.screen) {
      await Promise.all([...this.links()].map((p) => p.replace(kind, track)));
    }
    return track;
  }

  /** Shares the screen in place of the camera; the camera comes back when sharing ends. */
  async shareScreen() {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    this.screen = display.getVideoTracks()[0];
    this.screen.onended = () => this.stopScreen();
    await Promise.all([...this.links()].map((p) => p.replace('video', this.screen)));
    return this.screen;
  }

  async stopScreen() {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    await Promise.all([...this.links()].map((p) => p.replace('video', this.camera)));
  }

  /** Audio only: the camera stops and no video is received; renegotiated with every peer. */
  async setAudioOnly(on) {
    this.audioOnly = on;
    if (this.camera) {
      this.camera.enabled = !on;
    }
    for (const peer of this.peers.values()) peer.applyAudioOnly();
    // Through a media server the uplink stops sending video; what comes down follows the receiver
    // constraints the page sends on the bridge channel (lastN 0: no video at all).
    if (this.bridge) await this.bridge.replace('video', on ? null : (this.screen || this.camera));
    this.onBridgeEvent({ type: 'audio-only', on });
  }

  /**
   * The network changed (the browser is back online, or the room socket had to reconnect): every
   * call that is not up restarts ICE now instead of waiting for its own timers.
   */
  networkChanged() {
    for (const peer of this.peers.values()) {
      if (peer.pc.connectionState !== 'connected' && peer.pc.signalingState === 'stable' && peer.pc.remoteDescription) {
        peer.log('network changed: restarting ICE');
        peer.pc.restartIce();
      }
    }
    if (this.bridge && this.bridge.needsJoin() && this.bridge.pc) this.joinBridge();
  }

  /** Every connection that sends our media: the peers', and the media server's. */
  * links() {
    yield* this.peers.values();
    if (this.bridge) yield this.bridge;
  }

  /** Per peer: bytes received so far, frames decoded, round trip and recent loss. */
  async stats() {
    const result = this.bridge ? await this.bridge.stats() : {};
    for (const [id, peer] of this.peers) result[id] = await peer.stats();
    return result;
  }

  close() {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    if (this.bridge) this.bridge.close();
    this.markReady();
    this.localStream.getTracks().forEach((t) => t.stop());
    if (this.screen) this.screen.stop();
  }
}
