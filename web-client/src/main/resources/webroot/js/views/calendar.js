// The clinic calendar for admins: a week per therapist (or the whole clinic), booking with offered
// slots, dosing recorded in-clinic, circles with seats and a waitlist, cancel and reschedule.
import { api } from '../api.js';
import { announce, busy, field, formatTime, h as element, okAlert, problemAlert, render } from '../dom.js';
import { dosingRecordForm, dosingRecordText } from '../care.js';
import { renderSlotButtons } from './slot-picker.js';

/**
 * dom.js's h, with `style` applied through the CSSOM: the CSP forbids style attributes, and the
 * grid places everything by top and height.
 */
function h(tag, attrs = {}, ...children) {
  if (!attrs || !attrs.style) return element(tag, attrs, ...children);
  const { style, ...rest } = attrs;
  const el = element(tag, rest, ...children);
  style.split(';').filter(Boolean).forEach((rule) => {
    const at = rule.indexOf(':');
    el.style.setProperty(rule.substring(0, at).trim(), rule.substring(at + 1).trim());
  });
  return el;
}

const TYPE_NAMES = { preparation: 'Preparation', integration: 'Integration', circle: 'Group circle', dosing: 'Dosing (in clinic)' };
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

function startOfWeek(date) {
  const d = new Date(date);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7)); // Monday
  return d;
}

function addDays(date, days) {
  const d = new Date(date);
  d.setDate(d.getDate() + days);
  return d;
}

/** Over: ended for everyone by its host, or past its booked end (as on the session cards). */
function sessionEnded(a, now = Date.now()) {
  return Boolean(a.sessionEndedAt) || Date.parse(a.end) <= now;
}

export function timeRange(a) {
  return `${timeFormat.format(new Date(a.start))}–${timeFormat.format(new Date(a.end))}`;
}

// Grid geometry: a quarter hour is 24 px tall, so every free-time button is a 24 px target (WCAG 2.5.8).
const PX_PER_MINUTE = 1.6;
const NARROW = '(max-width: 40rem)';
const gridTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const columnDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** "Tuesday 3 Dec": the day as people say it, the same shape in every locale's words. */
export function spokenDay(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'short' })
    .formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month}`;
}

function startOfDay(date) {
  const d = new Date(date);
  d.setHours(0, 0, 0, 0);
  return d;
}

function sameDay(a, b) {
  return startOfDay(a).getTime() === startOfDay(b).getTime();
}

/** Minutes since the day's midnight, clamped to the day (a session past midnight ends at 24:00 here). */
function minutesInto(day, instant) {
  const ms = new Date(instant).getTime() - day.getTime();
  return Math.max(0, Math.min(24 * 60, Math.round(ms / 60000)));
}

/** Side-by-side lanes for overlapping appointments of one day: [{a, lane, lanes}]. */
function lanesOf(items) {
  const sorted = [...items].sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  const placed = [];
  let cluster = [];
  let clusterEnd = 0;
  const close = () => { const lanes = Math.max(1, ...cluster.map((p) => p.lane + 1)); cluster.forEach((p) => { p.lanes = lanes; }); cluster = []; };
  for (const a of sorted) {
    const s = Date.parse(a.start);
    if (cluster.length && s >= clusterEnd) close();
    const busyLanes = new Set(cluster.filter((p) => Date.parse(p.a.end) > s).map((p) => p.lane));
    let lane = 0;
    while (busyLanes.has(lane)) lane += 1;
    const p = { a, lane, lanes: 1 };
    cluster.push(p);
    placed.push(p);
    clusterEnd = Math.max(clusterEnd, Date.parse(a.end));
  }
  close();
  return placed;
}

/**
 * The clinic's week or day as a time grid: days as columns, hours as rows, in the viewer's zone
 * (named; the admin's browser zone, as everywhere in Hearth). Appointments sit at their start and
 * length; with one therapist chosen, her free times are buttons that open the booking form filled in.
 * Arrow keys move between the grid's buttons (one tab stop), Home/End to a day's first and last.
 */
export async function calendarView(main) {
  let people = [];
  try {
    people = (await api('GET', '/api/people')).items;
  } catch (e) {
    render(main, h('h1', {}, 'Calendar'), problemAlert(e));
    return;
  }
  const names = Object.fromEntries(people.map((p) => [p.id, p.displayName]));
  const therapists = people.filter((p) => p.role === 'therapist');
  const patients = people.filter((p) => p.role === 'patient');
  const narrow = window.matchMedia(NARROW);
  let mode = narrow.matches ? 'day' : 'week';
  let anchor = startOfDay(new Date()); // the day shown (day view) or a day of the week shown
  let weekStart = startOfWeek(anchor);
  let loadRequest = 0;

  const therapistFilter = h('select', { id: 'calendar-therapist' }, h('option', { value: '' }, 'Whole clinic'),
    therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const slotType = h('select', { id: 'calendar-slot-type' }, Object.entries(TYPE_NAMES).map(([v, t]) => h('option', { value: v }, t)));
  const slotTypeRow = h('div', { class: 'cal-control' }, h('label', { for: 'calendar-slot-type' }, 'Free times for'), slotType);
  const weekLabel = h('p', { class: 'week-label', id: 'calendar-range', 'aria-live': 'polite' });
  const grid = h('div', { class: 'cal-grid-wrap', role: 'region', 'aria-labelledby': 'calendar-range' });
  const details = h('div', { id: 'appointment-details' });
  const weekButton = h('button', { type: 'button', class: 'secondary small cal-week-toggle', 'aria-pressed': 'true' }, 'Week');
  const dayButton = h('button', { type: 'button', class: 'secondary small', 'aria-pressed': 'false' }, 'Day');
  let nowTimer = null;

  const days = () => (effectiveMode() === 'week' ? [...Array(7).keys()].map((i) => addDays(weekStart, i)) : [anchor]);
  function effectiveMode() { return narrow.matches ? 'day' : mode; }

  async function loadWeek() {
    const mine = ++loadRequest;
    weekStart = startOfWeek(anchor);
    const shown = days();
    const from = shown[0];
    const to = addDays(shown[shown.length - 1], 1);
    weekButton.setAttribute('aria-pressed', String(effectiveMode() === 'week'));
    dayButton.setAttribute('aria-pressed', String(effectiveMode() === 'day'));
    weekLabel.textContent = effectiveMode() === 'week'
      ? `Week of ${spokenDay(from)} to ${spokenDay(addDays(from, 6))}, times in ${zone()}`
      : `${spokenDay(from)}${sameDay(from, new Date()) ? ' (today)' : ''}, times in ${zone()}`;
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    const therapistId = therapistFilter.value;
    if (therapistId) query.set('therapistId', therapistId);
    slotTypeRow.hidden = !therapistId;
    try {
      const slotQuery = new URLSearchParams({ type: slotType.value, from: new Date(Math.max(from.getTime(), Date.now())).toISOString(), to: to.toISOString() });
      const [{ items }, slots] = await Promise.all([
        api('GET', `/api/appointments?${query}`),
        therapistId && to.getTime() > Date.now()
          ? api('GET', `/api/therapists/${encodeURIComponent(therapistId)}/slots?${slotQuery}`).then((r) => r.items) : Promise.resolve([])]);
      if (mine !== loadRequest) return;
      renderGrid(shown, items, slots, therapistId);
    } catch (e) {
      if (mine === loadRequest) render(grid, problemAlert(e));
    }
  }

  function appointmentName(a) {
    const who = a.patientId ? `${names[a.patientId] || a.patientId} with ` : '';
    const state = a.status === 'cancelled' ? ', cancelled' : (sessionEnded(a) ? ', ended' : '');
    const seats = a.type === 'circle' ? `, ${a.seatsTaken} of ${a.capacity} seats, ${a.waitlistLength} waiting` : '';
    return `${TYPE_NAMES[a.type]} ${spokenDay(new Date(a.start))} ${gridTime.format(new Date(a.start))}–${gridTime.format(new Date(a.end))}, `
      + `${who}${a.therapistIds.map((t) => names[t] || t).join(' and ')}${seats}${state}`;
  }

  function renderGrid(shown, items, slots, therapistId) {
    const perDay = shown.map((day) => {
      const next = addDays(day, 1);
      return {
        day,
        appts: items.filter((a) => new Date(a.start) < next && new Date(a.end) > day),
        slots: slots.filter((s) => new Date(s) >= day && new Date(s) < next),
      };
    });
    // Office hours by default; wider when something falls outside them.
    let first = 7 * 60;
    let last = 21 * 60;
    perDay.forEach(({ day, appts, slots: free }) => {
      appts.forEach((a) => { first = Math.min(first, minutesInto(day, a.start)); last = Math.max(last, minutesInto(day, a.end)); });
      free.forEach((s) => { first = Math.min(first, minutesInto(day, s)); last = Math.max(last, minutesInto(day, s) + 60); });
    });
    first = Math.floor(first / 60) * 60;
    last = Math.min(24 * 60, Math.ceil(last / 60) * 60);
    const top = (m) => `${(m - first) * PX_PER_MINUTE}px`;
    const height = `${(last - first) * PX_PER_MINUTE}px`;
    const typeName = TYPE_NAMES[slotType.value];
    const therapistName = names[therapistId];
    const now = new Date();

    const hours = [];
    for (let m = first; m < last; m += 60) {
      hours.push(h('div', { class: 'cal-hour', style: `top:${top(m)}` }, gridTime.format(new Date(2000, 0, 1, m / 60))));
    }
    const columns = perDay.map(({ day, appts, slots: free }, col) => {
      const today = sameDay(day, now);
      const body = h('div', { class: 'cal-day-body', style: `height:${height}` },
        ...[...Array((last - first) / 60).keys()].map((i) => h('div', { class: 'cal-line', style: `top:${top(first + i * 60)}`, 'aria-hidden': 'true' })),
        free.map((s) => {
          const start = new Date(s);
          const m = minutesInto(day, s);
          return h('button', {
            type: 'button', class: 'cal-slot', style: `top:${top(m)}`, 'data-col': col, 'data-minute': m, tabindex: -1,
            'aria-label': `Book ${spokenDay(start)} ${gridTime.format(start)} with ${therapistName}`,
            title: `Book a ${typeName.toLowerCase()} at ${gridTime.format(start)}`,
            onclick: () => booking.prefill(therapistId, slotType.value, s),
          }, h('span', { 'aria-hidden': 'true' }, gridTime.format(start)));
        }),
        lanesOf(appts).map(({ a, lane, lanes }) => {
          const m = minutesInto(day, a.start);
          const len = Math.max(15, minutesInto(day, a.end) - m);
          const state = a.status === 'cancelled' ? 'cancelled' : (sessionEnded(a) ? 'ended' : 'booked');
          return h('button', {
            type: 'button', class: `cal-appt ${a.type} ${state}`, 'data-col': col, 'data-minute': m, tabindex: -1,
            'data-appointment': a.id, 'aria-label': appointmentName(a),
            style: `top:${top(m)};height:${len * PX_PER_MINUTE - 2}px;left:calc(${(lane / lanes) * 100}% + 2px);width:calc(${100 / lanes}% - 4px)`,
            onclick: () => showDetails(a.id),
          },
          h('span', { class: 'appt-time' }, `${gridTime.format(new Date(a.start))}–${gridTime.format(new Date(a.end))}`), ' ',
          h('span', { class: 'cal-appt-type' }, TYPE_NAMES[a.type]),
          a.patientId ? h('span', { class: 'cal-appt-who' }, names[a.patientId] || a.patientId) : null,
          h('span', { class: 'cal-appt-who muted' }, a.therapistIds.map((t) => names[t] || t).join(', ')),
          state !== 'booked' ? h('span', { class: `badge ${state === 'ended' ? 'ended' : ''}` }, state === 'ended' ? 'Ended' : 'Cancelled') : null);
        }),
        today && minutesInto(day, now) >= first && minutesInto(day, now) < last
          ? h('div', { class: 'cal-now', style: `top:${top(minutesInto(day, now))}`, 'data-now': 'true' },
            h('span', { class: 'visually-hidden' }, `Now, ${gridTime.format(now)}`)) : null);
      return h('section', { class: `cal-day${today ? ' today' : ''}`, 'aria-label': `${spokenDay(day)}${today ? ', today' : ''}` },
        h('h3', { class: 'cal-day-head', 'aria-current': today ? 'date' : null },
          columnDay.format(day), today ? h('span', { class: 'badge today-badge' }, 'Today') : null),
        body);
    });
    const hint = therapistId
      ? (slots.length ? `Free times of ${therapistName} for a ${typeName.toLowerCase()} are shown as buttons; choose one to book it.` : `${therapistName} has no free time for a ${typeName.toLowerCase()} here.`)
      : 'Choose a therapist under “Show” to see free times and book one.';
    render(grid,
      h('p', { class: 'hint', id: 'calendar-help' }, hint, ' Arrow keys move between times and appointments.'),
      h('div', { class: `cal-grid ${effectiveMode()}`, style: `--cal-days:${shown.length}`, role: 'group', 'aria-labelledby': 'calendar-range', 'aria-describedby': 'calendar-help' },
        h('div', { class: 'cal-gutter', 'aria-hidden': 'true' }, h('div', { class: 'cal-day-head' }), h('div', { class: 'cal-gutter-body', style: `height:${height}` }, hours)),
        columns));
    const focusables = [...grid.querySelectorAll('[data-col]')];
    const start = focusables.find((b) => Number(b.dataset.minute) >= minutesInto(startOfDay(now), now) && sameDay(shown[Number(b.dataset.col)], now))
      || focusables[0];
    if (start) start.tabIndex = 0;
    clearInterval(nowTimer);
    nowTimer = setInterval(() => {
      if (!grid.isConnected) { clearInterval(nowTimer); return; }
      const line = grid.querySelector('.cal-now');
      const t = new Date();
      if (line) {
        line.style.top = top(minutesInto(startOfDay(t), t));
        line.querySelector('span').textContent = `Now, ${gridTime.format(t)}`;
      }
    }, 60000);
    // A scrolled box needs a way in by keyboard when it holds no button (axe: scrollable-region-focusable).
    if (start) grid.removeAttribute('tabindex'); else grid.setAttribute('tabindex', '0');
    // Open on the current time (or the first thing of the day), inside the grid's own scroll box.
    const line = grid.querySelector('.cal-now') || start;
    if (line) grid.scrollTop = Math.max(0, line.getBoundingClientRect().top - grid.getBoundingClientRect().top + grid.scrollTop - grid.clientHeight / 3);
  }

  // One tab stop in the grid; the arrow keys walk it (roving tabindex).
  grid.addEventListener('keydown', (event) => {
    const current = event.target.closest('[data-col]');
    if (!current) return;
    const all = [...grid.querySelectorAll('[data-col]')];
    const col = Number(current.dataset.col);
    const minute = Number(current.dataset.minute);
    const inCol = (c) => all.filter((b) => Number(b.dataset.col) === c).sort((x, y) => x.dataset.minute - y.dataset.minute);
    const nearest = (c) => inCol(c).sort((x, y) => Math.abs(x.dataset.minute - minute) - Math.abs(y.dataset.minute - minute))[0];
    const column = inCol(col);
    const index = column.indexOf(current);
    let target = null;
    if (event.key === 'ArrowDown') target = column[index + 1];
    else if (event.key === 'ArrowUp') target = column[index - 1];
    else if (event.key === 'Home') target = column[0];
    else if (event.key === 'End') target = column[column.length - 1];
    else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      const step = event.key === 'ArrowRight' ? 1 : -1;
      const cols = [...new Set(all.map((b) => Number(b.dataset.col)))].sort((x, y) => x - y);
      const nextCol = step > 0 ? cols.find((c) => c > col) : [...cols].reverse().find((c) => c < col);
      if (nextCol !== undefined) target = nearest(nextCol);
    } else return;
    event.preventDefault();
    if (!target) return;
    all.forEach((b) => { b.tabIndex = -1; });
    target.tabIndex = 0;
    target.focus();
  });

  async function showDetails(id) {
    try {
      const a = await api('GET', `/api/appointments/${encodeURIComponent(id)}`);
      renderDetails(a);
      details.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      render(details, problemAlert(e));
    }
  }

  function renderDetails(a) {
    const message = h('div');
    const reason = h('input', { name: 'reason', type: 'text', maxlength: 500 });
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel appointment');
    cancel.addEventListener('click', () => busy(cancel, async () => {
      try {
        const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
        renderDetails(await api('POST', `/api/appointments/${a.id}/cancel`, body));
        announce('Appointment cancelled');
        loadWeek();
      } catch (e) { render(message, problemAlert(e)); }
    }));
    const newStart = h('input', { name: 'start', type: 'datetime-local', step: 300 });
    const move = h('button', { type: 'button', class: 'secondary' }, 'Reschedule');
    move.addEventListener('click', () => busy(move, async () => {
      try {
        const body = { start: new Date(newStart.value).toISOString() };
        if (reason.value.trim()) body.reason = reason.value.trim();
        const moved = await api('POST', `/api/appointments/${a.id}/reschedule`, body);
        announce('Appointment moved');
        await loadWeek();
        showDetails(moved.id);
      } catch (e) { render(message, problemAlert(e)); }
    }));
    const seatPatient = h('select', { name: 'patientId' }, patients.map((p) => h('option', { value: p.id }, p.displayName)));
    const seat = h('button', { type: 'button' }, 'Add to circle');
    seat.addEventListener('click', () => busy(seat, async () => {
      try {
        renderDetails(await api('POST', `/api/appointments/${a.id}/seats`, { patientId: seatPatient.value }));
        loadWeek();
      } catch (e) { render(message, problemAlert(e)); }
    }));
    const booked = a.status === 'booked';
    render(details, h('section', { class: 'card', 'aria-labelledby': 'details-title' },
      h('h2', { id: 'details-title' }, `${TYPE_NAMES[a.type]} · ${dayFormat.format(new Date(a.start))}, ${timeRange(a)} (${zone()})`),
      h('dl', { class: 'profile' },
        h('dt', {}, 'Status'), h('dd', {}, a.status === 'booked' ? 'Booked' : 'Cancelled'),
        h('dt', {}, a.type === 'circle' ? 'Facilitators' : 'Therapist'), h('dd', {}, a.therapistIds.map((t) => names[t] || t).join(', ')),
        a.patientId ? [h('dt', {}, 'Patient'), h('dd', {}, names[a.patientId] || a.patientId)] : null,
        h('dt', {}, 'Where'), h('dd', {}, a.mode === 'in-clinic' ? `In the clinic: ${a.location}` : 'Remote (video room)'),
        a.type === 'dosing' ? [h('dt', {}, 'Dosing record'), h('dd', { class: 'dosing-status' }, dosingRecordText(a.dosingRecord))] : null),
      a.patientId ? h('p', {}, h('a', { href: `#/patients/${encodeURIComponent(a.patientId)}` }, `Course of care of ${names[a.patientId] || 'the patient'}`)) : null,
      // Hearth hosts no dosing; the clinic records afterwards that it happened (or not).
      a.type === 'dosing' && a.status === 'booked' && Date.parse(a.start) <= Date.now()
        ? h('details', { open: !a.dosingRecord }, h('summary', {}, a.dosingRecord ? 'Change the dosing record' : 'Record this dosing'),
          dosingRecordForm(a, () => showDetails(a.id))) : null,
      a.type === 'circle' ? h('div', {},
        h('h3', {}, `Seats ${a.seatsTaken} of ${a.capacity}`),
        h('ol', { class: 'attendees' }, (a.attendees || []).map((x) => {
          const release = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Free the place of ${names[x.patientId] || x.patientId}` }, 'Free place');
          release.addEventListener('click', () => busy(release, async () => {
            try {
              renderDetails(await api('POST', `/api/appointments/${a.id}/seats/${x.patientId}/release`, { reason: reason.value.trim() || undefined }));
              announce('Place freed');
              loadWeek();
            } catch (e) { render(message, problemAlert(e)); }
          }));
          return h('li', { class: `attendee ${x.state}` }, `${names[x.patientId] || x.patientId} — ${x.state === 'seated' ? 'seated' : 'waitlisted'} `, booked ? release : null);
        })),
        booked ? h('div', { class: 'actions' }, field('seat-patient', 'Patient to seat', seatPatient), seat) : null) : null,
      booked ? h('div', {},
        field('change-reason', 'Reason (needed close to the start)', reason),
        a.type !== 'circle' ? field('new-start', 'New start', newStart, `your local time, ${zone()}`) : null,
        h('div', { class: 'actions' }, a.type !== 'circle' ? move : null, cancel)) : null,
      message,
      h('details', {}, h('summary', {}, 'History'), h('ul', {}, (a.history || []).map((e) =>
        h('li', {}, h('time', { datetime: e.at }, formatTime(e.at)), ` — ${e.action}${e.detail ? ` (${e.detail})` : ''}`))))));
  }

  const move = (days) => { anchor = addDays(anchor, effectiveMode() === 'week' ? 7 * days : days); loadWeek(); };
  therapistFilter.addEventListener('change', loadWeek);
  slotType.addEventListener('change', loadWeek);
  weekButton.addEventListener('click', () => { mode = 'week'; loadWeek(); });
  dayButton.addEventListener('click', () => { mode = 'day'; loadWeek(); });
  narrow.addEventListener('change', () => { if (grid.isConnected) loadWeek(); });
  const previous = h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Previous', title: 'Previous week or day', onclick: () => move(-1) }, '‹ Previous');
  const today = h('button', { type: 'button', class: 'secondary small', onclick: () => { anchor = startOfDay(new Date()); loadWeek(); } }, 'Today');
  const next = h('button', { type: 'button', class: 'secondary small', 'aria-label': 'Next', title: 'Next week or day', onclick: () => move(1) }, 'Next ›');
  const booking = bookingForm(therapists, patients, names, async (a) => {
    anchor = startOfDay(new Date(a.start));
    await loadWeek();
    showDetails(a.id);
  });
  render(main,
    h('h1', {}, 'Calendar'),
    h('section', { 'aria-labelledby': 'week-title', class: 'cal' },
      h('h2', { id: 'week-title' }, 'Schedule'),
      h('div', { class: 'cal-toolbar' },
        h('div', { class: 'cal-control' }, h('label', { for: 'calendar-therapist' }, 'Show'), therapistFilter),
        slotTypeRow,
        h('div', { class: 'cal-nav', role: 'group', 'aria-label': 'Move in time' }, previous, today, next),
        h('div', { class: 'cal-nav', role: 'group', 'aria-label': 'View' }, weekButton, dayButton)),
      weekLabel, grid),
    details,
    booking.element);
  await loadWeek();
}

function bookingForm(therapists, patients, names, onBooked) {
  const message = h('div');
  const type = h('select', { name: 'type' }, Object.entries(TYPE_NAMES).map(([v, t]) => h('option', { value: v }, t)));
  const therapist = h('select', { name: 'therapistIds' }, therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const cofacilitator = h('select', { name: 'cofacilitator' }, h('option', { value: '' }, 'None'),
    therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const patient = h('select', { name: 'patientId' }, patients.map((p) => h('option', { value: p.id }, p.displayName)));
  const date = h('input', { name: 'date', type: 'date' });
  const location = h('input', { name: 'location', type: 'text', maxlength: 200, placeholder: 'e.g. Treatment room 2' });
  const capacity = h('input', { name: 'capacity', type: 'number', min: 2, max: 50, value: 8 });
  const dosing = h('select', { name: 'dosingAppointmentId' });
  const slots = h('div', { class: 'slots', role: 'group', 'aria-label': 'Open times' });
  let chosen = null;

  const patientRow = h('div', {}, field('book-patient', 'Patient', patient));
  const dosingRow = h('div', {}, field('book-dosing', 'Dosing it belongs to', dosing));
  const locationRow = h('div', {}, field('book-location', 'Room in the clinic', location));
  const circleRow = h('div', { class: 'grid' },
    h('div', {}, field('book-cofacilitator', 'Co-facilitator', cofacilitator)),
    h('div', {}, field('book-capacity', 'Seats', capacity)));

  let dosingRequest = 0;
  async function loadDosings() {
    const mine = ++dosingRequest;
    dosing.replaceChildren(h('option', { value: '' }, type.value === 'integration' ? 'Choose the dosing' : 'Not linked'));
    if (!['integration', 'preparation'].includes(type.value) || !patient.value) return;
    const now = Date.now();
    const query = new URLSearchParams({ patientId: patient.value, from: new Date(now - 14 * 864e5).toISOString(), to: new Date(now + 45 * 864e5).toISOString() });
    try {
      const { items } = await api('GET', `/api/appointments?${query}`);
      if (mine !== dosingRequest) return;
      items.filter((a) => a.type === 'dosing' && a.status === 'booked').forEach((a) =>
        dosing.append(h('option', { value: a.id }, `${dayFormat.format(new Date(a.start))}, ${timeRange(a)}`)));
    } catch (e) { render(message, problemAlert(e)); }
  }

  function refreshFields() {
    patientRow.hidden = type.value === 'circle';
    dosingRow.hidden = !['integration', 'preparation'].includes(type.value);
    locationRow.hidden = type.value !== 'dosing';
    circleRow.hidden = type.value !== 'circle';
    loadDosings();
    render(slots);
    chosen = null;
  }

  let slotRequest = 0; // answers to older requests are dropped: the form may change while one is in flight
  async function loadSlots() {
    const mine = ++slotRequest;
    render(slots);
    chosen = null;
    if (!date.value) return;
    const from = new Date(`${date.value}T00:00`);
    const query = new URLSearchParams({ type: type.value, from: from.toISOString(), to: new Date(from.getTime() + 864e5).toISOString() });
    try {
      const { items } = await api('GET', `/api/therapists/${therapist.value}/slots?${query}`);
      if (mine !== slotRequest) return;
      if (items.length === 0) { render(slots, h('p', { class: 'muted' }, 'No open times that day.')); return; }
      renderSlotButtons(slots, items, timeFormat, (start) => { chosen = start; });
    } catch (e) { render(slots, problemAlert(e)); }
  }

  type.addEventListener('change', refreshFields);
  patient.addEventListener('change', loadDosings);
  therapist.addEventListener('change', loadSlots);
  date.addEventListener('change', loadSlots);
  type.addEventListener('change', loadSlots);

  const submit = h('button', { type: 'submit' }, 'Book');
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      h('div', {}, field('book-type', 'Appointment type', type)),
      h('div', {}, field('book-therapist', 'Therapist', therapist)),
      h('div', {}, field('book-date', 'Date', date, `times below are in ${zone()}`))),
    patientRow, dosingRow, locationRow, circleRow, slots, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    render(message);
    if (!chosen) { render(message, problemAlert({ problem: { title: 'Pick a time', detail: 'Choose a date, then one of the open times.' } })); return; }
    const body = { type: type.value, therapistIds: [therapist.value], start: chosen };
    if (type.value === 'circle') {
      if (cofacilitator.value && cofacilitator.value !== therapist.value) body.therapistIds.push(cofacilitator.value);
      body.capacity = Number(capacity.value);
    } else {
      body.patientId = patient.value;
    }
    if (type.value === 'dosing') { body.location = location.value.trim(); body.mode = 'in-clinic'; }
    if (dosing.value && !dosingRow.hidden) body.dosingAppointmentId = dosing.value;
    busy(submit, async () => {
      try {
        const a = await api('POST', '/api/appointments', body);
        render(message, okAlert(h('p', {}, `Booked: ${TYPE_NAMES[a.type]} on ${dayFormat.format(new Date(a.start))}, ${timeRange(a)} (${zone()})`)));
        announce('Appointment booked');
        await loadSlots();
        await loadDosings();
        onBooked(a);
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  });
  refreshFields();
  const element = h('section', { class: 'card', id: 'book', 'aria-labelledby': 'book-title' }, h('h2', { id: 'book-title' }, 'Book an appointment'), form, message);
  /** From a free time in the grid: the form filled in with that therapist, type and time, focus on what is left to choose. */
  async function prefill(therapistId, appointmentType, start) {
    render(message);
    type.value = appointmentType;
    therapist.value = therapistId;
    refreshFields();
    const d = new Date(start);
    date.value = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await loadSlots();
    const wanted = [...slots.querySelectorAll('.slot')].find((b) => b.dataset.start === start);
    if (wanted) wanted.click();
    element.scrollIntoView({ block: 'start' });
    (type.value === 'circle' ? capacity : patient).focus();
    announce(`Booking form filled in: ${TYPE_NAMES[type.value]}, ${spokenDay(d)} ${gridTime.format(d)} with ${names[therapistId]}. Choose the rest and press Book.`);
  }
  return { element, prefill };
}
