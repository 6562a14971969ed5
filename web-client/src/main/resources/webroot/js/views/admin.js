import { api } from '../api.js';
import { announce, busy, clearFieldErrors, copyText, field, formatTime, h, loading, problemAlert, render, viewerZone } from '../dom.js';

const ROLE_NAMES = { admin: 'Admin', therapist: 'Therapist', patient: 'Patient' };
/** Suggestions for the audit filter: the actions the server records today. */
const AUDIT_ACTIONS = ['auth.login', 'auth.set-password', 'person.create', 'person.read', 'person.set-password-link',
  'availability.update', 'booking-policy.update', 'appointment.create', 'appointment.read', 'appointment.reschedule', 'appointment.cancel',
  'appointment.join-ticket', 'circle.join', 'circle.leave', 'circle.promoted-from-waitlist',
  'calendar-feed.create', 'calendar-feed.read'];

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

export async function peopleView(main) {
  const listArea = h('div', {}, loading('Loading people…'));
  const linkArea = h('div', { class: 'link-area' });
  const filter = h('select', { id: 'role-filter', name: 'role' },
    h('option', { value: '' }, 'Everyone'), h('option', { value: 'therapist' }, 'Therapists'),
    h('option', { value: 'patient' }, 'Patients'), h('option', { value: 'admin' }, 'Admins'));
  let names = {};

  async function loadList(announceCount) {
    render(listArea, loading('Loading people…'));
    try {
      const query = filter.value ? `?role=${encodeURIComponent(filter.value)}` : '';
      const { items } = await api('GET', `/api/people${query}`);
      if (items.length === 0) {
        render(listArea, h('p', {}, 'Nobody here yet.'));
      } else {
        render(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
          h('caption', { class: 'visually-hidden' }, 'People in your clinic'),
          h('thead', {}, h('tr', {}, ['Name', 'Role', 'Email', 'Therapist', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, items.map((p) => h('tr', {},
            h('td', { 'data-label': 'Name' }, p.displayName),
            h('td', { 'data-label': 'Role' }, ROLE_NAMES[p.role] || p.role),
            h('td', { 'data-label': 'Email' }, p.email),
            h('td', { 'data-label': 'Therapist' }, p.role === 'patient' ? (names[p.therapistId] || '—') : ''),
            h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${p.status}` }, p.status === 'invited' ? 'Invited' : 'Active')),
            h('td', { 'data-label': 'Actions' }, p.role === 'admin' ? '' : newLinkButton(p),
              p.role === 'patient' ? [' ', h('a', { href: `#/patients/${encodeURIComponent(p.id)}`, 'aria-label': `Course of care of ${p.displayName}` }, 'Course')] : null)))))));
      }
      if (announceCount) announce(`${items.length} ${items.length === 1 ? 'person' : 'people'} shown`);
    } catch (e) {
      render(listArea, problemAlert(e));
    }
  }

  function newLinkButton(person) {
    const button = h('button', { type: 'button', class: 'secondary small', 'aria-label': `New set-password link for ${person.displayName}` }, 'New link');
    button.addEventListener('click', () => busy(button, async () => {
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

  let therapists = [];
  try {
    therapists = (await api('GET', '/api/people?role=therapist')).items;
  } catch (e) {
    render(main, h('h1', {}, 'People'), problemAlert(e));
    return;
  }
  names = Object.fromEntries(therapists.map((t) => [t.id, t.displayName]));
  filter.addEventListener('change', () => loadList(true));
  render(main,
    h('h1', {}, 'People'),
    addPersonForm(therapists, linkArea, () => loadList(false)),
    linkArea,
    h('section', { 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title' }, 'Everyone in your clinic'),
      h('div', { class: 'actions' }, h('label', { for: 'role-filter' }, 'Show'), filter),
      listArea));
  await loadList(false);
}

/** A datetime-local value (the viewer's wall clock) as an instant, or null when empty or invalid. */
function instant(input) {
  if (!input.value) return null;
  const date = new Date(input.value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export async function auditView(main) {
  const action = h('input', { name: 'action', type: 'text', list: 'audit-actions', placeholder: 'e.g. person.read', maxlength: 64, spellcheck: 'false', autocapitalize: 'none' });
  const actorId = h('input', { name: 'actorId', type: 'text', maxlength: 64, spellcheck: 'false', autocapitalize: 'none' });
  const resourceId = h('input', { name: 'resourceId', type: 'text', maxlength: 64, spellcheck: 'false', autocapitalize: 'none' });
  const from = h('input', { name: 'from', type: 'datetime-local' });
  const to = h('input', { name: 'to', type: 'datetime-local' });
  const submit = h('button', { type: 'submit' }, 'Show entries');
  const clear = h('button', { type: 'reset', class: 'secondary' }, 'Clear filters');
  const zone = viewerZone();
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      h('div', {}, field('audit-action', 'Action', action), h('datalist', { id: 'audit-actions' }, AUDIT_ACTIONS.map((a) => h('option', { value: a })))),
      h('div', {}, field('audit-actor', 'Actor id', actorId)),
      h('div', {}, field('audit-resource', 'Record id', resourceId)),
      h('div', {}, field('audit-from', 'From', from, `Your local time (${zone})`)),
      h('div', {}, field('audit-to', 'To', to, `Your local time (${zone})`))),
    h('div', { class: 'actions' }, submit, clear));
  const message = h('div');
  const rows = h('tbody');
  const more = h('div', { class: 'actions' });
  let shown = 0;

  function query(before) {
    const params = new URLSearchParams();
    if (action.value.trim()) params.set('action', action.value.trim());
    if (actorId.value.trim()) params.set('actorId', actorId.value.trim());
    if (resourceId.value.trim()) params.set('resourceId', resourceId.value.trim());
    if (instant(from)) params.set('from', instant(from));
    if (instant(to)) params.set('to', instant(to));
    if (before) params.set('before', before);
    params.set('limit', '50');
    return `/api/audit?${params}`;
  }

  async function load(before, speak) {
    clearFieldErrors(form);
    render(message, before ? null : loading('Loading entries…'));
    try {
      const page = await api('GET', query(before));
      render(message);
      if (!before) { rows.replaceChildren(); shown = 0; }
      page.items.forEach((e) => rows.append(h('tr', { class: `outcome-${e.outcome}` },
        h('td', { 'data-label': 'When' }, h('time', { datetime: e.at }, formatTime(e.at))),
        h('td', { 'data-label': 'Action' }, e.action),
        h('td', { 'data-label': 'Outcome' }, e.outcome),
        h('td', { 'data-label': 'Actor' }, `${e.actorId} (${e.actorRole})`),
        h('td', { 'data-label': 'Record' }, e.resourceId ? `${e.resourceType || ''} ${e.resourceId}`.trim() : '—'),
        h('td', { 'data-label': 'From' }, e.sourceAddress || '—'))));
      shown += page.items.length;
      if (shown === 0) rows.append(h('tr', {}, h('td', { colspan: 6 }, 'No entries match.')));
      let older = null;
      if (page.nextBefore) {
        older = h('button', { type: 'button', class: 'secondary' }, 'Older entries');
        older.addEventListener('click', () => busy(older, () => load(page.nextBefore, true)));
      }
      render(more, older, h('span', { class: 'muted' }, `${shown} ${shown === 1 ? 'entry' : 'entries'} shown, newest first, times in ${zone}.`));
      if (speak) announce(`${page.items.length} ${before ? 'older ' : ''}${page.items.length === 1 ? 'entry' : 'entries'} shown`);
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
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('caption', { class: 'visually-hidden' }, 'Audit entries'),
      h('thead', {}, h('tr', {}, ['When', 'Action', 'Outcome', 'Actor', 'Record', 'From'].map((t) => h('th', { scope: 'col' }, t)))),
      rows)),
    more);
  await load(null, false);
}
