// The clinic calendar for admins: a week per therapist (or the whole clinic), booking with offered
// slots, dosing recorded in-clinic, circles with seats and a waitlist, cancel and reschedule.
import { api } from '../api.js';
import { announce, busy, field, formatTime, h, okAlert, problemAlert, render } from '../dom.js';
import { dosingRecordForm, dosingRecordText } from '../care.js';

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

export function timeRange(a) {
  return `${timeFormat.format(new Date(a.start))}–${timeFormat.format(new Date(a.end))}`;
}

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
  let weekStart = startOfWeek(new Date());

  const therapistFilter = h('select', { id: 'calendar-therapist' }, h('option', { value: '' }, 'Whole clinic'),
    therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const weekLabel = h('span', { class: 'week-label', 'aria-live': 'polite' });
  const grid = h('div', { class: 'week' });
  const details = h('div', { id: 'appointment-details' });

  async function loadWeek() {
    const from = weekStart.toISOString();
    const to = addDays(weekStart, 7).toISOString();
    const query = new URLSearchParams({ from, to });
    if (therapistFilter.value) query.set('therapistId', therapistFilter.value);
    weekLabel.textContent = `Week of ${dayFormat.format(weekStart)} (times in ${zone()})`;
    try {
      const { items } = await api('GET', `/api/appointments?${query}`);
      render(grid, [...Array(7).keys()].map((i) => {
        const day = addDays(weekStart, i);
        const next = addDays(day, 1);
        const todays = items.filter((a) => new Date(a.start) >= day && new Date(a.start) < next);
        return h('section', { class: 'day', 'aria-label': dayFormat.format(day) },
          h('h3', {}, dayFormat.format(day)),
          todays.length === 0 ? h('p', { class: 'muted' }, 'Nothing booked') : h('ul', { class: 'appointments' },
            todays.map((a) => h('li', { class: `appt ${a.type} ${a.status}` },
              h('button', { type: 'button', class: 'appt-button', onclick: () => showDetails(a.id) },
                h('span', { class: 'appt-time' }, timeRange(a)), ' ',
                h('span', {}, `${TYPE_NAMES[a.type]}${a.patientId ? ` · ${names[a.patientId] || a.patientId}` : ''}`),
                a.status === 'cancelled' ? h('span', { class: 'badge' }, 'Cancelled') : null,
                a.status !== 'cancelled' && (a.sessionEndedAt || new Date(a.end) <= new Date()) ? h('span', { class: 'badge ended' }, 'Ended') : null,
                a.type === 'circle' ? h('span', { class: 'badge' }, `${a.seatsTaken}/${a.capacity} seats, ${a.waitlistLength} waiting`) : null)))));
      }));
    } catch (e) {
      render(grid, problemAlert(e));
    }
  }

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

  therapistFilter.addEventListener('change', loadWeek);
  const previous = h('button', { type: 'button', class: 'secondary small', onclick: () => { weekStart = addDays(weekStart, -7); loadWeek(); } }, 'Previous week');
  const next = h('button', { type: 'button', class: 'secondary small', onclick: () => { weekStart = addDays(weekStart, 7); loadWeek(); } }, 'Next week');
  render(main,
    h('h1', {}, 'Calendar'),
    bookingForm(therapists, patients, names, async (a) => {
      weekStart = startOfWeek(new Date(a.start));
      await loadWeek();
      showDetails(a.id);
    }),
    h('section', { 'aria-labelledby': 'week-title' },
      h('h2', { id: 'week-title' }, 'Week'),
      h('div', { class: 'actions' }, h('label', { for: 'calendar-therapist' }, 'Show'), therapistFilter, previous, next),
      weekLabel, grid),
    details);
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
      render(slots, items.map((s) => {
        const b = h('button', { type: 'button', class: 'slot secondary small', 'aria-pressed': 'false' }, timeFormat.format(new Date(s)));
        b.addEventListener('click', () => {
          slots.querySelectorAll('.slot').forEach((x) => x.setAttribute('aria-pressed', 'false'));
          b.setAttribute('aria-pressed', 'true');
          chosen = s;
        });
        return b;
      }));
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
  return h('section', { class: 'card', 'aria-labelledby': 'book-title' }, h('h2', { id: 'book-title' }, 'Book an appointment'), form, message);
}
