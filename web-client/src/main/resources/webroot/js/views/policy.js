// The clinic's booking rules (GET/PUT /api/booking-policy). Admins edit them; anyone signed in may
// read them, so therapists and patients who open the page see the rules but no way to change them.
// The server is the judge of every value (the contract's limits, min ≤ max window): the inputs only
// suggest steps, and a refusal is shown at the field it names.
import { api } from '../api.js';
import { busy, clearFieldErrors, field, h, okAlert, problemAlert, render, showProblem } from '../dom.js';

const TYPES = [['preparation', 'Preparation'], ['integration', 'Integration'], ['circle', 'Group circle'], ['dosing', 'Dosing (in clinic)']];

/**
 * A whole-number input named by the request's property path (`types.circle.durationMinutes`),
 * so a problem's `field` finds it.
 */
function number(name, value, step = 1) {
  return h('input', { name, type: 'number', inputmode: 'numeric', step: String(step), value: String(value ?? '') });
}

/** An empty input is sent as null: the server then names that field, instead of a silent 0 being saved. */
function valueOf(input) {
  return input.value.trim() === '' ? null : Number(input.value);
}

function policyForm(policy, canEdit) {
  const message = h('div', { 'aria-live': 'polite' });
  const inputs = {};
  const add = (input) => { inputs[input.name] = input; return input; };
  const typeGroups = TYPES.map(([type, name]) => {
    const rules = policy.types[type];
    const id = (what) => `policy-${type}-${what}`;
    return h('fieldset', {}, h('legend', {}, name),
      h('div', { class: 'grid' },
        h('div', {}, field(id('duration'), 'Duration (minutes)', add(number(`types.${type}.durationMinutes`, rules.durationMinutes, 5)))),
        h('div', {}, field(id('before'), 'Buffer before (minutes)', add(number(`types.${type}.bufferBeforeMinutes`, rules.bufferBeforeMinutes, 5)))),
        h('div', {}, field(id('after'), 'Buffer after (minutes)', add(number(`types.${type}.bufferAfterMinutes`, rules.bufferAfterMinutes, 5))))));
  });
  const mayBook = h('input', { type: 'checkbox', id: 'policy-patients-may-book', name: 'patientsMayBook', checked: policy.patientsMayBook });
  const save = canEdit ? h('button', { type: 'submit' }, 'Save booking rules') : null;
  // A disabled fieldset disables every control in it: the read-only page is the same form.
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', { class: 'plain', disabled: !canEdit },
      h('h2', {}, 'Length and buffers per type'),
      h('p', { class: 'hint' }, 'Durations from 5 minutes to 12 hours, buffers up to 4 hours, all in steps of 5 minutes. '
        + 'Buffers are kept free around each appointment; a therapist\'s own buffer applies where it is longer.'),
      typeGroups,
      h('h2', {}, 'Course and cancellations'),
      h('div', { class: 'grid' },
        h('div', {}, field('policy-window-min', 'Integration earliest (days after the dosing)', add(number('integrationWindowMinDays', policy.integrationWindowMinDays)),
          '0 allows the day of the dosing itself.')),
        h('div', {}, field('policy-window-max', 'Integration latest (days after the dosing)', add(number('integrationWindowMaxDays', policy.integrationWindowMaxDays)),
          'Up to 365 days; not before the earliest day.')),
        h('div', {}, field('policy-cutoff', 'Patients may cancel until (hours before the start)', add(number('patientCancellationCutoffHours', policy.patientCancellationCutoffHours)),
          'Closer to the start, patients cannot cancel or move it themselves; admins can, giving a reason.')),
        h('div', {}, field('policy-room-opens', 'Session room opens (minutes before the start)', add(number('roomOpensBeforeMinutes', policy.roomOpensBeforeMinutes)),
          '0 to 120 minutes.')),
        h('div', {}, field('policy-circle-capacity', 'Default circle size (seats)', add(number('defaultCircleCapacity', policy.defaultCircleCapacity)),
          '2 to 50; used when a circle is booked without a size.'))),
      h('div', { class: 'check' }, mayBook, h('label', { for: 'policy-patients-may-book' }, 'Patients may book their therapist\'s open times themselves'))),
    // The answer shows beside the button: the top of this long form is out of sight when saving.
    save && h('div', { class: 'actions' }, save), save && message);
  if (!canEdit) return form;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { types: {}, patientsMayBook: mayBook.checked };
    for (const [name, input] of Object.entries(inputs)) {
      const [first, type, rule] = name.split('.');
      if (first === 'types') (body.types[type] ||= {})[rule] = valueOf(input);
      else body[name] = valueOf(input);
    }
    busy(save, async () => {
      try {
        await api('PUT', '/api/booking-policy', body);
        clearFieldErrors(form);
        render(message, okAlert(h('p', {}, 'Booking rules saved. New bookings follow them from now on; appointments already booked keep their times.')));
      } catch (e) {
        showProblem(message, e, form);
      }
    });
  });
  return form;
}

export async function policyView(main, person) {
  const canEdit = person.role === 'admin';
  let policy;
  try {
    policy = await api('GET', '/api/booking-policy');
  } catch (e) {
    render(main, h('h1', {}, 'Booking rules'), problemAlert(e));
    return;
  }
  render(main, h('h1', {}, 'Booking rules'),
    h('p', { class: 'lead' }, 'How long each kind of appointment lasts and the time kept free around it, the integration window, and cancellations.'),
    canEdit ? null : h('div', { class: 'alert warning', role: 'note' }, h('p', {}, 'Only clinic admins can change these rules. Ask your clinic\'s admin if something should change.')),
    policyForm(policy, canEdit));
}
