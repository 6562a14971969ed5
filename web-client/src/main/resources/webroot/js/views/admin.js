import { api, currentPerson } from '../api.js';
import { announce, busy, clearFieldErrors, copyText, field, formatTime, h, loading, problemAlert, render, viewerZone } from '../dom.js';

const ROLE_NAMES = { admin: 'Admin', therapist: 'Therapist', patient: 'Patient' };

/** IANA zone names for the time-zone suggestions, where the browser can list them. */
function zoneList(id) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return h('datalist', { id }, zones.map((z) => h('option', { value: z })));
}

/** The one-time set-password link, shown once, with a copy button and a way to hide it again. */
function linkPanel(person, link, onHide) {
  const input = h('input', { name: 'setPasswordLink', type: 'text', readonly: true, value: link.url, spellcheck: 'false' });
  const copied = h('span', { class: 'copied', 'aria-hidden': 'true' });
  const copy = h('button', { type: 'button', class: 'small' }, 'Copy link');
  copy.addEventListener('click', async () => {
    const ok = await copyText(input);
    copied.textContent = ok ? 'Copied' : 'Select the link and copy it';
    announce(ok ? 'Link copied' : 'Could not copy; the link is selected, copy it with your keyboard');
  });
  const hide = h('button', { type: 'button', class: 'secondary small' }, 'Done, hide link');
  hide.addEventListener('click', onHide);
  const panel = h('section', { class: 'alert ok link-panel', 'aria-labelledby': 'link-title' },
    h('h3', { id: 'link-title' }, `Set-password link for ${person.displayName}`),
    field('set-password-link', 'Set-password link', input,
      `Works once. Expires ${formatTime(link.expiresAt)}.`),
    h('div', { class: 'actions' }, copy, copied, hide),
    h('p', {}, `Give this link to ${person.displayName} in a private, secure way (for example read it out on a call, or send it in a one-to-one message). `
      + 'Anyone holding it can set the password, and it is not shown again; if it is lost or expires, make a new link from the list below.'));
  return { panel, input };
}

function addPersonForm(therapists, linkArea, onCreated) {
  const message = h('div');
  const role = h('select', { name: 'role' }, h('option', { value: 'patient' }, 'Patient'), h('option', { value: 'therapist' }, 'Therapist'));
  const displayName = h('input', { name: 'displayName', type: 'text', autocomplete: 'off', required: true, maxlength: 120 });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off', required: true, maxlength: 254, spellcheck: 'false', autocapitalize: 'none' });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off', maxlength: 40 });
  const timeZone = h('input', { name: 'timeZone', type: 'text', value: viewerZone(), list: 'zone-list', maxlength: 64, spellcheck: 'false', autocapitalize: 'none' });
  const therapist = h('select', { name: 'therapistId' }, h('option', { value: '' }, 'No therapist yet'),
    therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  // Names are the request's property paths, so a problem's `field` finds its input.
  const contactName = h('input', { name: 'emergencyContact.name', type: 'text', autocomplete: 'off', maxlength: 120 });
  const contactPhone = h('input', { name: 'emergencyContact.phone', type: 'tel', autocomplete: 'off', maxlength: 40 });
  const relationship = h('input', { name: 'emergencyContact.relationship', type: 'text', autocomplete: 'off', maxlength: 60 });
  const patientOnly = h('div', {},
    field('person-therapist', 'Therapist', therapist),
    h('fieldset', {}, h('legend', {}, 'Emergency contact (optional)'),
      h('div', { class: 'grid' },
        h('div', {}, field('contact-name', 'Emergency contact name', contactName)),
        h('div', {}, field('contact-phone', 'Emergency contact phone', contactPhone)),
        h('div', {}, field('contact-relationship', 'Relationship', relationship)))));
  role.addEventListener('change', () => { patientOnly.hidden = role.value !== 'patient'; });
  const submit = h('button', { type: 'submit' }, 'Add person');
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      h('div', {}, field('person-role', 'Role', role)),
      h('div', {}, field('person-name', 'Full name', displayName)),
      h('div', {}, field('person-email', 'Email', email)),
      h('div', {}, field('person-phone', 'Phone', phone, 'Optional')),
      h('div', {}, field('person-timezone', 'Time zone', timeZone, 'IANA name, e.g. America/New_York'), zoneList('zone-list'))),
    patientOnly, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { role: role.value, displayName: displayName.value.trim(), email: email.value.trim() };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (timeZone.value.trim()) body.timeZone = timeZone.value.trim();
    if (role.value === 'patient') {
      if (therapist.value) body.therapistId = therapist.value;
      if (contactName.value.trim() || contactPhone.value.trim() || relationship.value.trim()) {
        body.emergencyContact = { name: contactName.value.trim(), phone: contactPhone.value.trim() };
        if (relationship.value.trim()) body.emergencyContact.relationship = relationship.value.trim();
      }
    }
    busy(submit, async () => {
      render(message, loading('Adding…'));
      try {
        const created = await api('POST', '/api/people', body);
        render(message);
        form.reset();
        timeZone.value = viewerZone();
        patientOnly.hidden = false;
        const { panel, input } = linkPanel(created.person, created.setPasswordLink, () => { render(linkArea); displayName.focus(); });
        render(linkArea, panel);
        announce(`${created.person.displayName} was added. Their set-password link is shown.`);
        input.focus();
        input.select();
        onCreated(created.person);
      } catch (e) {
        render(message, problemAlert(e, form));
        const invalid = form.querySelector('[aria-invalid="true"]');
        if (invalid) invalid.focus();
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'add-person-title' },
    h('h2', { id: 'add-person-title' }, 'Add a therapist or patient'), form, message);
}

const STATUS_NAMES = { invited: 'Invited', active: 'Active', deactivated: 'Deactivated' };

/**
 * The edit form of one person (admins): name, email, phone, and for patients the emergency contact
 * and assigned therapists (checkboxes; active therapists only, plus any deactivated one still
 * assigned). It sends the version it was opened at, so a second submit or someone else's edit in
 * between is refused (409) instead of overwriting.
 */
function editPersonForm(person, therapists, names, onSaved, onCancel) {
  const p = `edit-${person.id}`;
  const message = h('div');
  const displayName = h('input', { name: 'displayName', type: 'text', autocomplete: 'off', required: true, maxlength: 120, value: person.displayName });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off', required: true, maxlength: 254, spellcheck: 'false', autocapitalize: 'none', value: person.email });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off', maxlength: 40, value: person.phone || '' });
  const contact = person.emergencyContact || {};
  const contactName = h('input', { name: 'emergencyContact.name', type: 'text', autocomplete: 'off', maxlength: 120, value: contact.name || '' });
  const contactPhone = h('input', { name: 'emergencyContact.phone', type: 'tel', autocomplete: 'off', maxlength: 40, value: contact.phone || '' });
  const relationship = h('input', { name: 'emergencyContact.relationship', type: 'text', autocomplete: 'off', maxlength: 60, value: contact.relationship || '' });
  const assigned = person.therapistIds || [];
  const choices = [...therapists.map((t) => t.id), ...assigned.filter((id) => !therapists.some((t) => t.id === id))];
  const boxes = choices.map((id, i) => h('input', {
    type: 'checkbox', id: `${p}-therapist-${i}`, name: 'therapistIds', value: id, checked: assigned.includes(id),
  }));
  const patientPart = person.role !== 'patient' ? null : [
    h('fieldset', { class: 'therapist-choices' }, h('legend', {}, 'Assigned therapists'),
      h('p', { class: 'hint', id: `${p}-therapists-hint` }, 'The first one ticked in this list is the primary therapist. Therapists not ticked lose access to this patient at once.'),
      choices.length === 0 ? h('p', {}, 'No active therapists in the clinic.') : choices.map((id, i) => h('div', { class: 'check' }, boxes[i],
        h('label', { for: boxes[i].id }, names[id] || id, therapists.some((t) => t.id === id) ? '' : ' (deactivated)')))),
    h('fieldset', {}, h('legend', {}, 'Emergency contact'),
      h('div', { class: 'grid' },
        h('div', {}, field(`${p}-contact-name`, 'Emergency contact name', contactName)),
        h('div', {}, field(`${p}-contact-phone`, 'Emergency contact phone', contactPhone)),
        h('div', {}, field(`${p}-contact-relationship`, 'Relationship', relationship, 'Optional')))),
  ];
  const save = h('button', { type: 'submit' }, 'Save changes');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  cancel.addEventListener('click', onCancel);
  const heading = h('h3', { id: `${p}-title`, tabindex: '-1' }, `Edit ${person.displayName}`);
  const form = h('form', { novalidate: true, 'aria-labelledby': `${p}-title` },
    h('div', { class: 'grid' },
      h('div', {}, field(`${p}-name`, 'Full name', displayName)),
      h('div', {}, field(`${p}-email`, 'Email', email)),
      h('div', {}, field(`${p}-phone`, 'Phone', phone, 'Optional; empty removes it'))),
    patientPart,
    h('div', { class: 'actions' }, save, cancel));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { version: person.version, displayName: displayName.value.trim(), email: email.value.trim(), phone: phone.value.trim() || null };
    if (person.role === 'patient') {
      body.therapistIds = boxes.filter((b) => b.checked).map((b) => b.value);
      const any = contactName.value.trim() || contactPhone.value.trim() || relationship.value.trim();
      body.emergencyContact = any ? { name: contactName.value.trim(), phone: contactPhone.value.trim() } : null;
      if (any && relationship.value.trim()) body.emergencyContact.relationship = relationship.value.trim();
    }
    busy(save, async () => {
      render(message, loading('Saving…'));
      try {
        const saved = await api('PATCH', `/api/people/${encodeURIComponent(person.id)}`, body);
        render(message);
        onSaved(saved);
      } catch (e) {
        const reload = e.problem && e.problem.type && e.problem.type.endsWith('/person-edit-conflict')
          ? h('p', {}, 'Close this form and open it again to see the current details.') : null;
        render(message, problemAlert(e, form, reload));
        const invalid = form.querySelector('[aria-invalid="true"]');
        (invalid || message.querySelector('[role="alert"]') || save).focus();
      }
    });
  });
  const panel = h('section', { class: 'card person-edit', 'aria-labelledby': `${p}-title` }, heading, form, message);
  return { panel, heading };
}

/** Asks before deactivating (or reactivating) someone, saying what it does. */
function confirmPanel(person, deactivating, onConfirm, onCancel) {
  const id = `confirm-${person.id}`;
  const heading = h('h3', { id: `${id}-title`, tabindex: '-1' },
    deactivating ? `Deactivate ${person.displayName}?` : `Reactivate ${person.displayName}?`);
  const message = h('div');
  const yes = h('button', { type: 'button', class: deactivating ? 'danger' : '' }, deactivating ? 'Deactivate' : 'Reactivate');
  const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  no.addEventListener('click', onCancel);
  yes.addEventListener('click', () => busy(yes, async () => {
    try {
      await onConfirm();
    } catch (e) {
      render(message, problemAlert(e));
      (message.querySelector('[role="alert"]') || no).focus();
    }
  }));
  const panel = h('section', { class: 'card confirm-panel', role: 'group', 'aria-labelledby': `${id}-title` }, heading,
    h('p', {}, deactivating
      ? `${person.displayName} is signed out everywhere at once, cannot sign in, and is no longer offered for bookings. `
        + 'Their records stay. Someone with upcoming appointments cannot be deactivated until those are cancelled or moved.'
      : `${person.displayName} can sign in again${person.role === 'patient' ? ' and be booked' : ''}.`),
    h('div', { class: 'actions' }, yes, no), message);
  return { panel, heading };
}

export async function peopleView(main) {
  const listArea = h('div', {}, loading('Loading people…'));
  const linkArea = h('div', { class: 'link-area' });
  const editArea = h('div', { class: 'edit-area' });
  const filter = h('select', { id: 'role-filter', name: 'role' },
    h('option', { value: '' }, 'Everyone'), h('option', { value: 'therapist' }, 'Therapists'),
    h('option', { value: 'patient' }, 'Patients'), h('option', { value: 'admin' }, 'Admins'));
  let names = {};
  let therapists = [];
  const me = currentPerson();

  /** Focus goes back to a person's button after their panel closes (the list may have been redrawn). */
  function focusButton(personId, kind) {
    const button = listArea.querySelector(`[data-person="${CSS.escape(personId)}"][data-kind="${kind}"]`)
      || listArea.querySelector(`[data-person="${CSS.escape(personId)}"]`);
    if (button) button.focus();
  }

  async function loadTherapists() {
    const all = (await api('GET', '/api/people?role=therapist&includeDeactivated=true')).items;
    names = Object.fromEntries(all.map((t) => [t.id, t.displayName]));
    therapists = all.filter((t) => t.status !== 'deactivated');
  }

  async function loadList(announceCount) {
    render(listArea, loading('Loading people…'));
    try {
      const params = new URLSearchParams({ includeDeactivated: 'true' });
      if (filter.value) params.set('role', filter.value);
      const { items } = await api('GET', `/api/people?${params}`);
      if (items.length === 0) {
        render(listArea, h('p', {}, 'Nobody here yet.'));
      } else {
        render(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'stack people-table' },
          h('caption', { class: 'visually-hidden' }, 'People in your clinic'),
          h('thead', {}, h('tr', {}, ['Name', 'Role', 'Email', 'Therapists', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.map((p) => h('tr', { class: p.status === 'deactivated' ? 'deactivated' : null, 'data-person-row': p.id },
            h('td', { 'data-label': 'Name' }, p.displayName),
            h('td', { 'data-label': 'Role' }, ROLE_NAMES[p.role] || p.role),
            h('td', { 'data-label': 'Email' }, p.email),
            h('td', { 'data-label': 'Therapists' }, p.role === 'patient'
              ? ((p.therapistIds || []).map((id) => names[id] || id).join(', ') || '—') : ''),
            h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${p.status}` }, STATUS_NAMES[p.status] || p.status)),
            h('td', { 'data-label': 'Actions' }, h('div', { class: 'row-actions' },
              editButton(p),
              p.role === 'admin' || p.status === 'deactivated' ? null : newLinkButton(p),
              me && me.id === p.id ? null : statusButton(p),
              p.role === 'patient' ? h('a', { href: `#/patients/${encodeURIComponent(p.id)}`, 'aria-label': `Course of care of ${p.displayName}` }, 'Course') : null))))))));
      }
      if (announceCount) announce(`${items.length} ${items.length === 1 ? 'person' : 'people'} shown`);
    } catch (e) {
      render(listArea, problemAlert(e));
    }
  }

  function editButton(person) {
    const button = h('button', { type: 'button', class: 'secondary small', 'data-person': person.id, 'data-kind': 'edit',
      'aria-label': `Edit ${person.displayName}`, title: `Edit ${person.displayName}` }, 'Edit');
    button.addEventListener('click', async () => {
      render(linkArea);
      const { panel, heading } = editPersonForm(person, therapists, names, async (saved) => {
        render(editArea);
        await loadList(false);
        announce(`Saved the changes to ${saved.displayName}`);
        focusButton(saved.id, 'edit');
      }, () => { render(editArea); focusButton(person.id, 'edit'); });
      render(editArea, panel);
      editArea.scrollIntoView({ block: 'nearest' });
      heading.focus();
    });
    return button;
  }

  function statusButton(person) {
    const deactivating = person.status !== 'deactivated';
    const label = deactivating ? 'Deactivate' : 'Reactivate';
    const button = h('button', { type: 'button', class: 'secondary small', 'data-person': person.id, 'data-kind': 'status',
      'aria-label': `${label} ${person.displayName}`, title: `${label} ${person.displayName}` }, label);
    button.addEventListener('click', () => {
      render(linkArea);
      const { panel, heading } = confirmPanel(person, deactivating, async () => {
        const path = `/api/people/${encodeURIComponent(person.id)}/${deactivating ? 'deactivate' : 'reactivate'}`;
        const changed = await api('POST', path);
        render(editArea);
        if (person.role === 'therapist') await loadTherapists();
        await loadList(false);
        announce(`${changed.displayName} is ${STATUS_NAMES[changed.status].toLowerCase()}${deactivating ? ' and signed out everywhere' : ''}`);
        focusButton(person.id, 'status');
      }, () => { render(editArea); focusButton(person.id, 'status'); });
      render(editArea, panel);
      editArea.scrollIntoView({ block: 'nearest' });
      heading.focus();
    });
    return button;
  }

  function newLinkButton(person) {
    const button = h('button', { type: 'button', class: 'secondary small', 'aria-label': `New set-password link for ${person.displayName}` }, 'New link');
    button.addEventListener('click', () => busy(button, async () => {
      render(editArea);
      try {
        const link = await api('POST', `/api/people/${encodeURIComponent(person.id)}/set-password-link`);
        const { panel, input } = linkPanel(person, link, () => { render(linkArea); button.focus(); });
        render(linkArea, panel);
        announce(`New set-password link for ${person.displayName} is shown. Earlier links stop working.`);
        linkArea.scrollIntoView({ block: 'nearest' });
        input.focus();
        input.select();
      } catch (e) {
        render(linkArea, problemAlert(e));
      }
    }));
    return button;
  }

  try {
    await loadTherapists();
  } catch (e) {
    render(main, h('h1', {}, 'People'), problemAlert(e));
    return;
  }
  filter.addEventListener('change', () => loadList(true));
  render(main,
    h('h1', {}, 'People'),
    addPersonForm(therapists, linkArea, () => loadList(false)),
    linkArea,
    h('section', { 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title' }, 'Everyone in your clinic'),
      h('div', { class: 'actions' }, h('label', { for: 'role-filter' }, 'Show'), filter),
      editArea,
      listArea));
  await loadList(false);
}

/** Actions in words, for the audit table; anything else is spelled out from its name. */
const ACTION_WORDS = {
  'auth.login': 'Signed in', 'auth.refresh': 'Renewed their session', 'auth.set-password': 'Set their password',
  'person.create': 'Added a person', 'person.read': 'Viewed a person', 'person.update': 'Edited a person',
  'person.deactivate': 'Deactivated a person', 'person.reactivate': 'Reactivated a person',
  'person.set-password-link': 'Issued a set-password link',
  'availability.update': 'Changed availability', 'booking-policy.update': 'Changed the booking rules',
  'appointment.create': 'Booked', 'appointment.read': 'Viewed', 'appointment.reschedule': 'Rescheduled',
  'appointment.cancel': 'Cancelled', 'appointment.join-ticket': 'Joined', 'circle.join': 'Seated in a circle',
  'circle.leave': 'Left a circle', 'circle.promoted-from-waitlist': 'Moved up from the waitlist',
  'calendar-feed.create': 'Created a calendar feed', 'calendar-feed.read': 'Calendar feed fetched',
  'room.admit': 'Admitted to the room', 'room.deny': 'Turned away from the room', 'room.remove': 'Removed from the room',
  'room.end': 'Ended the session', 'safety-check.write': 'Recorded the safety check', 'safety-check.read': 'Viewed the safety check',
};
/** The action families the filter offers (the API matches every action of a family). */
const ACTION_FAMILIES = [['', 'Any action'], ['auth', 'Sign-ins and passwords'], ['person', 'People'],
  ['appointment', 'Appointments'], ['circle', 'Circles'], ['room', 'Live rooms'], ['safety-check', 'Safety checks'],
  ['care', 'Care records'], ['availability', 'Availability'], ['booking-policy', 'Booking rules'], ['calendar-feed', 'Calendar feeds']];
const OUTCOME_WORDS = { success: 'Done', denied: 'Refused', failure: 'Failed' };
const FIELD_WORDS = { displayName: 'name', email: 'email', phone: 'phone', emergencyContact: 'emergency contact',
  therapistIds: 'assigned therapists', status: 'status' };

function actionWords(action) {
  if (ACTION_WORDS[action]) return ACTION_WORDS[action];
  const words = action.replace(/^care\./, '').replace(/[.-]/g, ' ');
  return words.charAt(0).toUpperCase() + words.substring(1);
}

/** The first instant of a date input's day (or of the next day, for "to"), in the viewer's zone. */
function dayStart(input, next) {
  if (!input.value) return null;
  const [y, m, d] = input.value.split('-').map(Number);
  const date = new Date(y, m - 1, d + (next ? 1 : 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export async function auditView(main) {
  const zone = viewerZone();
  const person = h('select', { name: 'personId' }, h('option', { value: '' }, 'Anyone'));
  const action = h('select', { name: 'action' }, ACTION_FAMILIES.map(([value, text]) => h('option', { value }, text)));
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const submit = h('button', { type: 'submit' }, 'Show entries');
  const clear = h('button', { type: 'reset', class: 'secondary' }, 'Clear filters');
  const form = h('form', { novalidate: true, class: 'audit-filters' },
    h('div', { class: 'grid' },
      h('div', {}, field('audit-person', 'Person', person, 'Who acted or was touched')),
      h('div', {}, field('audit-action', 'Action', action)),
      h('div', {}, field('audit-from', 'From', from, `First day, your time (${zone})`)),
      h('div', {}, field('audit-to', 'To', to, `Last day, your time (${zone})`))),
    h('div', { class: 'actions' }, submit, clear));
  const message = h('div');
  const rows = h('tbody');
  const more = h('div', { class: 'actions' });
  let shown = 0;

  try {
    const { items } = await api('GET', '/api/people?includeDeactivated=true');
    items.forEach((p) => person.append(h('option', { value: p.id },
      `${p.displayName} (${(ROLE_NAMES[p.role] || p.role).toLowerCase()}${p.status === 'deactivated' ? ', deactivated' : ''})`)));
  } catch (e) { /* the log still reads without the person filter's names */ }

  function query(before) {
    const params = new URLSearchParams();
    if (person.value) params.set('personId', person.value);
    if (action.value) params.set('action', action.value);
    if (dayStart(from, false)) params.set('from', dayStart(from, false));
    if (dayStart(to, true)) params.set('to', dayStart(to, true));
    if (before) params.set('before', before);
    params.set('limit', '50');
    return `/api/audit?${params}`;
  }

  function row(e) {
    const what = e.resourceLabel || (e.resourceId ? 'a record' : '—');
    const changed = e.changed && e.changed.length ? ` (changed: ${e.changed.map((f) => FIELD_WORDS[f] || f).join(', ')})` : '';
    return h('tr', { class: `outcome-${e.outcome}`, tabindex: '-1' },
      h('td', { 'data-label': 'When' }, h('time', { datetime: e.at }, formatTime(e.at))),
      h('td', { 'data-label': 'Who' }, e.actorName || e.actorId, h('span', { class: 'muted' }, ` (${(ROLE_NAMES[e.actorRole] || e.actorRole || '').toLowerCase()})`)),
      h('td', { 'data-label': 'Action', title: e.action }, actionWords(e.action)),
      h('td', { 'data-label': 'What' }, what + changed),
      h('td', { 'data-label': 'Result' }, h('span', { class: `badge result-${e.outcome}` }, OUTCOME_WORDS[e.outcome] || e.outcome)));
  }

  async function load(before, speak) {
    clearFieldErrors(form);
    if (from.value && to.value && from.value > to.value) {
      render(message, problemAlert({ problem: { title: 'The dates are the wrong way round', detail: '“From” must be on or before “To”.', field: 'from' } }, form));
      from.focus();
      return;
    }
    render(message, before ? null : loading('Loading entries…'));
    try {
      const page = await api('GET', query(before));
      render(message);
      if (!before) { rows.replaceChildren(); shown = 0; }
      const added = page.items.map(row);
      rows.append(...added);
      shown += page.items.length;
      if (shown === 0) rows.append(h('tr', {}, h('td', { colspan: 5 }, 'No entries match.')));
      let older = null;
      if (page.nextBefore) {
        older = h('button', { type: 'button', class: 'secondary' }, 'Older entries');
        older.addEventListener('click', () => busy(older, () => load(page.nextBefore, true)));
      }
      render(more, older, h('span', { class: 'muted' }, `${shown} ${shown === 1 ? 'entry' : 'entries'} shown, newest first, times in ${zone}.`));
      if (speak) announce(`${page.items.length} ${before ? 'older ' : ''}${page.items.length === 1 ? 'entry' : 'entries'} shown`);
      if (before && added.length) added[0].focus(); // where the reader left off, not back at the top
    } catch (e) {
      render(message, problemAlert(e, form));
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); busy(submit, () => load(null, true)); });
  form.addEventListener('reset', () => { setTimeout(() => busy(submit, () => load(null, true)), 0); });
  render(main,
    h('h1', {}, 'Audit log'),
    h('p', { class: 'lead' }, 'Every sign-in and every read and change of patient records in your clinic, newest first.'),
    h('section', { class: 'card', 'aria-label': 'Filters' }, form),
    message,
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack audit-table' },
      h('caption', { class: 'visually-hidden' }, 'Audit entries'),
      h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'What', 'Result'].map((t) => h('th', { scope: 'col' }, t)))),
      rows)),
    more);
  await load(null, false);
}
