import { api } from '../api.js';
import { h, problemAlert, render } from '../dom.js';
import { scheduleSection } from './schedule.js';

export async function patientView(main, person) {
  try {
    const me = await api('GET', '/api/me');
    const upcoming = await scheduleSection(main, person);
    const contact = me.emergencyContact;
    render(main,
      h('h1', {}, 'Your profile'),
      h('p', { class: 'lead' }, `Hello, ${me.displayName}. This is what your care team has on file for you.`),
      upcoming,
      h('section', { class: 'card', 'aria-label': 'Profile details' },
        h('dl', { class: 'profile' },
          h('dt', {}, 'Name'), h('dd', {}, me.displayName),
          h('dt', {}, 'Email'), h('dd', {}, me.email),
          h('dt', {}, 'Phone'), h('dd', {}, me.phone || 'Not given'),
          h('dt', {}, 'Time zone'), h('dd', {}, me.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone),
          h('dt', {}, 'Emergency contact'),
          h('dd', {}, contact ? `${contact.name}, ${contact.phone}${contact.relationship ? ` (${contact.relationship})` : ''}` : 'Not given yet'))),
      h('p', { class: 'lead' }, 'If anything here is out of date, tell your clinic — they will update it with you.'));
  } catch (e) {
    render(main, h('h1', {}, 'Your profile'), problemAlert(e));
  }
}
