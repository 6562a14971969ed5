// Upcoming appointments for therapists and patients, with a Join button that wakes up when the
// room opens. Therapists see them grouped into today, the rest of this week and later; patients
// as one list. Times are shown in the viewer's zone, named; days and weeks are the viewer's too.
import { api } from '../api.js';
import { h, problemAlert, render, viewerZone } from '../dom.js';
import { timeRange } from './calendar.js';
import { openRoomOf } from './room.js';

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric' });
// The server decides; these only light the button. The lead time is the clinic's policy
// (roomOpensBeforeMinutes, read below); a room stays open 15 minutes after the end (HEARTH_ROOM_CLOSE_GRACE).
let roomOpensMs = 10 * 60 * 1000;
const ROOM_CLOSE_GRACE_MS = 15 * 60 * 1000;
const PATIENT_TITLES = { preparation: 'Session with your care team', integration: 'Session with your care team', circle: 'Group session', dosing: 'Clinic visit' };
const THERAPIST_TITLES = { preparation: 'Preparation', integration: 'Integration', circle: 'Integration circle', dosing: 'In-clinic dosing' };

/**
 * Whether a session is over: its host ended it for everyone (`sessionEndedAt`), or its booked end
 * has passed. Such a session reads "Ended" and has no Join.
 */
export function sessionOver(a, now = Date.now()) {
  return Boolean(a.sessionEndedAt) || new Date(a.end).getTime() <= new Date(now).getTime();
}

/** What an ended remote session offers instead of Join: its note (therapists), what comes next (patients). */
function endedActions(a, person) {
  const link = person.role === 'therapist' ? h('a', { href: `#/notes/${encodeURIComponent(a.id)}`, class: 'button small secondary-button' }, 'Session note')
    : (person.role === 'patient' && a.sessionEndedAt ? h('a', { href: `#/after/${encodeURIComponent(a.id)}`, class: 'button small secondary-button' }, 'What comes next') : null);
  return [h('span', { class: 'badge ended' }, 'Ended'), link ? ' ' : null, link];
}

function joinButton(a, message, person) {
  const opens = new Date(a.start).getTime() - roomOpensMs;
  const ends = new Date(a.end).getTime() + ROOM_CLOSE_GRACE_MS;
  const button = h('button', { type: 'button' }, 'Join');
  const box = h('div', { class: 'actions' }, button, h('span', { class: 'muted' }, `Join opens ${Math.round(roomOpensMs / 60000)} minutes before the start.`));
  const refresh = () => {
    const now = Date.now();
    if (sessionOver(a, now)) {
      render(box, endedActions(a, person));
      return false;
    }
    button.disabled = now < opens || now >= ends;
    button.title = now < opens ? `Opens at ${new Date(opens).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })}` : '';
    return true;
  };
  const live = refresh();
  const timer = live ? setInterval(() => { if (!box.isConnected || !refresh()) clearInterval(timer); }, 15000) : null;
  button.addEventListener('click', async () => {
    try {
      await openRoomOf(a.id);
    } catch (e) { render(message, problemAlert(e)); }
  });
  return box;
}

/** Midnight starting the viewer's day `days` after today's. */
function dayStart(now, days) {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + days);
  return d;
}

/**
 * Today, the rest of this week (through Sunday; the calendar's weeks start on Monday) and later,
 * by start in the viewer's zone. A session still running from yesterday counts as today's.
 */
export function groupByWeek(appointments, now) {
  const tomorrow = dayStart(now, 1);
  const nextMonday = dayStart(now, 7 - ((now.getDay() + 6) % 7));
  const starts = (a) => new Date(a.start);
  return {
    today: appointments.filter((a) => starts(a) < tomorrow),
    thisWeek: appointments.filter((a) => starts(a) >= tomorrow && starts(a) < nextMonday),
    later: appointments.filter((a) => starts(a) >= nextMonday),
  };
}

export async function upcomingList(person) {
  const message = h('div');
  const now = new Date();
  const query = new URLSearchParams({ from: new Date(now.getTime() - 3 * 3600e3).toISOString(), to: new Date(now.getTime() + 60 * 864e5).toISOString() });
  try {
    roomOpensMs = (await api('GET', '/api/booking-policy')).roomOpensBeforeMinutes * 60 * 1000;
  } catch (e) { /* keep the default; the server still decides */ }
  const { items } = await api('GET', `/api/appointments?${query}`);
  // Sessions of the last hours stay listed, as ended (no Join): ended early by the host, or past their end.
  const upcoming = items.filter((a) => a.status === 'booked');
  const titles = person.role === 'patient' ? PATIENT_TITLES : THERAPIST_TITLES;
  const card = (a) => {
    const waitlisted = (a.attendees || []).some((x) => x.patientId === person.id && x.state === 'waitlisted');
    return h('li', { class: `card${sessionOver(a) ? ' ended' : ''}`, 'data-appointment': a.id },
      h('p', {}, h('strong', {}, titles[a.type]), waitlisted ? h('span', { class: 'badge invited' }, 'On the waitlist') : null),
      h('p', {}, `${dayFormat.format(new Date(a.start))}, ${timeRange(a)}`),
      a.mode === 'in-clinic' ? h('p', {}, `At the clinic${a.location ? `: ${a.location}` : ''}`, sessionOver(a) ? [' ', h('span', { class: 'badge ended' }, 'Ended')] : null)
        : (waitlisted ? null : joinButton(a, message, person)));
  };
  const list = (appointments, empty) => (appointments.length === 0
    ? h('p', { class: 'muted' }, empty)
    : h('ul', { class: 'upcoming' }, appointments.map(card)));

  if (person.role === 'patient') {
    return h('section', { 'aria-labelledby': 'upcoming-title' },
      h('h2', { id: 'upcoming-title' }, 'Your upcoming appointments'),
      h('p', { class: 'muted' }, `Times in ${viewerZone()}.`),
      message,
      upcoming.length === 0 ? h('p', {}, 'Nothing booked yet.') : list(upcoming));
  }
  const groups = groupByWeek(upcoming, now);
  const group = (id, title, appointments, empty) => h('section', { class: 'schedule-group', 'aria-labelledby': id },
    h('h3', { id }, title), list(appointments, empty));
  return h('section', { 'aria-labelledby': 'upcoming-title' },
    h('h2', { id: 'upcoming-title' }, 'Your sessions'),
    h('p', { class: 'muted' }, `Times in ${viewerZone()}.`),
    message,
    group('today-title', 'Today', groups.today, 'Nothing booked for the rest of today.'),
    group('this-week-title', 'This week', groups.thisWeek, 'Nothing else booked this week.'),
    group('later-title', 'Later', groups.later, 'Nothing booked after this week (the next 60 days).'));
}

export async function scheduleSection(main, person) {
  try {
    return await upcomingList(person);
  } catch (e) {
    return problemAlert(e);
  }
}
