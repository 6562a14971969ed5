import { api } from '../api.js';
import { h, problemAlert, render } from '../dom.js';
import { scheduleSection } from './schedule.js';
import { lobbyPanel } from './lobby.js';

function contactText(c) {
  if (!c) return 'Not given yet';
  return `${c.name}, ${c.phone}${c.relationship ? ` (${c.relationship})` : ''}`;
}

export async function therapistView(main, person) {
  try {
    const { items } = await api('GET', '/api/people?role=patient');
    const schedule = await scheduleSection(main, person);
    const rows = items.map((p) => h('tr', {},
      h('td', { 'data-label': 'Name' }, p.displayName),
      h('td', { 'data-label': 'Course' }, h('a', { href: `#/patients/${encodeURIComponent(p.id)}`, 'aria-label': `Course of care of ${p.displayName}` }, 'Open course')),
      h('td', { 'data-label': 'Email' }, h('a', { href: `mailto:${p.email}` }, p.email)),
      h('td', { 'data-label': 'Phone' }, p.phone ? h('a', { href: `tel:${p.phone.replace(/[^0-9+]/g, '')}` }, p.phone) : '—'),
      h('td', { 'data-label': 'Emergency contact' }, contactText(p.emergencyContact))));
    const lobby = lobbyPanel('mine');
    render(main,
      h('h1', {}, 'Your patients'),
      lobby.element,
      schedule,
      h('section', { 'aria-labelledby': 'patients-title' },
        h('h2', { id: 'patients-title' }, 'Patients in your care'),
        items.length === 0
          ? h('p', {}, 'No patients are assigned to you yet.')
          : h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
            h('caption', { class: 'visually-hidden' }, 'Patients in your care'),
            h('thead', {}, h('tr', {}, ['Name', 'Course', 'Email', 'Phone', 'Emergency contact'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, rows)))));
  } catch (e) {
    render(main, h('h1', {}, 'Your patients'), problemAlert(e));
  }
}
