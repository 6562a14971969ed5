// The live room: a patient's pre-join checks and safety gate, the waiting screen, and the session
// itself (roster, host controls, chat, video, the guided exercise). Everything live goes over one
// RoomSocket; the page re-enters the room by itself after a dropped connection.
import { api, fetchBytes } from '../api.js';
import { announce, h, render } from '../dom.js';
import { CircleSupport } from './circle-support.js';
import { ExercisePlayer, pointAt } from '../exercise.js';
import { pacerPhase } from '../solo-exercise.js';
import { PeerMesh, qualityOf } from '../rtc.js';
import { RoomSocket } from '../socket.js';
import { clinicalPanel } from './clinical-panel.js';
import { BridgeView } from './room-bridge.js';
import { SpeakingMeter, canShareScreen, iconButton, movableSelfView, relabel, setTileMedia, videoTile } from '../room-ui.js';

const PRESENCE_WORDS = { online: 'Checking in', waiting: 'Waiting', 'in-room': 'In the room', reconnecting: 'Reconnecting…', left: 'Left' };
const PATIENT_TITLES = { preparation: 'Session with your care team', integration: 'Session with your care team', circle: 'Group session' };
const THERAPIST_TITLES = { preparation: 'Preparation session', integration: 'Integration session', circle: 'Integration circle' };

function storageKey(roomId) {
  return `hearth.room.${roomId}`;
}

/**
 * Goes into an appointment's room: a fresh join ticket, and the appointment remembered for this tab
 * so the room page can get new tickets itself (after a drop, on reload) once this one is spent.
 */
export async function openRoomOf(appointmentId) {
  const ticket = await api('POST', `/api/appointments/${appointmentId}/join-ticket`);
  sessionStorage.setItem(storageKey(ticket.roomId), appointmentId);
  location.hash = ticket.url.substring(ticket.url.indexOf('#'));
}

/**
 * A video element for this person's own camera and microphone. Muted as a property (and by default):
 * the `muted` attribute set after creation only sets the default, and the element would play the
 * microphone back through the speakers (hearing yourself, or feedback).
 */
function ownMedia(attrs) {
  const el = h('video', attrs);
  el.defaultMuted = true;
  el.muted = true;
  el.volume = 0;
  return el;
}

function badge(presence) {
  return h('span', { class: `badge presence-${presence}` }, PRESENCE_WORDS[presence] || presence);
}

function contactLine(c) {
  return c ? `${c.name}, ${c.phone}${c.relationship ? ` (${c.relationship})` : ''}` : 'not given';
}

/** The safety details a host sees for a patient. */
function safetyBlock(safety) {
  if (!safety) return h('p', { class: 'muted' }, 'Safety check not done yet.');
  const geo = safety.geolocation;
  return h('dl', { class: 'safety' },
    h('dt', {}, 'Location'), h('dd', {}, safety.address,
      geo ? h('span', { class: 'muted' }, ` (browser location ${geo.latitude.toFixed(4)}, ${geo.longitude.toFixed(4)}, ±${Math.round(geo.accuracyMeters)} m)`) : null),
    h('dt', {}, 'Emergency contact'), h('dd', {}, contactLine(safety.emergencyContact), ' ',
      h('a', { href: `tel:${safety.emergencyContact.phone.replace(/[^0-9+]/g, '')}` }, 'Call')),
    h('dt', {}, 'Private place, not driving'), h('dd', {}, 'Confirmed'));
}

/**
 * Marks one field of the safety gate as missing, with its own message beside it (aria-invalid,
 * aria-describedby), or clears the mark when text is null.
 */
function markField(form, id, text) {
  const input = form.querySelector(`#${id}`);
  const errorId = `${id}-error`;
  const old = form.querySelector(`#${errorId}`);
  if (old) old.remove();
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== errorId);
  if (text) {
    input.setAttribute('aria-invalid', 'true');
    ids.push(errorId);
    (input.type === 'checkbox' ? input.closest('label') : input).after(h('p', { class: 'field-error', id: errorId }, text));
  } else {
    input.removeAttribute('aria-invalid');
  }
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

export async function roomView(main, person) {
  const match = location.hash.match(/^#\/room\/([A-Za-z0-9_-]+)(?:\/([A-Za-z0-9_-]+))?$/);
  const roomId = match[1];
  let ticket = match[2] || null;
  if (ticket) history.replaceState(null, '', `#/room/${roomId}`); // a spent ticket must not be reloaded
  const page = new RoomPage(main, person, roomId);
  // Back online after a network change: calls that dropped restart ICE at once.
  const online = () => { if (page.mesh) page.mesh.networkChanged(); };
  const leaveOnNavigation = () => {
    if (!location.hash.startsWith(`#/room/${roomId}`)) {
      page.dispose();
      window.removeEventListener('hashchange', leaveOnNavigation);
      window.removeEventListener('online', online);
    }
  };
  window.addEventListener('hashchange', leaveOnNavigation);
  window.addEventListener('online', online);
  await page.enter(ticket);
}

class RoomPage {
  constructor(main, person, roomId) {
    this.main = main;
    this.person = person;
    this.roomId = roomId;
    this.appointmentId = sessionStorage.getItem(storageKey(roomId));
    this.socket = new RoomSocket();
    this.joined = null;
    this.roster = [];
    this.known = new Map(); // personId → last roster entry, to show who left
    this.lost = new Map(); // personId → last roster entry of a patient whose connection dropped for good
    this.phase = 'connecting';
    this.mesh = null;
    this.player = null;
    this.preview = null;
    this.timers = [];
    this.banner = h('div', { class: 'banner', role: 'status', hidden: true });
    this.message = h('div', { 'aria-live': 'assertive' });
    this.body = h('div', { class: 'room-body' });
    render(main, this.banner, this.message, this.body);
    render(this.body, h('p', { class: 'loading', role: 'status' }, 'Connecting to your session…'));
    this.socket.on('status', (s) => this.connectionChanged(s));
    this.socket.on('reconnected', () => this.rejoin());
    this.socket.on('room.roster', (m) => m.roomId === roomId && this.rosterChanged(m.participants));
    this.socket.on('room.admitted', (m) => m.roomId === roomId && this.admitted());
    this.socket.on('room.left', (m) => m.roomId === roomId && this.left(m));
    this.socket.on('chat.message', (m) => m.roomId === roomId && this.chatLine(m));
    // A refusal that answers no request (a rate limit, say); 'replaced' is handled as a status.
    this.socket.on('error', (m) => { if (m.code !== 'replaced') this.notice(m.message); });
    this.socket.on('rtc.signal', (m) => m.roomId === roomId && !m.breakoutId && this.mesh && this.mesh.receive(m.from, m));
    this.socket.on('rtc.bridge.offer', (m) => m.roomId === roomId && this.mesh && this.mesh.bridgeOffer(m));
    this.socket.on('exercise.state', (m) => m.roomId === roomId && this.exerciseState(m.state));
    // A live connection of the therapist was shown this patient waiting (issue 14): only now does
    // the waiting room say they know.
    this.seenBy = null;
    this.socket.on('room.waiting.seen', (m) => {
      if (m.roomId !== roomId) return;
      const first = !this.seenBy;
      this.seenBy = m.by;
      if (this.phase === 'waiting') this.renderWaitingStatus(first);
    });
    // Circles: the quiet support request and private breakouts (circle-support.js; it takes breakout signals).
    this.support = new CircleSupport(this);
    window.hearthRoom = this; // tests read media and exercise positions from here
  }

  get host() {
    return this.joined && this.joined.you.host;
  }

  /** A fresh join ticket for the appointment (each entry spends one). */
  async freshTicket() {
    if (!this.appointmentId) return null;
    const issued = await api('POST', `/api/appointments/${this.appointmentId}/join-ticket`);
    return issued.ticket;
  }

  async enter(ticket) {
    try {
      await this.socket.open();
      const joinTicket = ticket || await this.freshTicket();
      if (!joinTicket) {
        this.fatal('This session link has been used. Open the session again from your appointments.');
        return;
      }
      try {
        await this.join(joinTicket);
      } catch (e) {
        // A link's ticket already spent (opened twice, say): a fresh one from the appointment will do.
        if (e.code !== 'ticket-invalid' || !ticket || !this.appointmentId) throw e;
        await this.join(await this.freshTicket());
      }
    } catch (e) {
      if (this.endedMeanwhile(e)) return;
      this.fatal(e.message || 'The session could not be opened.');
    }
  }

  /**
   * Someone coming back (after a drop, a reload, an old link) to a session its host has ended: said
   * calmly, without the end page (that is for those who were there when it ended).
   */
  endedMeanwhile(e) {
    if (e.code !== 'room-ended' && e.slug !== 'session-ended') return false;
    this.closing('This session has ended. Thank you for joining.');
    return true;
  }

  async join(joinTicket) {
    const joined = await this.socket.request({ type: 'room.join', joinTicket });
    performance.mark('hearth-joined');
    this.joined = joined;
    this.appointmentId = joined.room.appointmentId;
    sessionStorage.setItem(storageKey(this.roomId), this.appointmentId);
    const titles = this.person.role === 'patient' ? PATIENT_TITLES : THERAPIST_TITLES;
    document.title = `${titles[joined.room.appointmentType] || 'Session'} · Hearth`;
    this.showPhase(joined.you.admitted ? 'room' : (joined.you.presence === 'waiting' ? 'waiting' : 'prejoin'));
  }

  /** After a dropped connection: back to the same seat (within the grace) with a new ticket. */
  async rejoin(attempt = 0) {
    try {
      const joinTicket = await this.freshTicket();
      if (!joinTicket) {
        this.fatal('Your connection dropped. Open the session again from your appointments.');
        return;
      }
      const joined = await this.socket.request({ type: 'room.join', joinTicket });
      this.joined = joined;
      announce(joined.resumed ? 'Reconnected to your session' : 'Reconnected');
      const phase = joined.you.admitted ? 'room' : (joined.you.presence === 'waiting' ? 'waiting' : 'prejoin');
      if (phase !== this.phase) this.showPhase(phase);
      else if (this.phase === 'room') {
        this.refreshMedia();
        if (this.mesh) this.mesh.networkChanged();
      }
    } catch (e) {
      // A hiccup while coming back (the network still flaky, a node restarting) is tried again; a
      // refusal (the room closed, the session ended) is final.
      if (this.endedMeanwhile(e)) return;
      const transient = e.code === 'unavailable' || e.status === 0 || e.status >= 500;
      if (transient && attempt < 5) {
        // A socket that dropped again re-enters by itself once it is back; an open one is retried here.
        if (this.socket.status === 'open') setTimeout(() => this.rejoin(attempt + 1), 1000 * (attempt + 1));
        return;
      }
      this.fatal(e.message);
    }
  }

  connectionChanged(status) {
    console.debug(`room socket: ${status}`);
    if (status === 'reconnecting') {
      this.banner.hidden = false;
      render(this.banner, h('strong', {}, 'Reconnecting…'), ' Your connection dropped; Hearth is getting you back into the session.');
    } else if (status === 'replaced') {
      this.fatal('You opened this session in another tab or device; it continues there.');
    } else if (status === 'signed-out') {
      this.fatal('Your sign-in ended (you signed out elsewhere, or your password was changed). Please sign in again.');
    } else {
      this.banner.hidden = true;
    }
  }

  fatal(text) {
    this.banner.hidden = true;
    this.dispose();
    render(this.body, h('div', { class: 'alert error', role: 'alert' }, h('p', {}, text)),
      h('p', {}, h('a', { href: this.person.role === 'patient' ? '#/patient' : '#/therapist' }, 'Back to your appointments')));
  }

  left(m) {
    // Ended by the host: not an error. Each person goes on to what follows the session: the patient
    // to a calm end page with next steps, a therapist to the session's note. (Someone who left or
    // dropped out is not sent there: only the host's "End for everyone" says `ended`.)
    if (this.gone) return; // told twice (the reply to host.end and room.left): moved on once
    const appointmentId = m.appointmentId || this.appointmentId;
    if (m.reason === 'ended' && appointmentId) {
      this.gone = true;
      this.banner.hidden = true;
      this.dispose();
      if (this.person.role === 'patient') location.hash = `#/after/${encodeURIComponent(appointmentId)}`;
      else if (this.person.role === 'therapist') location.hash = `#/notes/${encodeURIComponent(appointmentId)}`;
      else this.closing('The session has ended.');
      return;
    }
    const words = {
      denied: 'Your therapist could not admit you to this session.',
      removed: 'You were taken out of the session by your therapist.',
      ended: 'The session has ended. Thank you for joining.',
      closed: 'This session’s time is over.',
      left: 'You left the session.',
    };
    const text = words[m.reason] || 'You are no longer in the session.';
    // The therapist's own reason (denied, removed) follows; anything saying the same again does not.
    const plain = (t) => t.toLowerCase().replace(/[’‘]/g, "'").replace(/[.!\s]+$/, '');
    const extra = m.message && !plain(text).includes(plain(m.message)) ? ` ${m.message}` : '';
    if (m.reason === 'left' || m.reason === 'closed') this.closing(text + extra);
    else this.fatal(text + extra);
  }

  /** The end of a visit that went as it should (left, time over): said calmly, not as an error. */
  closing(text) {
    this.banner.hidden = true;
    this.dispose();
    render(this.body, h('section', { class: 'card' }, h('h1', {}, 'Session closed'), h('p', { class: 'lead', role: 'status' }, text),
      h('p', {}, h('a', { href: this.person.role === 'patient' ? '#/patient' : '#/therapist' }, 'Back to your appointments'))));
  }

  showPhase(phase) {
    console.debug(`room: ${this.phase} -> ${phase}`);
    this.phase = phase;
    if (phase !== 'room') document.body.classList.remove('in-call'); // the site's navigation is back outside a call
    if (phase === 'prejoin') this.renderPrejoin();
    else if (phase === 'waiting') this.renderWaiting();
    else this.renderRoom();
  }

  admitted() {
    // Told twice (a retried admit, a reconnect racing it): the room, its call and its chat stay.
    if (this.phase === 'room') return;
    announce('You have been let in');
    this.showPhase('room');
  }

  // ---------------------------------------------------------------- pre-join and safety gate

  async renderPrejoin() {
    const video = ownMedia({ class: 'preview', autoplay: true, playsinline: true, 'aria-label': 'Your camera' });
    const meter = h('div', { class: 'meter', role: 'meter', 'aria-label': 'Microphone level', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' },
      h('span', { class: 'meter-fill' }));
    const deviceStatus = h('p', { role: 'status' }, 'Starting your camera and microphone…');
    const contact = this.joined.emergencyContactOnFile || {};
    const gateError = h('div');
    const geoStatus = h('p', { class: 'hint', role: 'status' });
    let geolocation = null;
    const form = h('form', { class: 'card gate', novalidate: true },
      h('h2', {}, 'Before we begin'),
      h('p', {}, 'For your safety, your care team needs to know where you are for this session and whom to call if you need help.'),
      h('label', { for: 'gate-address' }, 'Where are you right now? (address)'),
      h('textarea', { id: 'gate-address', name: 'address', required: true, rows: 2, maxlength: 300, autocomplete: 'street-address' }),
      h('button', { type: 'button', class: 'secondary small', onclick: () => {
        if (!navigator.geolocation) { geoStatus.textContent = 'Your browser cannot share a location; the address is enough.'; return; }
        geoStatus.textContent = 'Asking your browser for your location…';
        navigator.geolocation.getCurrentPosition((pos) => {
          geolocation = { latitude: pos.coords.latitude, longitude: pos.coords.longitude, accuracyMeters: pos.coords.accuracy };
          geoStatus.textContent = `Location shared (accurate to about ${Math.round(pos.coords.accuracy)} m).`;
        }, () => { geoStatus.textContent = 'Location not shared; the address is enough.'; }, { timeout: 10000 });
      } }, 'Also share my location from this device'),
      geoStatus,
      h('fieldset', {}, h('legend', {}, 'Emergency contact for this session'),
        h('label', { for: 'gate-contact-name' }, 'Name'),
        h('input', { id: 'gate-contact-name', name: 'emergencyContact.name', required: true, maxlength: 200, value: contact.name || '' }),
        h('label', { for: 'gate-contact-phone' }, 'Phone'),
        h('input', { id: 'gate-contact-phone', name: 'emergencyContact.phone', type: 'tel', required: true, maxlength: 40, value: contact.phone || '' }),
        h('label', { for: 'gate-contact-relationship' }, 'Relationship (optional)'),
        h('input', { id: 'gate-contact-relationship', name: 'emergencyContact.relationship', maxlength: 80, value: contact.relationship || '' })),
      h('div', { class: 'gate-private-field' }, h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'gate-private', name: 'privateAndNotDriving', required: true }),
        ' I am in a private place and I am not driving')),
      gateError,
      h('button', { type: 'submit' }, 'I’m ready: join the waiting room'));
    // A marked field loses its mark as soon as it is filled in (the others keep theirs until the next submit).
    const filled = { 'gate-address': (el) => el.value.trim().length >= 3, 'gate-contact-name': (el) => !!el.value.trim(),
      'gate-contact-phone': (el) => el.value.trim().length >= 3, 'gate-private': (el) => el.checked };
    const recheck = (e) => {
      const ok = filled[e.target.id];
      if (ok && e.target.getAttribute('aria-invalid') === 'true' && ok(e.target)) markField(form, e.target.id, null);
    };
    form.addEventListener('input', recheck);
    form.addEventListener('change', recheck);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const address = form.querySelector('#gate-address').value.trim();
      const name = form.querySelector('#gate-contact-name').value.trim();
      const phone = form.querySelector('#gate-contact-phone').value.trim();
      const relationship = form.querySelector('#gate-contact-relationship').value.trim();
      render(gateError);
      // Each missing field says what it needs, next to it; focus goes to the first one.
      const problems = [
        ['gate-address', 'Tell us where you are right now: an address, or enough to find you.'],
        ['gate-contact-name', 'Give the name of someone we can call if you need help.'],
        ['gate-contact-phone', 'Give your emergency contact’s phone number.'],
        ['gate-private', 'Please confirm you are in a private place and not driving.'],
      ].map(([id, text]) => [id, !filled[id](form.querySelector(`#${id}`)), text]);
      for (const [id, wrong, text] of problems) markField(form, id, wrong ? text : null);
      const first = problems.find(([, wrong]) => wrong);
      if (first) {
        form.querySelector(`#${first[0]}`).focus();
        return;
      }
      const emergencyContact = { name, phone };
      if (relationship) emergencyContact.relationship = relationship;
      const message = { type: 'gate.submit', roomId: this.roomId, address, emergencyContact, privateAndNotDriving: true };
      if (geolocation) message.geolocation = geolocation;
      try {
        await this.socket.request(message);
        this.showPhase('waiting');
        // After the gate, focus goes to where the person now is: the waiting room's heading.
        const heading = this.body.querySelector('#waiting-title');
        if (heading) heading.focus();
      } catch (e) {
        render(gateError, h('p', { class: 'field-error', role: 'alert' }, e.message));
      }
    });
    render(this.body,
      h('h1', {}, 'Getting ready'),
      h('div', { class: 'prejoin' },
        h('section', { class: 'card', 'aria-labelledby': 'devices-title' },
          h('h2', { id: 'devices-title' }, 'Your camera and microphone'),
          video, h('p', { class: 'hint' }, 'Speak and watch the bar move.'), meter, deviceStatus),
        form));
    try {
      this.preview = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      video.srcObject = this.preview;
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      analyser.fftSize = 512;
      context.createMediaStreamSource(this.preview).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      let peak = 0;
      const fill = meter.querySelector('.meter-fill');
      const tick = setInterval(() => {
        analyser.getByteTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += ((s - 128) / 128) ** 2;
        const level = Math.min(100, Math.round(Math.sqrt(sum / samples.length) * 300));
        peak = Math.max(peak, level);
        fill.style.width = `${level}%`;
        meter.setAttribute('aria-valuenow', String(level));
      }, 100);
      this.timers.push(() => { clearInterval(tick); context.close(); });
      const camera = this.preview.getVideoTracks().length > 0;
      const microphone = this.preview.getAudioTracks().length > 0;
      deviceStatus.textContent = `${camera ? 'Camera works' : 'No camera found'} · ${microphone ? 'microphone works' : 'no microphone found'}`;
      await this.socket.request({ type: 'device.check', roomId: this.roomId, camera, microphone });
    } catch (e) {
      deviceStatus.textContent = 'Your camera or microphone could not be started. Allow them in your browser, or join with what works.';
      this.socket.request({ type: 'device.check', roomId: this.roomId, camera: false, microphone: false }).catch(() => {});
    }
  }

  /** The appointment's therapist the waiting room names: the one who saw the patient, or the first. */
  hostName() {
    const hosts = (this.joined && this.joined.room.hosts) || [];
    const named = hosts.find((x) => x.personId === this.seenBy) || hosts[0];
    return named ? named.displayName : 'your therapist';
  }

  /** "Thursday, December 3, 2:00 – 2:50 PM", in the viewer's own time zone. */
  sessionTime() {
    const { start, end } = this.joined.room;
    const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' }).format(new Date(start));
    const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
    return `${day}, ${time.format(new Date(start))} – ${time.format(new Date(end))}`;
  }

  renderWaiting() {
    // The camera stays on (the person sees themselves, as they will in the call); the meter stops.
    this.stopTimers();
    const self = ownMedia({ class: 'waiting-self', autoplay: true, playsinline: true, 'aria-label': 'Your camera' });
    this.waitingStatus = h('p', { class: 'waiting-status', role: 'status' });
    const cameraNote = h('p', { class: 'hint' });
    render(this.body,
      h('section', { class: 'card waiting', 'aria-labelledby': 'waiting-title' },
        h('h1', { id: 'waiting-title', tabindex: '-1' }, 'You’re in the waiting room'),
        h('p', { class: 'waiting-with' }, h('span', {}, `Your session with ${this.hostName()}`), h('br'),
          h('time', { datetime: this.joined.room.start }, this.sessionTime())),
        h('div', { class: 'waiting-grid' },
          h('figure', { class: 'tile self waiting-tile' }, self, h('figcaption', {}, 'You')),
          h('div', { class: 'waiting-text' },
            this.waitingStatus,
            h('p', {}, 'You can keep this page open; there is nothing else to do.'),
            h('div', { id: 'waiting-hosts' }),
            cameraNote,
            h('p', { class: 'hint' }, 'If you feel unsafe at any point, call your local emergency number.'),
            h('button', { type: 'button', class: 'secondary', onclick: () => this.leaveRoom() }, 'Leave')))));
    this.renderWaitingStatus(false);
    this.renderWaitingHosts();
    const show = (stream) => { self.srcObject = stream; };
    if (this.preview) show(this.preview);
    else {
      navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then((stream) => {
        if (this.phase !== 'waiting') { stream.getTracks().forEach((t) => t.stop()); return; }
        this.preview = stream;
        show(stream);
      }).catch(() => { cameraNote.textContent = 'Your camera is not on; your therapist will see your name instead.'; });
    }
  }

  /** Says whether the therapist knows, and only once they do (room.waiting.seen). */
  renderWaitingStatus() {
    if (!this.waitingStatus) return;
    const name = this.hostName();
    this.waitingStatus.textContent = this.seenBy
      ? `${name} knows you are here and will let you in shortly.`
      : `We’ll let ${name} know you’re here.`;
    this.waitingStatus.classList.toggle('seen', !!this.seenBy);
  }

  async leaveRoom() {
    try { await this.socket.request({ type: 'room.leave', roomId: this.roomId }); } catch (e) { /* leaving anyway */ }
    this.left({ reason: 'left' });
  }

  renderWaitingHosts() {
    const box = this.body.querySelector('#waiting-hosts');
    if (!box) return;
    const hosts = this.roster.filter((p) => p.host);
    render(box, hosts.length ? h('p', { class: 'muted' }, hosts.map((p) => `${p.displayName}: ${PRESENCE_WORDS[p.presence] || p.presence}`).join(' · '))
      : h('p', { class: 'muted' }, `${this.hostName()} has not opened the session yet.`));
  }

  stopTimers() {
    this.timers.forEach((stop) => stop());
    this.timers = [];
  }

  stopPreview() {
    if (this.preview) {
      this.preview.getTracks().forEach((t) => t.stop());
      this.preview = null;
    }
    this.stopTimers();
  }

  // ---------------------------------------------------------------- the session

  /** Wide screens show the panels beside the stage; narrow ones (phones) open one at a time over it. */
  wide() {
    return !window.matchMedia('(max-width: 52rem)').matches;
  }

  renderRoom() {
    this.stopPreview();
    const circle = this.support.circle;
    // The remote person is the room: the site's navigation steps aside while in a call.
    document.body.classList.add('in-call');
    if (this.meter) this.meter.dispose();
    this.meter = new SpeakingMeter();
    this.selfTile = null;
    this.peerQuality = {};
    this.videos = h('div', { class: 'videos', role: 'group', 'aria-label': 'Video' });
    this.stageEmpty = h('p', { class: 'stage-empty' }, circle ? 'Waiting for the others to connect…' : 'Waiting for the other person to connect…');
    this.mediaNote = h('p', { class: 'media-note', role: 'status' });
    this.errorBox = h('div');
    this.stageNotes = h('div', { class: 'stage-notes' }, this.errorBox, this.mediaNote);
    this.stageBox = h('div', { class: 'room-stage' }, this.videos, this.stageEmpty, this.stageNotes);
    this.rosterBox = h('ul', { class: 'roster', 'aria-label': 'People in this session' });
    this.waitingBox = h('div', { class: 'waiting-list' });
    this.alertBox = h('div', { class: 'safety-alerts' });
    this.chatLog = h('ol', { class: 'chat-log', 'aria-live': 'polite' });
    const chatInput = h('input', { id: 'chat-text', maxlength: 2000, autocomplete: 'off' });
    const chatForm = h('form', { class: 'chat-form' }, h('label', { for: 'chat-text', class: 'visually-hidden' }, 'Message'), chatInput,
      h('button', { type: 'submit' }, 'Send'));
    chatForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = chatInput.value.trim();
      if (!text) return;
      try {
        await this.socket.request({ type: 'chat.send', roomId: this.roomId, text });
        chatInput.value = '';
      } catch (e) {
        this.chatLog.append(h('li', { class: 'muted' }, e.message));
      }
    });
    this.chatPanel = h('section', { class: 'card room-panel chat-panel', id: 'chat-panel', 'aria-labelledby': 'chat-title' },
      h('h2', { id: 'chat-title' }, 'Chat'),
      h('p', { class: 'hint' }, 'Chat is not saved: it disappears when the session ends.'), this.chatLog, chatForm);
    this.exerciseBox = h('section', { class: 'card exercise room-panel', id: 'exercise-panel', 'aria-labelledby': 'exercise-title' });
    const media = this.mediaControls();
    this.settingsPanel = h('section', { class: 'card room-panel settings-panel', id: 'settings-panel', 'aria-labelledby': 'settings-title' },
      h('h2', { id: 'settings-title' }, 'Settings'), media.settings);
    this.panels = [];
    const chatToggle = this.panelToggle('chat', 'Chat', this.chatPanel, 'chat-toggle');
    const exerciseToggle = this.panelToggle('exercise', 'Exercise', this.exerciseBox, 'exercise-toggle');
    const settingsToggle = this.panelToggle('settings', 'Settings', this.settingsPanel, 'settings-toggle');
    const full = document.fullscreenEnabled ? iconButton('fullscreen', 'Full screen', () => {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else this.layout.requestFullscreen().catch(() => this.show('Full screen is not available in this browser.'));
    }, { class: 'fullscreen-toggle' }) : null;
    const endButton = this.host ? iconButton('end', 'End for everyone', async () => {
      if (!window.confirm('End the session for everyone? Nobody will be able to come back in.')) return;
      try {
        await this.socket.request({ type: 'host.end', roomId: this.roomId });
        // Everyone, the host too, is told (room.left); should that word be lost, the host moves on anyway.
        this.left({ reason: 'ended', appointmentId: this.appointmentId });
      } catch (e) { if (!this.gone) this.show(e.message); }
    }, { class: 'danger end-button' }) : null;
    const leaveButton = iconButton('leave', 'Leave', () => this.leaveRoom(), { class: 'leave-button' });
    this.bar = h('div', { class: 'room-bar', role: 'group', 'aria-label': 'Call controls' },
      h('div', { class: 'bar-group' }, media.mic, media.camera, media.share),
      h('div', { class: 'bar-group' }, chatToggle, exerciseToggle, settingsToggle, full),
      h('div', { class: 'bar-group' }, leaveButton, endButton));
    // Circles through the media server: layout, dominant speaker, receiver constraints (room-bridge.js).
    if (this.bridgeView) this.bridgeView.dispose();
    this.bridgeView = new BridgeView(this, this.bar, this.stageNotes);
    this.layout = h('div', { class: `room-layout ${circle ? 'circle' : 'one-to-one'}` },
      h('div', { class: 'room-main' }, this.stageBox, this.bar),
      h('aside', { class: 'room-side' },
        this.alertBox,
        this.host ? h('section', { 'aria-labelledby': 'waiting-title' }, h('h2', { id: 'waiting-title' }, 'Waiting room'), this.waitingBox) : null,
        h('div', { class: 'room-panels' }, this.settingsPanel, this.exerciseBox, this.chatPanel),
        h('section', { 'aria-labelledby': 'roster-title' }, h('h2', { id: 'roster-title' }, 'In this session'), this.rosterBox)));
    render(this.body, h('h1', { class: 'visually-hidden' }, 'Session'), this.layout);
    window.scrollTo(0, 0); // the stage and its controls, not wherever the gate's form was scrolled to
    // Wide: the exercise and the chat beside the stage; a phone: every panel closed until asked for.
    const wide = this.wide();
    this.setPanel(this.settingsPanel, false);
    this.setPanel(this.exerciseBox, wide);
    this.setPanel(this.chatPanel, wide);
    // The phone's fixed control bar: panels open just above it, whatever its height.
    const barSize = new ResizeObserver(() => document.body.style.setProperty('--room-bar-height', `${this.bar.offsetHeight}px`));
    barSize.observe(this.bar);
    const onFull = () => {
      if (!full) return;
      const on = !!document.fullscreenElement;
      relabel(full, on ? 'fullscreen-exit' : 'fullscreen', on ? 'Exit full screen' : 'Full screen');
    };
    document.addEventListener('fullscreenchange', onFull);
    this.renderRoster();
    this.support.mount();
    this.startExercise();
    this.startMedia();
    this.timers.push(() => { barSize.disconnect(); document.removeEventListener('fullscreenchange', onFull); });
    this.updateStage();
    // The course of care beside the video (preparation and integration only; clinical-panel.js).
    if (this.clinical) this.clinical.dispose();
    this.clinical = clinicalPanel(this);
  }

  /** A control-bar button that opens and closes a panel (aria-expanded says which). */
  panelToggle(iconName, label, panel, cls) {
    const button = iconButton(iconName, label, () => this.setPanel(panel, button.getAttribute('aria-expanded') !== 'true'),
      { class: cls, 'aria-controls': panel.id, 'aria-expanded': 'false' });
    this.panels.push({ panel, button });
    return button;
  }

  setPanel(panel, open) {
    const narrow = !this.wide();
    for (const p of this.panels || []) {
      const mine = p.panel === panel;
      if (!mine && !(open && narrow)) continue; // on a phone one panel at a time
      const now = mine ? open : false;
      p.panel.hidden = !now;
      p.button.setAttribute('aria-expanded', String(now));
      p.button.classList.toggle('active', now);
      if (now) p.button.classList.remove('unread');
    }
  }

  /** The stage says who it waits for while nobody else's picture is there. */
  updateStage() {
    if (!this.videos) return;
    const remote = this.videos.querySelectorAll(':scope > .tile:not(.self)').length;
    this.stageEmpty.hidden = remote > 0 || !!this.support.breakout; // a breakout has its own stage
    this.videos.dataset.count = String(remote);
  }

  /** Every tile's badges from what is known: the roster's media state, this page's measures. */
  refreshTiles() {
    if (!this.videos) return;
    const state = this.mediaState || {};
    const audioOnlyHere = !!(this.mesh && this.mesh.audioOnly);
    if (this.selfTile) {
      setTileMedia(this.selfTile, { muted: state.audio === false, cameraOff: state.video === false || !!state.audioOnly || !this.hasCamera,
        quality: this.quality || 'unknown' });
    }
    for (const tile of this.videos.querySelectorAll(':scope > .tile[data-peer]')) {
      const id = tile.dataset.peer;
      const entry = this.roster.find((p) => p.personId === id) || {};
      const m = entry.media;
      const video = tile.querySelector('video');
      const noTrack = !(video && video.srcObject && video.srcObject.getVideoTracks().some((t) => t.readyState === 'live'));
      setTileMedia(tile, { muted: !!m && m.audio === false, cameraOff: (!!m && (m.video === false || !!m.audioOnly)) || audioOnlyHere || noTrack,
        quality: this.peerQuality[id] || 'unknown' });
    }
  }

  /** A message from the server, wherever the person is in the flow. */
  notice(text) {
    if (this.errorBox && this.errorBox.isConnected) this.show(text);
    else render(this.message, h('div', { class: 'alert error', role: 'alert' }, h('p', {}, text)));
  }

  show(text) {
    render(this.errorBox, text ? h('div', { class: 'alert error', role: 'alert' }, h('p', {}, text)) : null);
  }

  rosterChanged(participants) {
    for (const p of participants) this.known.set(p.personId, p);
    const before = this.roster;
    this.roster = participants;
    if (this.phase === 'waiting') this.renderWaitingHosts();
    if (this.phase !== 'room') return;
    this.renderRoster(before);
    this.refreshTiles();
    if (this.mesh) {
      // Whoever is no longer admitted (left, removed, gone after the grace) loses their call.
      this.mesh.keepOnly(this.support.circlePeople(participants));
    }
    this.support.rosterChanged(participants);
    this.refreshMedia();
  }

  renderRoster(before = []) {
    if (!this.rosterBox) return;
    const present = new Set(this.roster.map((p) => p.personId));
    const gone = [...this.known.values()].filter((p) => !present.has(p.personId) && p.admitted);
    const admitted = this.roster.filter((p) => p.admitted);
    render(this.rosterBox, [...admitted, ...gone.map((p) => ({ ...p, presence: 'left', media: null }))].map((p) => h('li', { 'data-person': p.personId, 'data-presence': p.presence },
      h('span', { class: 'who-name' }, p.displayName), p.host ? h('span', { class: 'badge role' }, 'Therapist') : null, ' ', badge(p.presence),
      p.media ? h('span', { class: 'media-state' }, p.media.audio ? '' : ' · muted', p.media.audioOnly ? ' · audio only' : (p.media.video ? '' : ' · camera off'),
        p.media.screen ? ' · sharing screen' : '', p.media.quality && p.media.quality !== 'unknown' ? ` · connection ${p.media.quality}` : '') : null,
      p.breakout && p.presence !== 'left' ? h('span', { class: 'badge breakout-badge' }, p.host ? 'in a private conversation' : 'with a facilitator') : null,
      this.host && !p.host && p.presence !== 'left' ? h('button', { type: 'button', class: 'secondary small', onclick: () =>
        this.socket.request({ type: 'host.remove', roomId: this.roomId, personId: p.personId }).catch((e) => this.show(e.message)) }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${p.displayName}`)) : null)));
    if (!this.host) return;
    const waiting = this.roster.filter((p) => !p.admitted && !p.host);
    render(this.waitingBox, waiting.length === 0 ? h('p', { class: 'muted' }, 'Nobody is waiting.') : h('ul', { class: 'waiting' }, waiting.map((p) => h('li', { 'data-person': p.personId },
      h('p', {}, h('strong', {}, p.displayName), ' ', badge(p.presence), ' ',
        h('span', { class: 'muted' }, p.ready.gate ? 'safety check done' : 'safety check pending', ' · ', p.ready.devices ? 'devices checked' : 'devices not checked')),
      p.safety ? safetyBlock(p.safety) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', disabled: !p.ready.gate, onclick: () => this.socket.request({ type: 'host.admit', roomId: this.roomId, personId: p.personId })
          .catch((e) => this.show(e.message)) }, `Admit ${p.displayName}`),
        h('button', { type: 'button', class: 'secondary', onclick: () => this.socket.request({ type: 'host.deny', roomId: this.roomId, personId: p.personId })
          .catch((e) => this.show(e.message)) }, 'Not now', h('span', { class: 'visually-hidden' }, ` (${p.displayName})`)))))));
    // A patient whose connection dropped: where they are and whom to call, at once. One who does
    // not come back keeps that note (greyed as left in the roster) until a host dismisses it.
    const dropped = this.roster.filter((p) => !p.host && p.presence === 'reconnecting' && p.safety);
    for (const p of before) {
      if (p.presence === 'reconnecting' && p.safety && !present.has(p.personId)) this.lost.set(p.personId, p);
    }
    for (const id of present) this.lost.delete(id);
    render(this.alertBox,
      dropped.map((p) => h('div', { class: 'alert warning', role: 'alert', 'data-person': p.personId },
        h('p', {}, h('strong', {}, `${p.displayName}’s connection dropped.`), ' Hearth is trying to reconnect them.'), safetyBlock(p.safety))),
      [...this.lost.values()].map((p) => h('div', { class: 'alert warning', role: 'alert', 'data-person': p.personId },
        h('p', {}, h('strong', {}, `${p.displayName} has not come back.`),
          ' Their connection dropped during the session. These are the details they confirmed for it:'),
        safetyBlock(p.safety),
        h('button', { type: 'button', class: 'secondary small', onclick: () => { this.lost.delete(p.personId); this.renderRoster(this.roster); } },
          `Dismiss the note about ${p.displayName}`))));
    const wasDropped = before.filter((p) => p.presence === 'reconnecting').map((p) => p.personId);
    if (dropped.some((p) => !wasDropped.includes(p.personId))) announce('A participant’s connection dropped');
  }

  chatLine(m) {
    if (!this.chatLog) return;
    this.chatLog.append(h('li', {}, h('strong', {}, m.from.displayName), ': ', m.text));
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
    // A closed chat panel: a dot on its button and a word for screen readers (the log is not on screen).
    if (this.chatPanel && this.chatPanel.hidden && m.from.personId !== this.person.id) {
      const button = this.bar && this.bar.querySelector('.chat-toggle');
      if (button) button.classList.add('unread');
      announce(`New chat message from ${m.from.displayName}`);
    }
  }

  // ---------------------------------------------------------------- media

  mediaControls() {
    const state = { audio: true, video: true, screen: false, audioOnly: false };
    this.mediaState = state;
    const changed = () => { this.sendMediaState(); this.refreshTiles(); };
    const mic = iconButton('mic', 'Mute', () => {
      state.audio = !state.audio;
      if (this.mesh) this.mesh.setMicrophone(state.audio);
      relabel(mic, state.audio ? 'mic' : 'mic-off', state.audio ? 'Mute' : 'Unmute');
      mic.classList.toggle('off', !state.audio);
      changed();
    }, { class: 'mic-toggle' });
    const camera = iconButton('camera', 'Camera off', () => {
      state.video = !state.video;
      if (this.mesh) this.mesh.setCamera(state.video);
      relabel(camera, state.video ? 'camera' : 'camera-off', state.video ? 'Camera off' : 'Camera on');
      camera.classList.toggle('off', !state.video);
      changed();
    }, { class: 'camera-toggle' });
    // No share button where the browser cannot share (phones: no getDisplayMedia).
    let share = null;
    const shareLabel = () => {
      relabel(share, 'screen', state.screen ? 'Stop sharing' : 'Share screen');
      share.classList.toggle('active', state.screen);
    };
    if (canShareScreen()) {
      share = iconButton('screen', 'Share screen', async () => {
        if (!this.mesh) return;
        try {
          if (state.screen) {
            await this.mesh.stopScreen();
            state.screen = false;
          } else {
            const track = await this.mesh.shareScreen();
            state.screen = true;
            track.addEventListener('ended', () => { state.screen = false; shareLabel(); changed(); });
          }
        } catch (e) {
          if (e.name !== 'NotAllowedError') this.show(e.message); // a closed picker is no error
        }
        shareLabel();
        changed();
      }, { class: 'share-toggle' });
    }
    const audioOnly = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Audio only');
    audioOnly.addEventListener('click', async () => {
      state.audioOnly = !state.audioOnly;
      try {
        if (this.mesh) await this.mesh.setAudioOnly(state.audioOnly);
      } catch (e) {
        this.show(e.message);
      }
      audioOnly.setAttribute('aria-pressed', String(state.audioOnly));
      audioOnly.textContent = state.audioOnly ? 'Back to video' : 'Audio only';
      changed();
    });
    this.cameraSelect = h('select', { id: 'camera-select' });
    this.micSelect = h('select', { id: 'mic-select' });
    this.cameraSelect.addEventListener('change', () => this.mesh && this.mesh.switchDevice('video', this.cameraSelect.value).catch((e) => this.show(e.message)));
    this.micSelect.addEventListener('change', () => this.mesh && this.mesh.switchDevice('audio', this.micSelect.value).catch((e) => this.show(e.message)));
    const settings = h('div', { class: 'media-controls' },
      h('div', {}, audioOnly, h('p', { class: 'hint' }, 'For a weak connection: video stops both ways, you still hear each other.')),
      h('label', { for: 'mic-select' }, 'Microphone'), this.micSelect, h('label', { for: 'camera-select' }, 'Camera'), this.cameraSelect);
    return { mic, camera, share, settings };
  }

  sendMediaState() {
    if (!this.mediaState) return;
    const s = this.mediaState;
    this.socket.request({ type: 'media.state', roomId: this.roomId, media: { audio: s.audio, video: s.video && !s.audioOnly,
      screen: s.screen, audioOnly: s.audioOnly, quality: this.quality || 'unknown' } }).catch(() => {});
  }

  /** Whether a remote tile's speaking indicator comes from this page's own audio analysis (not the bridge's). */
  measuresSpeaking() {
    return !(this.bridgeView && this.bridgeView.active);
  }

  async startMedia() {
    // A room drawn anew replaces its call: the old connections must not linger and answer for it.
    if (this.mesh) this.mesh.close();
    this.mesh = new PeerMesh({
      selfId: this.person.id,
      signal: (to, payload) => this.socket.request({ type: 'rtc.signal', roomId: this.roomId, to, ...payload })
        .catch((e) => { if (e.code !== 'peer-not-in-room') console.warn('signal not delivered', e.code); }),
      signalBridge: (kind, payload) => this.socket.request({ type: `rtc.bridge.${kind}`, roomId: this.roomId, ...payload }),
      onRemoteStream: (peerId, stream) => this.attachVideo(peerId, stream),
      onPeerGone: (peerId) => {
        const tile = this.videos.querySelector(`[data-peer="${peerId}"]`);
        if (tile) { if (this.meter) this.meter.unwatch(tile); tile.remove(); }
        this.updateStage();
      },
      onState: (peerId, state) => {
        const tile = this.videos.querySelector(`[data-peer="${peerId}"] .tile-state`);
        if (tile) tile.textContent = state === 'connected' ? '' : state;
        // A negotiation hiccup that healed is no longer news.
        if (state === 'connected' && this.mediaNote.textContent === this.negotiationNote) this.mediaNote.textContent = '';
      },
      onError: (text, cause) => {
        if (cause) { this.negotiationNote = text; console.debug('media negotiation:', cause.message); }
        this.mediaNote.textContent = text;
      },
      onBridgeEvent: (event) => { if (this.bridgeView) this.bridgeView.event(event); },
    });
    try {
      const local = await this.mesh.start();
      this.hasCamera = local.getVideoTracks().length > 0;
      const mine = ownMedia({ autoplay: true, playsinline: true, 'aria-label': 'You' });
      mine.srcObject = local;
      const you = (this.joined && this.joined.you.displayName) || 'You';
      this.selfTile = videoTile({ name: you, label: 'You', self: true, video: mine });
      // After the others (the remote person comes first); in a one-to-one call a small movable picture.
      this.videos.append(this.selfTile);
      if (!this.support.circle) {
        const undo = movableSelfView(this.selfTile, this.stageBox, announce);
        this.timers.push(undo);
      }
      this.meter.watch(this.selfTile, local);
      this.refreshTiles();
      const devices = await navigator.mediaDevices.enumerateDevices();
      render(this.micSelect, devices.filter((d) => d.kind === 'audioinput').map((d, i) => h('option', { value: d.deviceId }, d.label || `Microphone ${i + 1}`)));
      render(this.cameraSelect, devices.filter((d) => d.kind === 'videoinput').map((d, i) => h('option', { value: d.deviceId }, d.label || `Camera ${i + 1}`)));
    } catch (e) {
      this.mediaNote.textContent = 'Your camera and microphone could not be started; you can still follow the chat and the exercise.';
    }
    await this.refreshMedia();
    const sample = setInterval(async () => {
      if (!this.mesh) return;
      const stats = await this.mesh.stats();
      // Each tile shows the connection to that person (round trip, recent loss); one's own tile the worst.
      this.peerQuality = Object.fromEntries(Object.entries(stats).map(([id, s]) => [id, qualityOf(s)]));
      const qualities = Object.values(this.peerQuality).filter((q) => q !== 'unknown');
      const worst = qualities.includes('poor') ? 'poor' : qualities.includes('fair') ? 'fair' : qualities.length ? 'good' : 'unknown';
      if (worst !== this.quality) {
        this.quality = worst;
        this.sendMediaState();
      }
      this.refreshTiles();
    }, 2000);
    this.timers.push(() => clearInterval(sample));
    this.sendMediaState();
  }

  attachVideo(peerId, stream) {
    let tile = this.videos.querySelector(`[data-peer="${peerId}"]`);
    if (!tile) {
      const name = (this.known.get(peerId) || {}).displayName || 'Participant';
      const video = h('video', { autoplay: true, playsinline: true, 'aria-label': name });
      // Marks when the first picture of someone else is shown (docs/benchmarks.md: join → first frame).
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => performance.mark('hearth-first-remote-frame'));
      tile = videoTile({ peerId, name, video });
      // Others before one's own picture: in a one-to-one call the remote person fills the stage.
      if (this.selfTile && this.selfTile.parentNode === this.videos) this.selfTile.before(tile);
      else this.videos.append(tile);
    }
    const video = tile.querySelector('video');
    if (video.srcObject !== stream) video.srcObject = stream;
    if (this.meter && this.measuresSpeaking()) this.meter.watch(tile, stream);
    else if (this.meter) this.meter.unwatch(tile);
    this.refreshTiles();
    this.updateStage();
  }

  /** Asks whom to connect with (after every roster change, debounced). */
  refreshMedia() {
    clearTimeout(this.mediaTimer);
    return new Promise((resolveThis) => {
      // A call superseded by a newer one (debounced away) resolves with it: whoever awaited it
      // (startMedia, before it starts sampling the connection's quality) must not wait forever.
      this.mediaWaiters = [...(this.mediaWaiters || []), resolveThis];
      this.mediaTimer = setTimeout(async () => {
        const waiters = this.mediaWaiters;
        this.mediaWaiters = [];
        const resolve = () => waiters.forEach((done) => done());
        if (!this.mesh || this.phase !== 'room' || this.support.breakout) return resolve();
        try {
          const config = await this.socket.request({ type: 'rtc.config', roomId: this.roomId });
          this.mesh.configure(config);
          if (config.mode === 'sfu') {
            this.mesh.keepOnly(this.roster.filter((p) => p.admitted).map((p) => p.personId));
            this.mesh.useBridge();
            if (this.bridgeView) this.bridgeView.bridged(true);
          } else if (config.mode === 'none') {
            this.mediaNote.textContent = config.reason;
            this.meshReason = config.reason;
            this.mesh.keepOnly([]);
          } else {
            if (this.meshReason && this.mediaNote.textContent === this.meshReason) this.mediaNote.textContent = '';
            this.meshReason = null;
            this.mesh.addPeers(config.peers);
          }
        } catch (e) { /* not admitted yet, or reconnecting: the next roster tries again */ }
        resolve();
      }, 150);
    });
  }

  // ---------------------------------------------------------------- the guided exercise

  startExercise() {
    this.player = new ExercisePlayer({
      clock: this.socket.clock,
      loadAudio: (audioId) => fetchBytes(`/api/audio/${encodeURIComponent(audioId)}`),
      onStep: (step) => this.renderStep(step),
      onError: (text) => this.show(text),
    });
    this.renderExercise(null);
    const tick = setInterval(() => this.tickExercise(), 250);
    this.timers.push(() => clearInterval(tick));
    if (this.host) this.loadLibrary();
  }

  async loadLibrary() {
    try {
      const { items } = await api('GET', '/api/exercises');
      this.library = items;
      this.renderExercise(this.player.state);
    } catch (e) {
      this.library = [];
    }
  }

  exerciseState(state) {
    if (!this.player) return;
    const before = this.player.state;
    this.player.setState(state);
    this.renderExercise(state);
    // A patient is told when the therapist starts an exercise: its panel opens (in view, over the
    // stage on a phone) and a screen reader hears it.
    const started = state && state.itemId && !(before && before.itemId === state.itemId);
    if (started && !this.host && this.exerciseBox) {
      this.setPanel(this.exerciseBox, true);
      announce(`Your therapist started an exercise: ${state.title}`);
    }
  }

  command(action, extra = {}) {
    const version = this.player.state ? this.player.state.version : 0;
    return this.socket.request({ type: 'exercise.command', roomId: this.roomId, version, action, ...extra })
      .catch((e) => this.show(e.message));
  }

  renderExercise(state) {
    if (!this.exerciseBox) return;
    const running = state && state.itemId;
    this.stepBox = h('div', { class: 'step', 'aria-live': 'polite' });
    this.timerBox = h('p', { class: 'step-timer' });
    this.pacerBox = h('div', { class: 'pacer', 'aria-hidden': 'true' });
    const volume = h('input', { type: 'range', id: 'music-volume', min: '0', max: '100', value: String(Math.round(this.player.volume * 100)) });
    volume.addEventListener('input', () => this.player.setVolume(Number(volume.value) / 100));
    const hostControls = this.host ? this.hostExerciseControls(state) : null;
    render(this.exerciseBox,
      h('h2', { id: 'exercise-title' }, running ? state.title : 'Guided exercise'),
      running ? null : h('p', { class: 'muted' }, this.host ? 'Choose an exercise to guide the session.' : 'Your therapist may guide an exercise here.'),
      running ? this.stepBox : null, running ? this.timerBox : null, running ? this.pacerBox : null,
      running ? h('details', { class: 'script' }, h('summary', {}, 'Read the whole script'),
        h('ol', {}, state.segments.map((s) => h('li', {}, s.title ? h('strong', {}, `${s.title}: `) : null, s.text || s.title || '')))) : null,
      h('div', { class: 'volume' }, h('label', { for: 'music-volume' }, 'Music volume (just for you)'), volume),
      hostControls);
    if (running) this.renderStep(this.lastStep || { state, step: state.step, segment: state.segments[state.step], positionMs: state.positionMs });
  }

  hostExerciseControls(state) {
    const running = state && state.itemId;
    const picker = h('select', { id: 'exercise-picker' }, (this.library || []).map((item) =>
      h('option', { value: item.id }, `${item.title} (${item.kind})`)));
    return h('div', { class: 'exercise-controls' },
      h('label', { for: 'exercise-picker' }, 'Exercise'), picker,
      h('button', { type: 'button', onclick: () => picker.value && this.command('start', { itemId: picker.value }) }, running ? 'Switch to this' : 'Start'),
      running ? h('button', { type: 'button', class: 'secondary', onclick: () => this.command('previous') }, 'Previous') : null,
      running ? h('button', { type: 'button', class: 'secondary', onclick: () => this.command(state.playing ? 'pause' : 'play') }, state.playing ? 'Pause' : 'Play') : null,
      running ? h('button', { type: 'button', class: 'secondary', onclick: () => this.command('next') }, 'Next') : null,
      running ? h('button', { type: 'button', class: 'secondary', onclick: () => {
        const here = this.lastStep || { step: 0, positionMs: 0 };
        this.command('seek', { step: here.step, positionMs: Math.max(0, Math.round(here.positionMs) - 15000) });
      } }, 'Back 15 s') : null,
      running ? h('button', { type: 'button', class: 'secondary', onclick: () => this.command('stop') }, 'Stop') : null);
  }

  renderStep(step) {
    this.lastStep = step;
    if (!this.stepBox || !step || !step.segment) return;
    render(this.stepBox, h('p', { class: 'step-text' }, step.segment.text || step.segment.title || ''),
      h('p', { class: 'muted' }, `Step ${step.step + 1} of ${step.state.segments.length}${step.finished ? ' · finished' : ''}`));
  }

  tickExercise() {
    const state = this.player && this.player.state;
    if (!state || !state.itemId || !this.timerBox) return;
    // Only the clock and the pacer move here; step changes and audio belong to the player's schedule.
    const here = pointAt(state, this.socket.clock.now());
    const segment = state.segments[here.step];
    const left = Math.max(0, Math.round((segment.durationMs - here.positionMs) / 1000));
    this.timerBox.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left in this step${state.playing ? '' : ' (paused)'}`;
    if (segment.pacer) {
      const phase = pacerPhase(segment.pacer, here.positionMs); // the same pacer as solo playback
      this.pacerBox.textContent = phase;
      this.pacerBox.dataset.phase = phase;
    } else {
      this.pacerBox.textContent = '';
    }
  }

  /** Test hook: what this page plays at a server time. */
  exercisePositionAt(serverTime) {
    return this.player ? this.player.positionAt(serverTime) : null;
  }

  serverNow() {
    return this.socket.clock.now();
  }

  async mediaStats() {
    return this.mesh ? this.mesh.stats() : {};
  }

  dispose() {
    document.body.classList.remove('in-call');
    if (document.fullscreenElement && this.layout && this.layout.contains(document.fullscreenElement)) document.exitFullscreen().catch(() => {});
    if (this.meter) { this.meter.dispose(); this.meter = null; }
    if (this.bridgeView) { this.bridgeView.dispose(); this.bridgeView = null; }
    if (this.clinical) this.clinical.dispose();
    this.stopPreview();
    if (this.mesh) { this.mesh.close(); this.mesh = null; }
    if (this.player) this.player.stop();
    this.support.dispose(); // the breakout's call (circle-support.js)
    this.socket.close();
  }
}
