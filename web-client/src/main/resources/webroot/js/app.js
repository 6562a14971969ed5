// Hash routes keep secrets (set-password tickets) in the fragment, which never reaches a server.
import { currentPerson, logout, resume } from './api.js';
import { h, render } from './dom.js';
import { loginView } from './views/login.js';
import { setPasswordView } from './views/set-password.js';
import { peopleView, auditView } from './views/admin.js';
import { therapistView } from './views/therapist.js';
import { patientView } from './views/patient.js';
import { calendarView } from './views/calendar.js';
import { roomView } from './views/schedule.js';

const HOME = { admin: '#/admin/people', therapist: '#/therapist', patient: '#/patient' };
const NAV = {
  admin: [['#/admin/calendar', 'Calendar'], ['#/admin/people', 'People'], ['#/admin/audit', 'Audit log']],
  therapist: [['#/therapist', 'Your patients']],
  patient: [['#/patient', 'Your profile']],
};
const ROUTES = [
  { pattern: /^#\/admin\/people$/, role: 'admin', view: peopleView, title: 'People' },
  { pattern: /^#\/admin\/audit$/, role: 'admin', view: auditView, title: 'Audit log' },
  { pattern: /^#\/admin\/calendar$/, role: 'admin', view: calendarView, title: 'Calendar' },
  { pattern: /^#\/room\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/, role: '*', view: roomView, title: 'Your session' },
  { pattern: /^#\/therapist$/, role: 'therapist', view: therapistView, title: 'Your patients' },
  { pattern: /^#\/patient$/, role: 'patient', view: patientView, title: 'Your profile' },
];

export function homeOf(person) {
  return HOME[person.role] || '#/login';
}

function renderHeader(person) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  if (!person) {
    render(nav);
    render(account);
    return;
  }
  const here = location.hash;
  render(nav, h('ul', {}, (NAV[person.role] || []).map(([href, text]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : null }, text)))));
  render(account,
    h('span', {}, `${person.displayName} · ${person.role}`),
    h('button', { type: 'button', class: 'secondary small', onclick: async () => { await logout(); location.hash = '#/login'; } }, 'Sign out'));
}

async function route() {
  const main = document.getElementById('main');
  const hash = location.hash || '#/login';
  const ticket = hash.match(/^#\/set-password\/([A-Za-z0-9_-]+)$/);
  if (ticket) {
    renderHeader(null);
    document.title = 'Set your password · Hearth';
    return setPasswordView(main, ticket[1]);
  }
  const person = currentPerson() || await resume();
  if (hash === '#/login' || !person) {
    renderHeader(null);
    document.title = 'Sign in · Hearth';
    if (person) { location.hash = homeOf(person); return; }
    return loginView(main, (signedIn) => { location.hash = homeOf(signedIn); });
  }
  const match = ROUTES.find((r) => r.pattern.test(hash) && (r.role === person.role || r.role === '*'));
  if (!match) { location.hash = homeOf(person); return; }
  renderHeader(person);
  document.title = `${match.title} · Hearth`;
  render(main, h('p', { class: 'loading' }, 'Loading…'));
  await match.view(main, person);
  main.focus();
}

window.addEventListener('hashchange', route);
route();
