// Email (issue 15, docs/adr/0029): the clinic's mail settings for its admins (when reminders go out,
// what a dosing reminder asks patients to prepare; GET/PUT /api/mail-settings) and each person's
// own choice of the optional emails (GET/PUT /api/me/mail-preferences). The server judges every
// value; a refusal is shown at the field it names.
import { api } from '../api.js';
import { busy, clearFieldErrors, field, h, okAlert, problemAlert, render, showProblem } from '../dom.js';

const UNITS = [['days', 'days', 1440], ['hours', 'hours', 60], ['minutes', 'minutes', 1]];
const MAX_REMINDERS = 5;

/** A number of minutes in the largest unit it fills exactly: 1440 → 1 day, 90 → 90 minutes. */
function split(minutes) {
  for (const [unit, , size] of UNITS) {
    if (minutes % size === 0) return { amount: minutes / size, unit };
  }
  return { amount: minutes, unit: 'minutes' };
}

function reminderRow(index, minutes, onRemove) {
  const { amount, unit } = split(minutes);
  const id = `mail-reminder-${index}`;
  const amountInput = h('input', { type: 'number', inputmode: 'numeric', min: '1', step: '1', value: String(amount), class: 'reminder-amount' });
  const unitSelect = h('select', { id: `${id}-unit`, class: 'reminder-unit' },
    UNITS.map(([value, text]) => h('option', { value, selected: value === unit }, text)));
  const row = h('li', { class: 'reminder-row' },
    h('div', { class: 'inline-fields' },
      field(id, `Reminder ${index + 1}: how long before`, amountInput),
      h('label', { for: `${id}-unit`, class: 'visually-hidden' }, `Reminder ${index + 1}: unit`), unitSelect,
      h('button', { type: 'button', class: 'secondary small', onclick: onRemove, 'aria-label': `Remove reminder ${index + 1}` }, 'Remove')));
  row.minutes = () => {
    const n = Number(amountInput.value);
    const size = UNITS.find(([value]) => value === unitSelect.value)[2];
    return amountInput.value.trim() === '' || !Number.isFinite(n) ? null : Math.round(n * size);
  };
  return row;
}

function settingsForm(settings) {
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('ol', { class: 'reminders' });
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add a reminder');
  let rows = [];
  function drawFrom(values) {
    rows = values.map((m, i) => reminderRow(i, m ?? 60, () => {
      const rest = rows.map((r) => r.minutes());
      rest.splice(i, 1);
      drawFrom(rest);
      add.focus();
    }));
    // a problem's field names the list or one of its items: the list's is shown at the first reminder
    rows.forEach((row, i) => { row.querySelector('input').name = i === 0 ? 'reminderOffsetsMinutes' : `reminderOffsetsMinutes.${i}`; });
    render(list, rows.length ? rows : h('li', {}, 'No reminders: none are sent.'));
    add.disabled = rows.length >= MAX_REMINDERS;
  }
  add.addEventListener('click', () => {
    drawFrom([...rows.map((r) => r.minutes()), 60]);
    rows[rows.length - 1].querySelector('input').focus();
  });
  drawFrom([...settings.reminderOffsetsMinutes]);
  const instructions = h('textarea', { name: 'dosingInstructions', rows: '4', maxlength: '1000' }, settings.dosingInstructions);
  const save = h('button', { type: 'submit' }, 'Save mail settings');
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Reminders before each appointment'),
    h('p', { class: 'hint', id: 'mail-reminders-hint' }, 'Up to 5, each 5 minutes to 14 days before. Whole days go out at the same time of day, '
      + 'that many days before, in each person\'s own time zone (also when the clocks change); hours and minutes are counted exactly.'),
    list, h('div', { class: 'actions' }, add),
    h('h2', {}, 'Dosing reminders'),
    field('mail-dosing-instructions', 'What patients should prepare for a dosing', instructions,
      'Sent to the patient with each dosing reminder, e.g. arrange a ride home. No clinical details: email passes other companies\' servers.'),
    h('div', { class: 'actions' }, save), message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { reminderOffsetsMinutes: rows.map((r) => r.minutes()), dosingInstructions: instructions.value };
    busy(save, async () => {
      try {
        const saved = await api('PUT', '/api/mail-settings', body);
        clearFieldErrors(form);
        drawFrom([...saved.reminderOffsetsMinutes]);
        render(message, okAlert(h('p', {}, 'Mail settings saved. Appointments booked or moved from now on get these reminders; reminders already queued keep their times.')));
      } catch (e) {
        showProblem(message, e, form);
      }
    });
  });
  return form;
}

/** #/mail-settings (admins): the clinic's reminder times and dosing instructions. */
export async function mailSettingsView(main) {
  let settings;
  try {
    settings = await api('GET', '/api/mail-settings');
  } catch (e) {
    render(main, h('h1', {}, 'Email settings'), problemAlert(e));
    return;
  }
  render(main, h('h1', {}, 'Email settings'),
    h('p', { class: 'lead' }, 'When Hearth reminds people of their appointments by email, and what a dosing reminder asks patients to prepare.'),
    settingsForm(settings));
}

const KINDS = {
  reminder: ['Appointment reminders', 'Before each appointment, at the times your clinic chose.'],
  'measure-due': ['Questionnaire reminders', 'When a questionnaire of your course is due.'],
  'patient-waiting': ['A patient is waiting', 'When a patient is waiting for you and you have no Hearth tab open.'],
};
const KINDS_OF = { patient: ['reminder', 'measure-due'], therapist: ['reminder', 'patient-waiting'], admin: ['reminder', 'patient-waiting'] };

/** #/settings/email (everyone): which optional emails this person gets. */
export async function emailPreferencesView(main, person) {
  let prefs;
  try {
    prefs = await api('GET', '/api/me/mail-preferences');
  } catch (e) {
    render(main, h('h1', {}, 'Email preferences'), problemAlert(e));
    return;
  }
  const message = h('div', { 'aria-live': 'polite' });
  const kinds = KINDS_OF[person.role] || Object.keys(KINDS);
  const boxes = kinds.map((kind) => {
    const id = `mail-pref-${kind}`;
    const box = h('input', { type: 'checkbox', id, name: kind, checked: prefs[kind] !== false, 'aria-describedby': `${id}-hint` });
    return [kind, box, [h('div', { class: 'check' }, box, h('label', { for: id }, KINDS[kind][0])),
      h('p', { class: 'hint check-hint', id: `${id}-hint` }, KINDS[kind][1])]];
  });
  const save = h('button', { type: 'submit' }, 'Save email preferences');
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Send me these emails'), boxes.map(([, , row]) => row)),
    h('div', { class: 'actions' }, save), message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {};
    for (const [kind, box] of boxes) body[kind] = box.checked;
    busy(save, async () => {
      try {
        await api('PUT', '/api/me/mail-preferences', body);
        render(message, okAlert(h('p', {}, 'Email preferences saved.')));
      } catch (e) {
        showProblem(message, e, form);
      }
    });
  });
  render(main, h('h1', {}, 'Email preferences'),
    h('p', { class: 'lead' }, 'Choose which optional emails Hearth sends you. Each of them also has a link to stop it.'),
    h('div', { class: 'alert info', role: 'note' }, h('p', {}, 'Emails about appointments being booked, moved or cancelled, links to set your password, '
      + 'and safety alerts are always sent: they cannot be turned off.')),
    form);
}
