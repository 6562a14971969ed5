import { api } from '../api.js';
import { h, problemAlert, render, viewerZone } from '../dom.js';
import { calendarFeedSection, scheduleSection } from './schedule.js';
import { requestSection } from './request.js';

export async function patientView(main, person) {
  try {
    const me = await api('GET', '/api/me');
    const upcoming = await scheduleSection(main, person);
    const request = await requestSection(me);
    const contact = me.emergencyContact;
    render(main,
      h('h1', {}, 'Your profile'),
      h('p', { class: 'lead' }, `Hello, ${me.displayName}. It’s good to have you here. This is what your care team has on file for you.`),
      h('section', { class: 'card course-link', 'aria-labelledby': 'course-link-title' },
        h('h2', { id: 'course-link-title', class: 'card-title' }, 'Your course of care'),
        h('p', {}, 'Your sessions, your intake and consents, questionnaires that are due, your intentions and your journal.'),
        h('a', { href: '#/course', class: 'button' }, 'Open your course')),
      h('section', { class: 'card course-link', 'aria-labelledby': 'aftercare-link-title' },
        h('h2', { id: 'aftercare-link-title', class: 'card-title' }, 'Aftercare'),
        h('p', {}, 'Today’s practice, your plan between sessions and reading from your clinic.'),
        h('a', { href: '#/aftercare', class: 'button' }, 'Open aftercare')),
      upcoming,
      request,
      calendarFeedSection(),
      h('section', { class: 'card', 'aria-labelledby': 'profile-details-title' },
        h('h2', { id: 'profile-details-title', class: 'card-title' }, 'Your details'),
        h('dl', { class: 'profile' },
          h('dt', {}, 'Name'), h('dd', {}, me.displayName),
          h('dt', {}, 'Email'), h('dd', {}, me.email),
          h('dt', {}, 'Phone'), h('dd', {}, me.phone || 'Not given'),
          h('dt', {}, 'Time zone'), h('dd', {}, me.timeZone || viewerZone()),
          h('dt', {}, 'Emergency contact'),
          h('dd', {}, contact ? `${contact.name}, ${contact.phone}${contact.relationship ? ` (${contact.relationship})` : ''}` : 'Not given yet'))),
      h('p', { class: 'lead' }, 'If anything here is out of date, let your clinic know — they will update it with you. '
        + 'If you are in crisis or feel unsafe, call your local emergency number.'));
  } catch (e) {
    render(main, h('h1', {}, 'Your profile'), problemAlert(e));
  }
}
