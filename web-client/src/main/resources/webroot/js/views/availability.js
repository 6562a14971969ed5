// Editing a therapist's availability: weekly hours in the therapist's own time zone, date exceptions
// (time off, extra hours), buffers, minimum notice and booking horizon. Admins edit anyone's;
// therapists their own. The server checks everything (overlaps, inverted hours, unknown zones).
import { api } from '../api.js';
import { busy, field, h, okAlert, problemAlert, render } from '../dom.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const DAY_NAMES = { MONDAY: 'Monday', TUESDAY: 'Tuesday', WEDNESDAY: 'Wednesday', THURSDAY: 'Thursday', FRIDAY: 'Friday', SATURDAY: 'Saturday', SUNDAY: 'Sunday' };

let rowCounter = 0;

function weeklyRow(hours = { day: 'MONDAY', start: '09:00', end: '17:00' }) {
  const n = ++rowCounter;
  const row = h('li', { class: 'hours-row' },
    h('label', { for: `day-${n}`, class: 'visually-hidden' }, 'Day'),
    h('select', { id: `day-${n}`, name: 'day' }, DAYS.map((d) => h('option', { value: d, selected: d === hours.day }, DAY_NAMES[d]))),
    h('label', { for: `start-${n}` }, 'from'), h('input', { id: `start-${n}`, name: 'start', type: 'time', value: hours.start, required: true }),
    h('label', { for: `end-${n}` }, 'to'), h('input', { id: `end-${n}`, name: 'end', type: 'time', value: hours.end, required: true }));
  row.append(h('button', { type: 'button', class: 'secondary small', onclick: () => row.remove() }, 'Remove'));
  return row;
}

function exceptionRow(exception = { date: '', kind: 'off' }) {
  const n = ++rowCounter;
  const row = h('li', { class: 'hours-row' },
    h('label', { for: `date-${n}`, class: 'visually-hidden' }, 'Date'), h('input', { id: `date-${n}`, name: 'date', type: 'date', value: exception.date, required: true }),
    h('label', { for: `kind-${n}`, class: 'visually-hidden' }, 'Kind'),
    h('select', { id: `kind-${n}`, name: 'kind' }, h('option', { value: 'off', selected: exception.kind === 'off' }, 'Time off'),
      h('option', { value: 'extra', selected: exception.kind === 'extra' }, 'Extra hours')),
    h('label', { for: `xstart-${n}` }, 'from'), h('input', { id: `xstart-${n}`, name: 'start', type: 'time', value: exception.start || '' }),
    h('label', { for: `xend-${n}` }, 'to'), h('input', { id: `xend-${n}`, name: 'end', type: 'time', value: exception.end || '' }));
  row.append(h('button', { type: 'button', class: 'secondary small', onclick: () => row.remove() }, 'Remove'));
  return row;
}

function availabilityForm(therapistId, current, message) {
  const weekly = h('ul', { class: 'hours', 'aria-label': 'Weekly hours' }, (current.weekly || []).map(weeklyRow));
  const exceptions = h('ul', { class: 'hours', 'aria-label': 'Date exceptions' }, (current.exceptions || []).map(exceptionRow));
  const zoneInput = h('input', { name: 'timeZone', value: current.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone, required: true });
  const number = (name, value, step) => h('input', { name, type: 'number', min: '0', step: String(step), value: String(value ?? 0) });
  const before = number('bufferBeforeMinutes', current.bufferBeforeMinutes, 5);
  const after = number('bufferAfterMinutes', current.bufferAfterMinutes, 5);
  const notice = number('minimumNoticeHours', current.minimumNoticeHours ?? 24, 1);
  const horizon = number('horizonDays', current.horizonDays ?? 60, 1);
  const save = h('button', { type: 'submit' }, 'Save availability');
  const form = h('form', { class: 'card availability', novalidate: true },
    ...field('availability-zone', 'Time zone (IANA, e.g. America/New_York)', zoneInput, 'The hours below are in this zone.'),
    h('h3', {}, 'Weekly hours'), weekly,
    h('button', { type: 'button', class: 'secondary small', onclick: () => weekly.append(weeklyRow()) }, 'Add hours'),
    h('h3', {}, 'Time off and extra hours'), exceptions,
    h('button', { type: 'button', class: 'secondary small', onclick: () => exceptions.append(exceptionRow()) }, 'Add a date'),
    h('div', { class: 'grid' },
      h('div', {}, ...field('availability-before', 'Buffer before (minutes)', before)),
      h('div', {}, ...field('availability-after', 'Buffer after (minutes)', after)),
      h('div', {}, ...field('availability-notice', 'Minimum notice (hours)', notice)),
      h('div', {}, ...field('availability-horizon', 'Bookable up to (days ahead)', horizon))),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      timeZone: zoneInput.value.trim(),
      weekly: [...weekly.children].map((row) => ({ day: row.querySelector('[name=day]').value,
        start: row.querySelector('[name=start]').value, end: row.querySelector('[name=end]').value })),
      exceptions: [...exceptions.children].map((row) => {
        const e = { date: row.querySelector('[name=date]').value, kind: row.querySelector('[name=kind]').value };
        const s = row.querySelector('[name=start]').value;
        const en = row.querySelector('[name=end]').value;
        if (s) e.start = s;
        if (en) e.end = en;
        return e;
      }),
      bufferBeforeMinutes: Number(before.value), bufferAfterMinutes: Number(after.value),
      minimumNoticeHours: Number(notice.value), horizonDays: Number(horizon.value),
    };
    busy(save, async () => {
      try {
        await api('PUT', `/api/therapists/${therapistId}/availability`, body);
        render(message, okAlert(h('p', {}, 'Availability saved. New open times show in the calendar at once.')));
      } catch (e) {
        render(message, problemAlert(e, form));
      }
    });
  });
  return form;
}

export async function availabilityView(main, person) {
  const message = h('div', { 'aria-live': 'polite' });
  const editor = h('div');
  let therapists;
  try {
    therapists = person.role === 'admin'
      ? (await api('GET', '/api/people?role=therapist')).items : [person];
  } catch (e) {
    render(main, h('h1', {}, 'Availability'), problemAlert(e));
    return;
  }
  const picker = h('select', { id: 'availability-therapist' }, therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const load = async () => {
    // The therapist asked for, kept: a slower answer for a therapist picked before must neither be
    // drawn nor, worse, be saved as the hours of the one picked now.
    const therapistId = picker.value;
    render(message);
    let current = {};
    try {
      current = await api('GET', `/api/therapists/${therapistId}/availability`);
    } catch (e) {
      if (e.status !== 404) { if (therapistId === picker.value) render(message, problemAlert(e)); return; }
    }
    if (therapistId === picker.value) render(editor, availabilityForm(therapistId, current, message));
  };
  picker.addEventListener('change', load);
  render(main, h('h1', {}, 'Availability'),
    h('p', { class: 'lead' }, 'When each therapist can be booked for remote sessions, in their own time zone.'),
    person.role === 'admin' ? h('div', { class: 'actions' }, h('label', { for: 'availability-therapist' }, 'Therapist'), picker) : null,
    message, editor);
  await load();
}
