import { api } from '../api.js';
import { h, problemAlert, render } from '../dom.js';
import { scheduleSection } from './schedule.js';

export async function therapistView(main, person) {
  try {
    const { items } = await api('GET', '/api/people?role=patient');
    const schedule = await scheduleSection(main, person);
    const rows = items.map((p) => h('tr', {},
      h('td', { 'data-label': 'Name' }, p.displayName),
      h('td', { 'data-label': 'Email' }, p.email),
      h('td', { 'data-label': 'Phone' }, p.phone || '—'),
      h('td', { 'data-label': 'Emergency contact' }, p.emergencyContact
        ? `${p.emergencyContact.name}, ${p.emergencyContact.phone}` : '—')));
    render(main,
      h('h1', {}, 'Your patients'),
      schedule,
      h('h2', {}, 'Patients in your care'),
      items.length === 0
        ? h('p', {}, 'No patients are assigned to you yet.')
        : h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
          h('caption', { class: 'visually-hidden' }, 'Patients in your care'),
          h('thead', {}, h('tr', {}, ['Name', 'Email', 'Phone', 'Emergency contact'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))));
  } catch (e) {
    render(main, h('h1', {}, 'Your patients'), problemAlert(e));
  }
}
