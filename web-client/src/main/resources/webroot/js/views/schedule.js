// Upcoming appointments for therapists and patients, with a Join button that wakes up when the
// room opens. Therapists see them grouped into today, the rest of this week and later; patients
// as one list. Times are shown in the viewer's zone, named; days and weeks are the viewer's too.
import { api } from '../api.js';
import { announce, busy, copyText, field, h, okAlert, problemAlert, render, viewerZone } from '../dom.js';
import { timeRange } from './calendar.js';
import { openRoomOf } from './room.js';
import { renderSlotButtons } from './slot-picker.js';

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

// As the patient's course names them (course.js, after.js).
const SESSION_TYPES = { preparation: 'Preparation session', dosing: 'Dosing at the clinic', integration: 'Integration session', circle: 'Integration circle' };
const spokenTime = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The therapist's name for a patient's own cards: from the course (patients may not list people). */
async function careTeamNames(person) {
  try {
    if (person.role === 'patient') {
      const course = await api('GET', `/api/care/patients/${encodeURIComponent(person.id)}/course`);
      const p = course.patient || {};
      return p.therapistId && p.therapistName ? { [p.therapistId]: p.therapistName } : {};
    }
    if (person.role === 'therapist') {
      const { items } = await api('GET', '/api/people?role=patient');
      return Object.fromEntries(items.map((x) => [x.id, x.displayName]));
    }
  } catch (e) { /* names are a courtesy; the cards still work without them */ }
  return {};
}

/**
 * A patient's own changes (issue 14): cancel with a confirmation, reschedule to one of the
 * therapist's free times, both only before the clinic's cutoff; past it, the cutoff time and a
 * phone call instead. The server decides again on every request.
 */
function selfService(a, policy, names, done) {
  if (a.type === 'circle' || a.status !== 'booked' || sessionOver(a)) return null;
  const cutoffMs = (policy ? policy.patientCancellationCutoffHours : 24) * 3600e3;
  const closes = new Date(Date.parse(a.start) - cutoffMs);
  const box = h('div', { class: 'self-service' });
  const when = spokenTime.format(new Date(a.start));
  const what = SESSION_TYPES[a.type].replace(/^./, (c) => c.toLowerCase());
  if (Date.now() >= closes.getTime()) {
    render(box, h('p', { class: 'hint cutoff' }, `Too late to change online: changes close ${policy ? policy.patientCancellationCutoffHours : 24} hours `
      + `before the start, at ${spokenTime.format(closes)}. Please call your clinic to cancel or move it.`));
    return box;
  }
  const message = h('div', { 'aria-live': 'polite' });
  const canMove = policy && policy.patientsMayBook && a.mode !== 'in-clinic';
  const cancel = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Cancel the ${what} on ${when}` }, 'Cancel');
  const move = canMove ? h('button', { type: 'button', class: 'secondary small', 'aria-label': `Reschedule the ${what} on ${when}` }, 'Reschedule') : null;
  const panel = h('div', { class: 'self-service-panel' });
  const actions = h('div', { class: 'actions' }, move, cancel);
  const close = (focus) => { render(panel); actions.hidden = false; focus.focus(); };

  cancel.addEventListener('click', () => {
    render(message);
    actions.hidden = true;
    const yes = h('button', { type: 'button', class: 'danger small' }, 'Yes, cancel it');
    const no = h('button', { type: 'button', class: 'secondary small' }, 'Keep it');
    const questionId = `cancel-q-${a.id}`;
    yes.addEventListener('click', () => busy(yes, async () => {
      try {
        await api('POST', `/api/appointments/${encodeURIComponent(a.id)}/cancel`, {});
        announce(`Your ${what} on ${when} is cancelled.`);
        done(`Your ${what} on ${when} is cancelled.`);
      } catch (e) { render(message, problemAlert(e)); }
    }));
    no.addEventListener('click', () => close(cancel));
    render(panel, h('div', { class: 'confirm', role: 'group', 'aria-labelledby': questionId },
      h('p', { id: questionId }, `Cancel your ${what} on ${when}? You can book a new time afterwards.`),
      h('div', { class: 'actions' }, yes, no)));
    yes.focus();
  });

  if (move) {
    move.addEventListener('click', async () => {
      render(message);
      actions.hidden = true;
      const d = new Date(a.start);
      const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      const date = h('input', { type: 'date', name: 'date', value: local });
      const slots = h('div', { class: 'slots', role: 'group', 'aria-label': 'Free times' });
      const confirm = h('button', { type: 'button', class: 'small' }, 'Move to this time');
      const keep = h('button', { type: 'button', class: 'secondary small' }, 'Keep the current time');
      let chosen = null;
      let request = 0;
      const load = async () => {
        const mine = ++request;
        chosen = null;
        const from = new Date(Math.max(new Date(`${date.value}T00:00`).getTime(), Date.now()));
        const to = new Date(new Date(`${date.value}T00:00`).getTime() + 7 * 864e5);
        try {
          const { items } = await api('GET', `/api/therapists/${encodeURIComponent(a.therapistIds[0])}/slots?${new URLSearchParams({ type: a.type, from: from.toISOString(), to: to.toISOString() })}`);
          if (mine !== request) return;
          if (items.length === 0) render(slots, h('p', { class: 'muted' }, 'No free times that week; try another date.'));
          else renderSlotButtons(slots, items.slice(0, 40), spokenTime, (start) => { chosen = start; });
        } catch (e) { if (mine === request) render(slots, problemAlert(e)); }
      };
      date.addEventListener('change', load);
      confirm.addEventListener('click', () => busy(confirm, async () => {
        if (!chosen) { render(message, problemAlert({ problem: { title: 'Pick a time', detail: 'Choose one of the free times first.' } })); return; }
        try {
          const moved = await api('POST', `/api/appointments/${encodeURIComponent(a.id)}/reschedule`, { start: chosen });
          const text = `Moved: your ${what} is now on ${spokenTime.format(new Date(moved.start))}.`;
          announce(text);
          done(text);
        } catch (e) { render(message, problemAlert(e)); }
      }));
      keep.addEventListener('click', () => close(move));
      const titleId = `move-title-${a.id}`;
      render(panel, h('div', { class: 'confirm', role: 'group', 'aria-labelledby': titleId },
        h('p', { id: titleId, tabindex: '-1' }, `Move your ${what} on ${when} to another free time of ${names[a.therapistIds[0]] || 'your therapist'}:`),
        ...field(`move-date-${a.id}`, 'Week from', date, `Times in ${viewerZone()}.`),
        slots,
        h('div', { class: 'actions' }, confirm, keep)));
      panel.querySelector(`#${CSS.escape(titleId)}`).focus();
      await load();
    });
  }
  render(box, h('p', { class: 'hint' }, `You can cancel${move ? ' or reschedule' : ''} online until ${spokenTime.format(closes)}.`), actions, panel, message);
  return box;
}

export async function upcomingList(person) {
  const message = h('div', { 'aria-live': 'polite' });
  let policy = null;
  try {
    policy = await api('GET', '/api/booking-policy');
    roomOpensMs = policy.roomOpensBeforeMinutes * 60 * 1000;
  } catch (e) { /* keep the default; the server still decides */ }
  const names = await careTeamNames(person);
  const titles = person.role === 'patient' ? PATIENT_TITLES : THERAPIST_TITLES;
  const section = h('section', { 'aria-labelledby': 'upcoming-title' });

  const who = (a) => {
    if (person.role === 'patient') {
      const therapist = a.therapistIds.map((t) => names[t]).filter(Boolean).join(' and ');
      return therapist ? `${SESSION_TYPES[a.type]} with ${therapist}` : SESSION_TYPES[a.type];
    }
    if (a.type === 'circle') return `${a.seatsTaken ?? (a.attendees || []).filter((x) => x.state === 'seated').length} of ${a.capacity} seats taken`;
    return a.patientId ? `With ${names[a.patientId] || 'a patient'}` : null;
  };
  const card = (a) => {
    const waitlisted = (a.attendees || []).some((x) => x.patientId === person.id && x.state === 'waitlisted');
    const over = sessionOver(a);
    return h('li', { class: `card${over ? ' ended' : ''}`, 'data-appointment': a.id },
      h('p', {}, h('strong', {}, titles[a.type]), waitlisted ? h('span', { class: 'badge invited' }, 'On the waitlist') : null),
      who(a) ? h('p', { class: 'card-who' }, who(a)) : null,
      h('p', {}, `${dayFormat.format(new Date(a.start))}, ${timeRange(a)}`),
      a.mode === 'in-clinic' ? h('p', {}, `At the clinic${a.location ? `: ${a.location}` : ''}`, over ? [' ', h('span', { class: 'badge ended' }, 'Ended')] : null)
        : (waitlisted ? null : joinButton(a, message, person)),
      person.role === 'patient' ? selfService(a, policy, names, draw) : null);
  };
  const list = (appointments, empty) => (appointments.length === 0
    ? h('p', { class: 'muted' }, empty)
    : h('ul', { class: 'upcoming' }, appointments.map(card)));

  async function draw(done) {
    const now = new Date();
    const query = new URLSearchParams({ from: new Date(now.getTime() - 3 * 3600e3).toISOString(), to: new Date(now.getTime() + 60 * 864e5).toISOString() });
    const { items } = await api('GET', `/api/appointments?${query}`);
    // Sessions of the last hours stay listed, as ended (no Join): ended early by the host, or past their end.
    const upcoming = items.filter((a) => a.status === 'booked');
    const heading = h('h2', { id: 'upcoming-title', tabindex: '-1' }, person.role === 'patient' ? 'Your upcoming appointments' : 'Your sessions');
    if (person.role === 'patient') {
      render(section, heading,
        h('p', { class: 'muted' }, `Times in ${viewerZone()}.`),
        message,
        // read out once, by announce(); here it stays visible below the focused heading
        done ? h('div', { class: 'alert ok' }, h('p', {}, done)) : null,
        upcoming.length === 0 ? h('p', {}, 'Nothing booked yet.') : list(upcoming));
    } else {
      const groups = groupByWeek(upcoming, now);
      const group = (id, title, appointments, empty) => h('section', { class: 'schedule-group', 'aria-labelledby': id },
        h('h3', { id }, title), list(appointments, empty));
      render(section, heading,
        h('p', { class: 'muted' }, `Times in ${viewerZone()}.`),
        message,
        group('today-title', 'Today', groups.today, 'Nothing booked for the rest of today.'),
        group('this-week-title', 'This week', groups.thisWeek, 'Nothing else booked this week.'),
        group('later-title', 'Later', groups.later, 'Nothing booked after this week (the next 60 days).'));
    }
    // After a change the list is drawn anew: focus goes to its heading, the outcome just below it.
    if (done) heading.focus();
  }
  await draw();
  return section;
}

/**
 * The patient's calendar feed: a secret link their calendar app subscribes to. A new link stops
 * the previous one; "Stop the link" revokes it. Copy uses the Clipboard API, or leaves the link
 * selected in its read-only box for Ctrl+C where that is missing.
 */
export function calendarFeedSection() {
  const message = h('div', { 'aria-live': 'polite' });
  const box = h('div');
  const create = h('button', { type: 'button', class: 'secondary' }, 'Get a calendar link');
  const revoke = h('button', { type: 'button', class: 'secondary' }, 'Stop the link');
  revoke.hidden = true;
  const show = (url) => {
    const input = h('input', { type: 'text', readonly: true, value: url, spellcheck: 'false', class: 'feed-url' });
    const copy = h('button', { type: 'button', class: 'small', title: 'Copy the link' }, 'Copy link');
    copy.addEventListener('click', async () => {
      const copied = await copyText(input);
      render(message, copied ? okAlert(h('p', {}, 'Link copied. Paste it into your calendar app as a subscription.'))
        : h('p', { class: 'hint' }, 'The link is selected: press Ctrl+C (or ⌘C) to copy it.'));
      if (!copied) { input.focus(); input.select(); }
    });
    render(box, ...field('calendar-feed-url', 'Your calendar link', input, 'Keep it private: anyone with the link sees your session times (never what they are about).'),
      h('div', { class: 'actions' }, copy));
    create.textContent = 'Get a new link';
    revoke.hidden = false;
    return copy;
  };
  create.addEventListener('click', () => busy(create, async () => {
    render(message);
    try {
      const { url } = await api('POST', '/api/me/calendar-feed');
      show(url).focus();
      announce('Calendar link ready. Links made earlier no longer work.');
    } catch (e) { render(message, problemAlert(e)); }
  }));
  revoke.addEventListener('click', () => busy(revoke, async () => {
    try {
      await api('POST', '/api/me/calendar-feed/revoke');
      render(box);
      revoke.hidden = true;
      create.textContent = 'Get a calendar link';
      render(message, okAlert(h('p', {}, 'The link is stopped: calendars subscribed to it no longer update.')));
      create.focus();
    } catch (e) { render(message, problemAlert(e)); }
  }));
  return h('section', { class: 'card', 'aria-labelledby': 'feed-title' },
    h('h2', { id: 'feed-title', class: 'card-title' }, 'Calendar feed'),
    h('p', {}, 'Add your sessions to your own calendar app (Google, Apple, Outlook): get a link and subscribe to it there. '
      + 'A new link replaces the one before.'),
    box, h('div', { class: 'actions' }, create, revoke), message);
}

export async function scheduleSection(main, person) {
  try {
    return await upcomingList(person);
  } catch (e) {
    return problemAlert(e);
  }
}
