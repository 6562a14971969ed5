// The bridge channel of a circle through Jitsi Videobridge: the colibri WebSocket of this page's
// endpoint (its URL comes with rtc.bridge.offer). Without it the bridge forwards no video at all: it
// sends video only as the receiver's constraints allow, and those travel only here. The messages are
// the bridge's own JSON ("colibriClass"), as lib-jitsi-meet speaks them.

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30000;

/**
 * One WebSocket per page, reopened with backoff (1 s, 2 s, 4 s … 30 s) when it drops, closed for good on
 * leave. The last receiver constraints are kept and sent again on every (re)open: a bridge that lost the
 * socket keeps forwarding by what it last heard, but a new endpoint has heard nothing.
 */
export class BridgeChannel {
  /** onEvent({type: 'dominant-speaker'|'forwarded'|'state', ...}) */
  constructor(onEvent) {
    this.onEvent = onEvent || (() => {});
    this.url = null;
    this.ws = null;
    this.constraints = null;
    this.delay = BACKOFF_FIRST_MS;
    this.retryTimer = null;
    this.closed = false;
    this.state = 'closed';
    this.sent = []; // what went out, newest last (a few kept, for tests and the console)
  }

  log(what) {
    console.debug(`rtc bridge channel: ${what}`);
  }

  /** Uses this URL (a new endpoint's, after a new connection); the same URL leaves an open socket alone. */
  use(url) {
    if (this.closed) return;
    if (!url) {
      this.url = null;
      this.drop();
      return;
    }
    if (url === this.url && this.ws) return;
    this.url = url;
    this.delay = BACKOFF_FIRST_MS;
    this.drop();
    this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.closed || !this.url) return;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.log(`cannot open: ${e.message}`);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.setState('connecting');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.delay = BACKOFF_FIRST_MS;
      this.setState('open');
      this.log('open');
      if (this.constraints) this.write(this.constraints);
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      this.received(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.log(`closed (${event.code})`);
      this.setState('closed');
      this.scheduleReconnect();
    };
    ws.onerror = () => {}; // the close that follows says what matters
  }

  scheduleReconnect() {
    if (this.closed || !this.url || this.retryTimer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, BACKOFF_MAX_MS);
    this.log(`reconnecting in ${wait} ms`);
    this.retryTimer = setTimeout(() => { this.retryTimer = null; this.connect(); }, wait);
  }

  received(message) {
    switch (message.colibriClass) {
      case 'ServerHello':
        this.log(`server hello${message.version ? ` (${message.version})` : ''}`);
        break;
      case 'DominantSpeakerEndpointChangeEvent':
        if (typeof message.dominantSpeakerEndpoint !== 'string') return;
        this.onEvent({ type: 'dominant-speaker', endpoint: message.dominantSpeakerEndpoint,
          previous: Array.isArray(message.previousSpeakers) ? message.previousSpeakers : [], silence: message.silence === true });
        break;
      case 'ForwardedSources':
        if (!Array.isArray(message.forwardedSources)) return;
        this.onEvent({ type: 'forwarded', sources: message.forwardedSources.filter((s) => typeof s === 'string') });
        break;
      default:
        break; // LastNEndpointsChangeEvent, stats, … are not used
    }
  }

  /** Receiver video constraints (colibriClass added here); kept and re-sent on every reopen. */
  setConstraints(constraints) {
    const message = { colibriClass: 'ReceiverVideoConstraints', ...constraints };
    if (this.constraints && JSON.stringify(this.constraints) === JSON.stringify(message)) return;
    this.constraints = message;
    this.write(message);
  }

  write(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
    this.sent.push(message);
    if (this.sent.length > 20) this.sent.shift();
    this.log(`sent ${message.colibriClass} lastN=${message.lastN}`);
  }

  setState(state) {
    this.state = state;
    this.onEvent({ type: 'state', state });
  }

  /** Closes the socket (a new URL replaces it). */
  drop() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      try { ws.close(1000); } catch (e) { /* already closed */ }
      this.setState('closed');
    }
  }

  /** On leave: closed for good, no reconnects. */
  close() {
    this.drop();
    this.closed = true;
  }
}

/** The source name of a participant's camera (or shared screen) on the bridge, as CircleSdp names it. */
export function videoSourceOf(personId) {
  return `${personId}-v0`;
}

export const LAST_N_LARGE = 9;
export const STAGE_HEIGHT = 720;
export const THUMB_HEIGHT = 180;

/**
 * The receiver video constraints for a layout.
 * layout: { mode: 'grid'|'speaker', audioOnly, others: [personId shown, in order], stage: personId|null,
 *           tileHeight: px of a grid tile on screen }
 */
export function receiverConstraints({ mode, audioOnly, others, stage, tileHeight }) {
  if (audioOnly || others.length === 0) {
    return { lastN: 0, onStageSources: [], selectedSources: [], defaultConstraints: { maxHeight: 0 }, constraints: {} };
  }
  const lastN = Math.min(others.length, LAST_N_LARGE);
  const constraints = {};
  if (mode === 'speaker' && stage) {
    for (const id of others) constraints[videoSourceOf(id)] = { maxHeight: id === stage ? STAGE_HEIGHT : THUMB_HEIGHT };
    return { lastN, onStageSources: [videoSourceOf(stage)], selectedSources: [], defaultConstraints: { maxHeight: THUMB_HEIGHT }, constraints };
  }
  // grid: every visible tile at about its size on screen (the bridge picks the nearest layer below)
  const height = tileHeight > 200 ? 360 : THUMB_HEIGHT;
  for (const id of others) constraints[videoSourceOf(id)] = { maxHeight: height };
  return { lastN, onStageSources: [], selectedSources: [], defaultConstraints: { maxHeight: height }, constraints };
}
