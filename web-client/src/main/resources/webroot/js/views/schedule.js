// Upcoming appointments for therapists and patients, with a Join button that wakes up when the
// room opens. Times are shown in the viewer's zone, named.
import { api } from '../api.js';
import { h, problemAlert, render } from '../dom.js';
import { timeRange } from './calendar.js';
import { openRoomOf } from './room.js';

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric' });
// The server decides; these only light the button. The lead time is the clinic's policy
// (roomOpensBeforeMinutes, read below); a room stays open 15 minutes after the end (HEARTH_ROOM_CLOSE_GRACE).
let roomOpensMs = 10 * 60 * 1000;
const ROOM_CLOSE_GRACE_MS = 15 * 60 * 1000;
const PATIENT_TITLES = { preparation: 'Session with your care team', integration: 'Session with your care team', circle: 'Group session', dosing: 'Clinic visit' };
const THERAPIST_TITLES = { preparation: 'Preparation', integration: 'Integration', circle: 'Integration circle', dosing: 'In-clinic dosing' };

function joinButton(a, message) {
  const opens = new Date(a.start).getTime() - roomOpensMs;
  const ends = new Date(a.end).getTime() + ROOM_CLOSE_GRACE_MS;
  const button = h('button', { type: 'button' }, 'Join');
  const refresh = () => {
    const now = Date.now();
    button.disabled = now < opens || now >= ends;
    button.title = now < opens ? `Opens at ${new Date(opens).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })}` : '';
  };
  refresh();
  const timer = setInterval(() => { if (!button.isConnected) clearInterval(timer); else refresh(); }, 15000);
  button.addEventListener('click', async () => {
    try {
      await openRoomOf(a.id);
    } catch (e) { render(message, problemAlert(e)); }
  });
  return h('div', { class: 'actions' }, button, h('span', { class: 'muted' }, `Join opens ${Math.round(roomOpensMs / 60000)} minutes before the start.`));
}

export async function upcomingList(person) {
  const message = h('div');
  const now = new Date();
  const query = new URLSearchParams({ from: new Date(now.getTime() - 3 * 3600e3).toISOString(), to: new Date(now.getTime() + 60 * 864e5).toISOString() });
  try {
    roomOpensMs = (await api('GET', '/api/booking-policy')).roomOpensBeforeMinutes * 60 * 1000;
  } catch (e) { /* keep the default; the server still decides */ }
  const { items } = await api('GET', `/api/appointments?${query}`);
  const upcoming = items.filter((a) => a.status === 'booked' && new Date(a.end) > now);
  const titles = person.role === 'patient' ? PATIENT_TITLES : THERAPIST_TITLES;
  return h('section', { 'aria-labelledby': 'upcoming-title' },
    h('h2', { id: 'upcoming-title' }, person.role === 'patient' ? 'Your upcoming appointments' : 'Today and the coming weeks'),
    h('p', { class: 'muted' }, `Times in ${zone()}.`),
    message,
    upcoming.length === 0 ? h('p', {}, 'Nothing booked yet.') : h('ul', { class: 'upcoming' }, upcoming.map((a) => {
      const waitlisted = (a.attendees || []).some((x) => x.patientId === person.id && x.state === 'waitlisted');
      return h('li', { class: 'card' },
        h('p', {}, h('strong', {}, titles[a.type]), waitlisted ? h('span', { class: 'badge invited' }, 'On the waitlist') : null),
        h('p', {}, `${dayFormat.format(new Date(a.start))}, ${timeRange(a)}`),
        a.mode === 'in-clinic' ? h('p', {}, `At the clinic${a.location ? `: ${a.location}` : ''}`) : (waitlisted ? null : joinButton(a, message)));
    })));
}

export async function scheduleSection(main, person) {
  try {
    return await upcomingList(person);
  } catch (e) {
    return problemAlert(e);
  }
}
