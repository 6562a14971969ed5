// The alert that cannot be missed: for a signed-in therapist, one room socket stays open for the
// whole session (across pages), watches their patients' safety alerts (care.watch), and shows every
// open one in a banner above every page until one of the patient's therapists acknowledges it. A
// new alert also chimes and notifies, like a patient arriving in the waiting room.
import { api, refresh } from './api.js';
import { announce, busy, formatTime, h, problemAlert, render } from './dom.js';
import { RoomSocket } from './socket.js';
import { ALERT_WORDS, careEvents } from './care.js';
import { chime } from './views/lobby.js';

let socket = null;
let watcher = null; // the person id the socket watches for
const alerts = new Map(); // id → alert, open ones only

function region() {
  let el = document.getElementById('care-alerts');
  if (!el) {
    el = h('div', { id: 'care-alerts', class: 'care-alerts' });
    document.querySelector('.site-header').after(el);
  }
  return el;
}

function notify(alert) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    // No names or answers on a lock screen.
    new Notification('A safety alert in Hearth', { body: 'One of your patients needs your attention. Open Hearth.', tag: `hearth-alert-${alert.id}`, requireInteraction: true });
  } catch (e) { /* notifications only from a service worker here */ }
}

/** Offers notifications on this device while an alert shows (a click also wakes the chime's audio). */
function permissionButton() {
  if (!('Notification' in window) || Notification.permission !== 'default') return null;
  const button = h('button', { type: 'button', class: 'secondary small' }, 'Notify me on this device about safety alerts');
  button.addEventListener('click', async () => {
    const answer = await Notification.requestPermission().catch(() => 'denied');
    button.replaceWith(h('p', { class: 'hint' }, answer === 'granted'
      ? 'You will get a notification on this device for new safety alerts.'
      : 'Notifications are off in this browser; the banner and the sound still tell you.'));
  });
  return button;
}

function draw() {
  const box = region();
  const open = [...alerts.values()].sort((a, b) => Date.parse(a.raisedAt) - Date.parse(b.raisedAt));
  if (open.length === 0) { render(box); return; }
  render(box, permissionButton(), open.map((a) => {
    const message = h('div');
    const ack = h('button', { type: 'button', class: 'small', 'aria-label': `Acknowledge the alert for ${a.patientName}` }, 'Acknowledge');
    ack.addEventListener('click', () => busy(ack, async () => {
      try {
        await api('POST', `/api/care/alerts/${encodeURIComponent(a.id)}/acknowledge`);
        cleared(a.id);
        announce(`Alert for ${a.patientName} acknowledged`);
      } catch (e) {
        render(message, problemAlert(e));
      }
    }));
    return h('div', { class: 'care-alert', role: 'alert', 'data-alert': a.id },
      h('p', {}, h('strong', {}, `Safety alert: ${a.patientName}`), ` ${ALERT_WORDS[a.kind] || 'needs your attention'}`,
        h('span', { class: 'muted' }, ` · ${formatTime(a.raisedAt)}`)),
      h('div', { class: 'actions' },
        h('a', { href: `#/patients/${encodeURIComponent(a.patientId)}`, class: 'button small' }, 'Open course', h('span', { class: 'visually-hidden' }, ` of ${a.patientName}`)),
        ack),
      message);
  }));
}

function setAll(list) {
  alerts.clear();
  for (const a of list || []) if (!a.acknowledgedAt) alerts.set(a.id, a);
  draw();
}

function raised(alert) {
  if (!alert || alert.acknowledgedAt) return;
  const isNew = !alerts.has(alert.id);
  alerts.set(alert.id, alert);
  draw();
  if (isNew) {
    chime();
    notify(alert);
    announce(`Safety alert for ${alert.patientName}`);
  }
  careEvents.dispatchEvent(new CustomEvent('care.alert', { detail: alert }));
}

function cleared(alertId) {
  if (alerts.delete(alertId)) draw();
}

async function watch() {
  try {
    const reply = await socket.request({ type: 'care.watch' });
    setAll(reply.alerts);
  } catch (e) {
    // The live watch failed (an older node, say): the open alerts still show from the API.
    try { setAll((await api('GET', '/api/care/alerts')).items); } catch (err) { /* shown on the next try */ }
  }
}

/** Starts watching for a signed-in therapist (once per person; a no-op for other roles). */
export function startCareWatch(person) {
  if (!person || person.role !== 'therapist') { stopCareWatch(); return; }
  if (watcher === person.id && socket) return;
  stopCareWatch();
  watcher = person.id;
  socket = new RoomSocket({ resting: true }); // never in a room: pinged rarely (docs/adr/0031)
  socket.on('care.alert', (m) => raised(m.alert));
  socket.on('care.alert.acknowledged', (m) => cleared(m.alertId));
  socket.on('care.changed', (m) => careEvents.dispatchEvent(new CustomEvent('care.changed', { detail: m })));
  socket.on('reconnected', () => watch());
  // Closed by the server because the session ended (signed out elsewhere, a new password, or the
  // clinic deactivated the account): the renewal fails and the app says so and goes to sign-in,
  // rather than a watch that silently stopped.
  socket.on('status', (status) => { if (status === 'signed-out') refresh().catch(() => {}); });
  socket.open().then(watch).catch(async () => {
    try { setAll((await api('GET', '/api/care/alerts')).items); } catch (e) { /* the socket retries by itself */ }
  });
}

export function stopCareWatch() {
  if (socket) socket.close();
  socket = null;
  watcher = null;
  alerts.clear();
  const box = document.getElementById('care-alerts');
  if (box) render(box);
}

/** The open alerts now (for tests and pages). */
export function openAlerts() {
  return [...alerts.values()];
}
