// The room socket: one WebSocket to /ws per page, opened with a single-use ticket from the REST API,
// carrying the room protocol (protocol/src/main/resources/protocol/ws-messages.schema.json).
// Requests get ids and resolve with their reply; pushes go to listeners by type. When the socket
// drops, it comes back by itself (fresh ticket, backoff) and tells the page so it can re-enter.
import { api } from './api.js';
import { ServerClock, localNow } from './exercise.js';

const PING_MS = 3000;
// A resting socket (in no room, watching no lobby: the therapist's alert socket) pings a little
// more often than the server would ping it (welcome.limits.restingHeartbeatMs), so neither side
// sends more than that; a wake-up or a network change checks at once instead (docs/adr/0031).
const RESTING_PING_SHARE = 0.8;
const RESTING_HEARTBEAT_DEFAULT_MS = 25000; // the server's default, if its welcome does not say
const WAKE_CHECK_MS = 5000;
const REQUEST_TIMEOUT_MS = 15000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
// A socket that hears nothing (not even a pong) for three ping intervals is dead, even if the
// browser was not told: a vanished network often closes nothing. It is dropped and the socket
// comes back by itself.
const SILENT_PINGS = 3;

/** A refused request: the protocol's stable code and its human message. */
export class SocketError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class RoomSocket {
  /** @param resting true for a socket that never enters a room or a lobby (pinged rarely). */
  constructor({ resting = false } = {}) {
    this.resting = resting;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.clock = new ServerClock();
    this.attempt = 0;
    this.closedByUs = false;
    this.pingTimer = null;
    this.retryTimer = null;
    this.status = 'connecting';
  }

  /** Listens for pushes of a type ('*' for all; 'status' for connecting/open/reconnecting/closed). */
  on(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  emit(type, message) {
    for (const l of this.listeners.get(type) || []) {
      try { l(message); } catch (e) { console.error('room listener failed', e.message); }
    }
  }

  setStatus(status) {
    this.status = status;
    this.emit('status', status);
  }

  /** Opens the socket; resolves once the server's welcome arrived. */
  async open() {
    this.closedByUs = false;
    const { url } = await api('POST', '/api/realtime/ticket');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}${url}`);
    this.ws = ws;
    return new Promise((resolve, reject) => {
      let welcomed = false;
      ws.onmessage = (event) => {
        this.lastHeard = localNow();
        let message;
        try { message = JSON.parse(event.data); } catch (e) { return; }
        if (message.type === 'welcome') {
          welcomed = true;
          this.attempt = 0;
          this.setStatus('open');
          this.startPings(message.limits);
          resolve(message);
          return;
        }
        this.dispatch(message);
      };
      ws.onclose = (event) => {
        clearInterval(this.pingTimer);
        this.failPending();
        if (!welcomed) reject(new SocketError('unavailable', 'The live connection could not be opened'));
        if (this.closedByUs) {
          this.setStatus('closed');
        } else if (event.code === 4001) {
          this.setStatus('replaced'); // opened in another tab: that one is the live one now
        } else if (event.code === 4401) {
          this.setStatus('signed-out'); // the session ended (signed out, password changed): no reconnecting
        } else {
          this.reconnect();
        }
      };
    });
  }

  dispatch(message) {
    if (message.type === 'pong') {
      this.clock.sample(message.clientTime, message.serverTime, localNow());
    }
    if (message.id && this.pending.has(message.id)) {
      const { resolve, reject, timer } = this.pending.get(message.id);
      clearTimeout(timer);
      this.pending.delete(message.id);
      if (message.type === 'error') reject(new SocketError(message.code, message.message));
      else resolve(message);
      return;
    }
    this.emit(message.type, message);
    this.emit('*', message);
  }

  startPings(limits) {
    clearInterval(this.pingTimer);
    this.lastHeard = localNow();
    const restingHeartbeat = (limits && limits.restingHeartbeatMs) || RESTING_HEARTBEAT_DEFAULT_MS;
    const every = this.resting ? Math.round(restingHeartbeat * RESTING_PING_SHARE) : PING_MS;
    const ping = () => {
      if (localNow() - this.lastHeard > SILENT_PINGS * every) {
        this.abandon();
        return;
      }
      this.request({ type: 'ping', clientTime: localNow() }).catch(() => {});
    };
    if (this.resting) {
      ping();
      this.watchWakeUps();
    } else {
      // A burst first, so the clock estimate is good before the first exercise state arrives.
      for (let i = 0; i < 4; i++) setTimeout(ping, i * 150);
    }
    this.pingTimer = setInterval(ping, every);
  }

  /**
   * A resting socket pings rarely, so after the laptop wakes or the network changes it asks at once
   * and gives the server a few seconds: a socket that died while asleep is replaced then, not a
   * minute later.
   */
  watchWakeUps() {
    if (this.wakeCheck) return;
    this.wakeCheck = () => {
      if (document.visibilityState === 'hidden' || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      const asked = localNow();
      this.request({ type: 'ping', clientTime: asked }).catch(() => {});
      clearTimeout(this.wakeTimer);
      this.wakeTimer = setTimeout(() => { if (this.lastHeard < asked) this.abandon(); }, WAKE_CHECK_MS);
    };
    document.addEventListener('visibilitychange', this.wakeCheck);
    window.addEventListener('online', this.wakeCheck);
  }

  stopWakeUps() {
    if (!this.wakeCheck) return;
    document.removeEventListener('visibilitychange', this.wakeCheck);
    window.removeEventListener('online', this.wakeCheck);
    clearTimeout(this.wakeTimer);
    this.wakeCheck = null;
  }

  /** Gives up on a silent socket without waiting for a close that may never come, and reconnects. */
  abandon() {
    const ws = this.ws;
    clearInterval(this.pingTimer);
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try { ws.close(4000, 'silent'); } catch (e) { /* already gone */ }
    }
    this.failPending();
    console.debug('room socket: silent, reconnecting');
    this.reconnect();
  }

  reconnect() {
    this.setStatus('reconnecting');
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(async () => {
      try {
        await this.open();
        this.emit('reconnected', {});
      } catch (e) {
        if (!this.closedByUs && this.status !== 'open') this.reconnect();
      }
    }, delay);
  }

  failPending() {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new SocketError('unavailable', 'The connection dropped; trying again'));
    }
    this.pending.clear();
  }

  /** Sends a request and resolves with its reply (rejects with a SocketError). */
  request(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new SocketError('unavailable', 'Not connected right now'));
    }
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SocketError('unavailable', 'No answer from Hearth; try again'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...message, id }));
    });
  }

  close() {
    this.closedByUs = true;
    this.stopWakeUps();
    clearInterval(this.pingTimer);
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000, 'bye');
  }
}
