// The waiting room as the care team sees it: a panel on the therapist's page ('mine') and a
// clinic-wide board ('clinic'). A patient who starts waiting must not be missed: a chime, a browser
// notification and a badge in the tab's title, until someone looks.
import { api } from '../api.js';
import { announce, h, render } from '../dom.js';
import { RoomSocket } from '../socket.js';
import { openRoomOf } from './room.js';

const WORDS = { online: 'Checking in', waiting: 'Waiting', 'in-room': 'In session', reconnecting: 'Reconnecting…' };
const TYPES = { preparation: 'Preparation', integration: 'Integration', circle: 'Circle' };

let audio = null;

/** One audio context for the page, woken on a person's gesture (browsers keep it silent before one). */
function audioContext() {
  if (!audio) audio = new AudioContext();
  if (audio.state === 'suspended') audio.resume().catch(() => {});
  return audio;
}

/** A short two-tone bell from the Web Audio API (no audio file needed); also rung by safety alerts (care-alerts.js). */
export function chime() {
  try {
    const context = audioContext();
    const now = context.currentTime;
    [[880, 0], [660, 0.35]].forEach(([frequency, delay]) => {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + delay);
      gain.gain.exponentialRampToValueAtTime(0.3, now + delay + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + delay + 1.2);
      osc.connect(gain).connect(context.destination);
      osc.start(now + delay);
      osc.stop(now + delay + 1.3);
    });
  } catch (e) { /* no audio here: the badge and the notification still show */ }
}

function setBadge(count) {
  const base = document.title.replace(/^\(\d+\) /, '');
  document.title = count > 0 ? `(${count}) ${base}` : base;
}

function notify(entry) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    // Names stay off the lock screen: the notification says only that someone waits.
    new Notification('A patient is waiting', { body: 'Open Hearth to admit them.', tag: `hearth-${entry.roomId}` });
  } catch (e) { /* some browsers allow notifications only from a service worker */ }
}

async function openRoom(appointmentId, message) {
  try {
    await openRoomOf(appointmentId);
  } catch (e) {
    render(message, h('p', { class: 'field-error', role: 'alert' }, e.message));
  }
}

/**
 * Whose session each entry is, for the clinic board: admins may read the therapists' names; a
 * therapist knows only themselves.
 */
async function therapistNames(person) {
  if (!person) return new Map();
  if (person.role !== 'admin') return new Map([[person.id, 'you']]);
  try {
    const { items } = await api('GET', '/api/people?role=therapist');
    return new Map(items.map((p) => [p.id, p.displayName]));
  } catch (e) {
    return new Map();
  }
}

function withWhom(entry, names) {
  if (names.size === 0) return null;
  const known = entry.therapistIds.map((id) => names.get(id)).filter(Boolean);
  if (known.length === 0) return 'with a colleague';
  return `with ${known.join(' and ')}`;
}

/**
 * A live waiting-room panel. scope: 'mine' (the therapist's own sessions) or 'clinic' (then
 * `person`, the viewer, lets the board say whose session each patient waits for).
 * Returns {element, close()}.
 */
export function lobbyPanel(scope, person = null) {
  const list = h('div', { class: 'lobby-list' }, h('p', { class: 'loading', role: 'status' }, 'Connecting…'));
  const message = h('div');
  const status = h('p', { class: 'hint', role: 'status' });
  const permission = ('Notification' in window && Notification.permission === 'default')
    ? h('button', { type: 'button', class: 'secondary small', onclick: async (e) => {
      audioContext(); // this click also lets the chime play
      const answer = await Notification.requestPermission().catch(() => 'denied');
      e.target.replaceWith(h('p', { class: 'hint' }, answer === 'granted'
        ? 'You will get a notification on this device when someone waits.'
        : 'Notifications are off in this browser; the sound and the tab title still tell you when someone waits.'));
    } }, 'Notify me on this device when someone waits') : null;
  const element = h('section', { class: 'card lobby', 'aria-labelledby': `lobby-${scope}-title` },
    h('h2', { id: `lobby-${scope}-title` }, scope === 'clinic' ? 'Everyone waiting in the clinic' : 'Your waiting room'),
    status, permission, message, list);
  const socket = new RoomSocket();
  let names = new Map();
  let last = null;
  if (scope === 'clinic') therapistNames(person).then((found) => { names = found; if (last) show(last); });
  // Patients already announced as waiting, kept while they stay in the lobby unadmitted: a patient
  // whose connection blips (waiting → reconnecting → waiting) is not a new arrival.
  const announced = new Set();
  // Arrivals nobody has looked at yet; the tab title counts those still waiting.
  const unseen = new Set();
  const seen = () => { unseen.clear(); setBadge(0); };
  const onVisible = () => { if (!document.hidden) seen(); };
  window.addEventListener('focus', seen);
  document.addEventListener('visibilitychange', onVisible);

  const show = (snapshot) => {
    last = snapshot;
    const entries = snapshot.entries;
    const key = (e) => `${e.roomId}/${e.patient.personId}`;
    const unadmitted = new Set(entries.filter((e) => !e.patient.admitted).map(key));
    for (const k of [...announced]) if (!unadmitted.has(k)) announced.delete(k);
    const arrivals = entries.filter((e) => e.patient.presence === 'waiting' && !e.patient.admitted && !announced.has(key(e)));
    arrivals.forEach((e) => announced.add(key(e)));
    for (const k of [...unseen]) if (!unadmitted.has(k)) unseen.delete(k);
    arrivals.forEach((e) => unseen.add(key(e)));
    setBadge(unseen.size);
    // The first snapshot (the reply, with an id) is the state on opening the page: no sound for it.
    if (arrivals.length > 0 && snapshot.id === undefined) {
      chime();
      arrivals.forEach(notify);
      announce(`${arrivals.map((e) => e.patient.displayName).join(', ')} ${arrivals.length > 1 ? 'are' : 'is'} waiting`);
    }
    render(list, entries.length === 0 ? h('p', { class: 'muted' }, 'Nobody is waiting right now.')
      : h('ul', { class: 'lobby-entries' }, entries.map((e) => {
        const p = e.patient;
        const ready = p.ready.gate && p.ready.devices;
        return h('li', { class: `lobby-entry presence-${p.presence}`, 'data-person': p.personId },
          h('p', {}, h('strong', {}, p.displayName), ' ', h('span', { class: `badge presence-${p.presence}` }, WORDS[p.presence] || p.presence),
            ' ', h('span', { class: ready ? 'badge ready' : 'badge' }, ready ? 'Ready' : (p.ready.gate ? 'Safety check done' : 'Safety check pending'))),
          h('p', { class: 'muted' }, [`${TYPES[e.appointmentType] || e.appointmentType}, ${new Date(e.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`,
            scope === 'clinic' ? withWhom(e, names) : null].filter(Boolean).join(' · ')),
          p.safety ? h('p', { class: 'muted' }, `At: ${p.safety.address} · Emergency contact: ${p.safety.emergencyContact.name}, ${p.safety.emergencyContact.phone}`) : null,
          h('div', { class: 'actions' },
            !p.admitted && p.ready.gate && scope === 'mine' ? h('button', { type: 'button', onclick: async () => {
              try {
                await socket.request({ type: 'host.admit', roomId: e.roomId, personId: p.personId });
                seen();
              } catch (err) {
                render(message, h('p', { class: 'field-error', role: 'alert' }, err.message));
              }
            } }, `Admit ${p.displayName}`) : null,
            scope === 'mine' ? h('button', { type: 'button', class: 'secondary', onclick: () => openRoom(e.appointmentId, message) }, 'Open the room') : null));
      })));
  };

  socket.on('lobby.snapshot', (m) => { if (m.scope === scope) show(m); });
  // A refusal that answers no request of ours (a rate limit, say): said where the person looks.
  socket.on('error', (m) => render(message, h('p', { class: 'field-error', role: 'alert' }, m.message)));
  socket.on('status', (s) => { status.textContent = s === 'reconnecting' ? 'Reconnecting…' : ''; });
  socket.on('reconnected', () => socket.request({ type: 'lobby.watch', scope }).then(show).catch(() => {}));
  socket.open().then(() => socket.request({ type: 'lobby.watch', scope })).then(show)
    .catch((e) => render(list, h('p', { class: 'field-error', role: 'alert' }, e.message)));
  const close = () => {
    socket.close();
    window.removeEventListener('focus', seen);
    document.removeEventListener('visibilitychange', onVisible);
    setBadge(0);
  };
  const onLeave = () => {
    if (!element.isConnected) { close(); window.removeEventListener('hashchange', onLeave); }
  };
  window.addEventListener('hashchange', onLeave);
  return { element, close };
}

/** The clinic-wide board page (admins and therapists). */
export async function lobbyView(main, person) {
  const { element } = lobbyPanel('clinic', person);
  render(main, h('h1', {}, 'Waiting room'), h('p', { class: 'lead' }, 'Everyone waiting for a session in the clinic, live.'), element);
}
