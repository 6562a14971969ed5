// Hash routes keep secrets (set-password tickets) in the fragment, which never reaches a server.
import { SESSION_ENDED, currentPerson, logout, resume } from './api.js';
import { announce, h, loading, render } from './dom.js';
import { loginView } from './views/login.js';
import { setPasswordView } from './views/set-password.js';
import { peopleView, auditView } from './views/admin.js';
import { therapistView } from './views/therapist.js';
import { patientView } from './views/patient.js';
import { calendarView } from './views/calendar.js';
import { roomView } from './views/room.js';
import { lobbyView } from './views/lobby.js';
import { availabilityView } from './views/availability.js';
import { policyView } from './views/policy.js';
import { careSettingsView } from './views/care-settings.js';
import { patientCourseView, staffCourseView } from './views/course.js';
import { consentsView, intakeView } from './views/intake.js';
import { measureView } from './views/measure.js';
import { startCareWatch, stopCareWatch } from './care-alerts.js';
import { libraryItemView, libraryView } from './views/library.js';
import { afterView } from './views/after.js';
import { noteView } from './views/notes.js';
import { patientAftercareView, practiceView } from './views/aftercare.js';
import { resourceView, resourcesView } from './views/resources.js';
import { devMailView } from './views/dev-mail.js';
import { emailPreferencesView, mailSettingsView } from './views/mail.js';

const HOME = { admin: '#/admin/people', therapist: '#/therapist', patient: '#/patient' };
const ROLE_NAMES = { admin: 'Admin', therapist: 'Therapist', patient: 'Patient' };
const NAV = {
  admin: [['#/admin/calendar', 'Calendar'], ['#/availability', 'Availability'], ['#/lobby', 'Waiting room'], ['#/policy', 'Booking rules'], ['#/care-settings', 'Course of care'], ['#/admin/people', 'People'], ['#/admin/audit', 'Audit log']],
  therapist: [['#/therapist', 'Your patients'], ['#/availability', 'Your hours'], ['#/lobby', 'Clinic waiting room']],
  patient: [['#/course', 'Your course'], ['#/patient', 'Your profile']],
};
const ROUTES = [
  { pattern: /^#\/admin\/people$/, role: 'admin', view: peopleView, title: 'People' },
  { pattern: /^#\/admin\/audit$/, role: 'admin', view: auditView, title: 'Audit log' },
  { pattern: /^#\/admin\/calendar$/, role: 'admin', view: calendarView, title: 'Calendar' },
  { pattern: /^#\/room\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)?$/, role: '*', view: roomView, title: 'Your session' },
  { pattern: /^#\/lobby$/, role: 'admin', view: lobbyView, title: 'Waiting room' },
  // Everyone may read the rules (the API allows it); the view offers editing to admins only.
  { pattern: /^#\/policy$/, role: '*', view: policyView, title: 'Booking rules' },
  { pattern: /^#\/care-settings$/, role: 'admin', view: careSettingsView, title: 'Course of care' },
  { pattern: /^#\/availability$/, role: 'admin', view: availabilityView, title: 'Availability' },
  { pattern: /^#\/availability$/, role: 'therapist', view: availabilityView, title: 'Your hours' },
  { pattern: /^#\/lobby$/, role: 'therapist', view: lobbyView, title: 'Waiting room' },
  { pattern: /^#\/therapist$/, role: 'therapist', view: therapistView, title: 'Your patients' },
  { pattern: /^#\/patient$/, role: 'patient', view: patientView, title: 'Your profile' },
  { pattern: /^#\/course$/, role: 'patient', view: patientCourseView, title: 'Your course' },
  { pattern: /^#\/intake$/, role: 'patient', view: intakeView, title: 'Your intake' },
  { pattern: /^#\/consents$/, role: 'patient', view: consentsView, title: 'Consents' },
  { pattern: /^#\/measures\/[A-Za-z0-9_-]+\/[^/]+$/, role: 'patient', view: measureView, title: 'Questionnaire' },
  { pattern: /^#\/patients\/[A-Za-z0-9_-]+$/, role: 'therapist', view: staffCourseView, title: 'Course of care' },
  { pattern: /^#\/patients\/[A-Za-z0-9_-]+$/, role: 'admin', view: staffCourseView, title: 'Course of care' },
  // after a session (issue 12): the patient's end page, the therapist's note
  { pattern: /^#\/after\/[A-Za-z0-9_-]+$/, role: 'patient', view: afterView, title: 'After your session' },
  { pattern: /^#\/notes\/[A-Za-z0-9_-]+$/, role: 'therapist', view: noteView, title: 'Session note' },
];
// The exercise library (issue 12): authored by the care team.
for (const role of ['therapist', 'admin']) {
  NAV[role].push(['#/library', 'Exercise library']);
  ROUTES.push({ pattern: /^#\/library$/, role, view: libraryView, title: 'Exercise library' },
    { pattern: /^#\/library\/(new\/(script|playlist)|[A-Za-z0-9_-]+)$/, role, view: libraryItemView, title: 'Exercise' });
}

// Aftercare (issue 12): the patient's plan and solo practice, the clinic's resources and their authoring.
NAV.patient.splice(1, 0, ['#/aftercare', 'Aftercare']);
NAV.therapist.push(['#/resources', 'Resources']);
NAV.admin.push(['#/resources', 'Resources']);
ROUTES.push(
  { pattern: /^#\/aftercare$/, role: 'patient', view: patientAftercareView, title: 'Aftercare' },
  { pattern: /^#\/practice\/[A-Za-z0-9_-]+$/, role: 'patient', view: practiceView, title: 'Practice' },
  { pattern: /^#\/resources\/[A-Za-z0-9_-]+$/, role: '*', view: resourceView, title: 'Resource' },
  { pattern: /^#\/resources$/, role: 'therapist', view: resourcesView, title: 'Aftercare resources' },
  { pattern: /^#\/resources$/, role: 'admin', view: resourcesView, title: 'Aftercare resources' });

// The development mailbox (issue 15): reached from the README, not the navigation
// (production has none); the API answers 404 outside development mode.
ROUTES.push({ pattern: /^#\/dev\/mail$/, role: 'admin', view: devMailView, title: 'Sent mail (development)' });

// Email (issue 15): the clinic's mail settings for admins; everyone's own email preferences.
NAV.admin.push(['#/mail-settings', 'Email settings']);
for (const role of ['admin', 'therapist', 'patient']) NAV[role].push(['#/settings/email', 'Email preferences']);
ROUTES.push(
  { pattern: /^#\/mail-settings$/, role: 'admin', view: mailSettingsView, title: 'Email settings' },
  { pattern: /^#\/settings\/email$/, role: '*', view: emailPreferencesView, title: 'Email preferences' });

/** A message for the sign-in page (after signing out, or when a session ended). */
let notice = null;
/** The page someone asked for before signing in, opened for them afterwards when their role may see it. */
let wanted = null;

export function homeOf(person) {
  return HOME[person.role] || '#/login';
}

function routeFor(hash, person) {
  return ROUTES.find((r) => r.pattern.test(hash) && (r.role === person.role || r.role === '*'));
}

function afterSignIn(person) {
  const target = wanted && routeFor(wanted, person) ? wanted : homeOf(person);
  wanted = null;
  go(target);
}

async function signOut() {
  stopCareWatch();
  await logout();
  notice = 'You have signed out.';
  wanted = null;
  go('#/login');
}

/** Navigates, re-rendering when the hash is already the target (no hashchange then). */
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function renderHeader(person) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  const brand = document.getElementById('brand');
  brand.setAttribute('href', person ? homeOf(person) : '#/login');
  if (!person) {
    nav.hidden = true;
    render(nav);
    render(account);
    return;
  }
  nav.hidden = false;
  const here = location.hash;
  render(nav, h('ul', {}, (NAV[person.role] || []).map(([href, text]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : null }, text)))));
  render(account,
    h('p', { class: 'who' }, h('span', { class: 'visually-hidden' }, 'Signed in as '),
      h('span', { class: 'who-name' }, person.displayName), ' ',
      h('span', { class: 'badge role' }, ROLE_NAMES[person.role] || person.role)),
    h('button', { type: 'button', class: 'secondary small', onclick: signOut }, 'Sign out'));
}

let routing = 0;

async function route() {
  const mine = ++routing;
  const main = document.getElementById('main');
  // Each route renders into its own container: a slow view that finishes after the person moved
  // on writes into a detached element, never over the page they are on now.
  const outlet = h('div', { class: 'view' });
  const hash = location.hash || '#/login';
  const ticket = hash.match(/^#\/set-password\/([A-Za-z0-9_-]+)$/);
  if (ticket) {
    renderHeader(null);
    render(main, outlet);
    document.title = 'Set your password · Hearth';
    return setPasswordView(outlet, ticket[1]);
  }
  const person = currentPerson() || await resume();
  if (mine !== routing) return;
  if (hash === '#/login' || !person) {
    if (person) { go(homeOf(person)); return; }
    if (hash !== '#/login' && location.hash) wanted = hash;
    renderHeader(null);
    render(main, outlet);
    document.title = 'Sign in · Hearth';
    const message = notice;
    notice = null;
    return loginView(outlet, afterSignIn, message);
  }
  const match = routeFor(hash, person);
  if (!match) { location.replace(homeOf(person)); return; }
  renderHeader(person);
  // A therapist's safety alerts show on every page, from one socket kept for the whole session.
  startCareWatch(person);
  document.title = `${match.title} · Hearth`;
  render(outlet, loading());
  render(main, outlet);
  main.focus({ preventScroll: true });
  await match.view(outlet, person);
  if (mine === routing) announce(`${match.title} loaded`);
}

window.addEventListener(SESSION_ENDED, () => {
  stopCareWatch();
  notice = 'Your session has ended. Please sign in again.';
  if (location.hash && location.hash !== '#/login') wanted = location.hash;
  go('#/login');
});
window.addEventListener('hashchange', route);
// The skip link must not change the hash (that is the router's); it moves focus instead.
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});
route();
