import { api } from '../api.js';
import { announce, busy, field, formatTime, h, okAlert, problemAlert, render } from '../dom.js';

const ROLE_NAMES = { admin: 'Admin', therapist: 'Therapist', patient: 'Patient' };

/** The one-time set-password link, shown once, with a copy button. */
function linkPanel(person, link) {
  const input = h('input', { id: `link-${person.id}`, type: 'text', readonly: true, value: link.url });
  const copy = h('button', { type: 'button', class: 'secondary small' }, 'Copy link');
  copy.addEventListener('click', async () => {
    input.select();
    try { await navigator.clipboard.writeText(link.url); announce('Link copied'); } catch (e) { announce('Select the link and copy it'); }
  });
  return okAlert(
    h('p', {}, h('strong', {}, `Set-password link for ${person.displayName}`)),
    h('label', { for: input.id }, 'Set-password link'),
    input,
    h('div', { class: 'actions' }, copy),
    h('p', {}, `It works once and expires ${formatTime(link.expiresAt)}. Give it to ${person.displayName} privately (not by group email); it is not shown again.`));
}

function addPersonForm(therapists, onCreated) {
  const message = h('div');
  const role = h('select', { name: 'role' }, h('option', { value: 'patient' }, 'Patient'), h('option', { value: 'therapist' }, 'Therapist'));
  const displayName = h('input', { name: 'displayName', type: 'text', autocomplete: 'off', required: true, maxlength: 120 });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'off', required: true });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off' });
  const timeZone = h('input', { name: 'timeZone', type: 'text', value: Intl.DateTimeFormat().resolvedOptions().timeZone });
  const therapist = h('select', { name: 'therapistId' }, h('option', { value: '' }, 'No therapist yet'),
    therapists.map((t) => h('option', { value: t.id }, t.displayName)));
  const contactName = h('input', { name: 'name', type: 'text', autocomplete: 'off' });
  const contactPhone = h('input', { name: 'phone', type: 'tel', autocomplete: 'off' });
  const relationship = h('input', { name: 'relationship', type: 'text', autocomplete: 'off' });
  const patientOnly = h('div', {},
    field('person-therapist', 'Therapist', therapist),
    h('fieldset', {}, h('legend', {}, 'Emergency contact'),
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
      h('div', {}, field('person-phone', 'Phone', phone)),
      h('div', {}, field('person-timezone', 'Time zone', timeZone, 'IANA name, e.g. America/New_York'))),
    patientOnly, submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { role: role.value, displayName: displayName.value.trim(), email: email.value.trim() };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (timeZone.value.trim()) body.timeZone = timeZone.value.trim();
    if (role.value === 'patient') {
      if (therapist.value) body.therapistId = therapist.value;
      if (contactName.value.trim() || contactPhone.value.trim()) {
        body.emergencyContact = { name: contactName.value.trim(), phone: contactPhone.value.trim() };
        if (relationship.value.trim()) body.emergencyContact.relationship = relationship.value.trim();
      }
    }
    busy(submit, async () => {
      render(message);
      try {
        const created = await api('POST', '/api/people', body);
        form.reset();
        timeZone.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
        patientOnly.hidden = false;
        render(message, linkPanel(created.person, created.setPasswordLink));
        announce(`${created.person.displayName} was added`);
        onCreated(created.person);
      } catch (e) {
        render(message, problemAlert(e, form));
      }
    });
  });
  return h('section', { class: 'card', 'aria-labelledby': 'add-person-title' },
    h('h2', { id: 'add-person-title' }, 'Add a therapist or patient'), form, message);
}

export async function peopleView(main) {
  const listArea = h('div', { 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Loading people…'));
  const linkArea = h('div');
  const filter = h('select', { id: 'role-filter', name: 'role' },
    h('option', { value: '' }, 'Everyone'), h('option', { value: 'therapist' }, 'Therapists'),
    h('option', { value: 'patient' }, 'Patients'), h('option', { value: 'admin' }, 'Admins'));

  async function loadList() {
    try {
      const query = filter.value ? `?role=${encodeURIComponent(filter.value)}` : '';
      const { items } = await api('GET', `/api/people${query}`);
      render(listArea, h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
        h('caption', { class: 'visually-hidden' }, 'People in your clinic'),
        h('thead', {}, h('tr', {}, ['Name', 'Role', 'Email', 'Status', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, items.map((p) => h('tr', {},
          h('td', { 'data-label': 'Name' }, p.displayName),
          h('td', { 'data-label': 'Role' }, ROLE_NAMES[p.role] || p.role),
          h('td', { 'data-label': 'Email' }, p.email),
          h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${p.status}` }, p.status === 'invited' ? 'Invited' : 'Active')),
          h('td', { 'data-label': 'Actions' }, p.role === 'admin' ? '' : newLinkButton(p))))))));
    } catch (e) {
      render(listArea, problemAlert(e));
    }
  }

  function newLinkButton(person) {
    const button = h('button', { type: 'button', class: 'secondary small', 'aria-label': `New set-password link for ${person.displayName}` }, 'New link');
    button.addEventListener('click', () => busy(button, async () => {
      try {
        const link = await api('POST', `/api/people/${encodeURIComponent(person.id)}/set-password-link`);
        render(linkArea, linkPanel(person, link));
        linkArea.scrollIntoView({ block: 'nearest' });
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
  filter.addEventListener('change', loadList);
  render(main,
    h('h1', {}, 'People'),
    addPersonForm(therapists, () => loadList()),
    h('section', { 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title' }, 'Everyone in your clinic'),
      h('div', { class: 'actions' }, h('label', { for: 'role-filter' }, 'Show'), filter),
      linkArea, listArea));
  await loadList();
}

export async function auditView(main) {
  const results = h('div', { 'aria-live': 'polite' });
  const action = h('input', { name: 'action', type: 'text', placeholder: 'e.g. person.read' });
  const actorId = h('input', { name: 'actorId', type: 'text' });
  const resourceId = h('input', { name: 'resourceId', type: 'text' });
  const from = h('input', { name: 'from', type: 'datetime-local' });
  const to = h('input', { name: 'to', type: 'datetime-local' });
  const submit = h('button', { type: 'submit' }, 'Show entries');
  const form = h('form', { novalidate: true },
    h('div', { class: 'grid' },
      h('div', {}, field('audit-action', 'Action', action)),
      h('div', {}, field('audit-actor', 'Actor id', actorId)),
      h('div', {}, field('audit-resource', 'Record id', resourceId)),
      h('div', {}, field('audit-from', 'From', from, 'your local time')),
      h('div', {}, field('audit-to', 'To', to, 'your local time'))),
    submit);
  const rows = h('tbody');
  const more = h('div', { class: 'actions' });

  function query(before) {
    const params = new URLSearchParams();
    if (action.value.trim()) params.set('action', action.value.trim());
    if (actorId.value.trim()) params.set('actorId', actorId.value.trim());
    if (resourceId.value.trim()) params.set('resourceId', resourceId.value.trim());
    if (from.value) params.set('from', new Date(from.value).toISOString());
    if (to.value) params.set('to', new Date(to.value).toISOString());
    if (before) params.set('before', before);
    params.set('limit', '50');
    return `/api/audit?${params}`;
  }

  async function load(before) {
    try {
      const page = await api('GET', query(before));
      if (!before) rows.replaceChildren();
      page.items.forEach((e) => rows.append(h('tr', {},
        h('td', { 'data-label': 'When' }, formatTime(e.at)),
        h('td', { 'data-label': 'Action' }, e.action),
        h('td', { 'data-label': 'Outcome' }, e.outcome),
        h('td', { 'data-label': 'Actor' }, `${e.actorId} (${e.actorRole})`),
        h('td', { 'data-label': 'Record' }, e.resourceId ? `${e.resourceType || ''} ${e.resourceId}`.trim() : '—'),
        h('td', { 'data-label': 'From' }, e.sourceAddress || '—'))));
      if (!before && page.items.length === 0) rows.append(h('tr', {}, h('td', { colspan: 6 }, 'No entries match.')));
      render(more, page.nextBefore ? h('button', { type: 'button', class: 'secondary', onclick: (ev) => busy(ev.target, () => load(page.nextBefore)) }, 'Older entries') : null);
      announce(`${page.items.length} entries shown`);
    } catch (e) {
      render(more, problemAlert(e, form));
    }
  }

  form.addEventListener('submit', (event) => { event.preventDefault(); busy(submit, () => load()); });
  render(main,
    h('h1', {}, 'Audit log'),
    h('p', { class: 'lead' }, 'Every read and change of patient records in your clinic, newest first.'),
    h('section', { class: 'card', 'aria-label': 'Filters' }, form),
    results);
  render(results, h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
    h('caption', { class: 'visually-hidden' }, 'Audit entries'),
    h('thead', {}, h('tr', {}, ['When', 'Action', 'Outcome', 'Actor', 'Record', 'From'].map((t) => h('th', { scope: 'col' }, t)))),
    rows)), more);
  await load();
}
