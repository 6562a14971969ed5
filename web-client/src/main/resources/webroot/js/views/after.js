// The patient's page after their therapist ends a session ("End for everyone", issue 12): calm, not
// an error. What comes next: the next appointment, a prompt for the journal, today's practice from
// the aftercare plan, the clinic's aftercare resources, and where to turn in a crisis.
import { api } from '../api.js';
import { formatTime, h, loading, problemAlert, render } from '../dom.js';
import { coursePath, paragraphs, telOf } from '../care.js';
import { sessionOver } from './schedule.js';

const PATIENT_TYPE_NAMES = { preparation: 'Preparation session', dosing: 'Dosing at the clinic', integration: 'Integration session', circle: 'Integration circle' };
const PRACTICE_STATE_WORDS = { due: 'To do today', done: 'Done', skipped: 'Skipped' };
const GENERIC_PROMPT = 'What stayed with you from today’s session? A feeling, an image, a sentence — whatever you want to remember.';

function appointmentIdFromHash() {
  const m = location.hash.match(/^#\/after\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

/** A read that may not exist on this server yet (aftercare, resources): null instead of a failure. */
async function optional(path) {
  try {
    return await api('GET', path);
  } catch (e) {
    return null;
  }
}

function nextAppointmentCard(next) {
  const body = next
    ? [h('p', {}, h('strong', {}, PATIENT_TYPE_NAMES[next.type] || next.type)),
      h('p', {}, h('time', { datetime: next.start }, formatTime(next.start))),
      next.mode === 'in-clinic' ? h('p', {}, `At the clinic${next.location ? `: ${next.location}` : ''}`) : h('p', { class: 'muted' }, 'Online: the Join button on your profile opens a few minutes before.')]
    : [h('p', {}, 'Nothing else is booked yet. Your clinic will be in touch about your next session.')];
  return h('section', { class: 'card', 'aria-labelledby': 'after-next-title' },
    h('h2', { id: 'after-next-title', class: 'card-title' }, 'Your next appointment'), body,
    h('p', {}, h('a', { href: '#/patient' }, 'All your appointments')));
}

function journalCard(prompt) {
  return h('section', { class: 'card', 'aria-labelledby': 'after-journal-title' },
    h('h2', { id: 'after-journal-title', class: 'card-title' }, 'A reflection for your journal'),
    h('div', { class: 'prompt' }, h('p', { class: 'prompt-title' }, 'When you are ready'), paragraphs(prompt)),
    h('p', { class: 'hint' }, 'Your journal is private unless you choose to share an entry with your therapist.'),
    // the course page opens at its journal's text box (course.js reads this once)
    h('a', { class: 'button', href: '#/course', onclick: () => sessionStorage.setItem('hearth.focus', 'journal-text') }, 'Write in your journal'));
}

function practiceCard(plan) {
  const today = (plan && plan.todayItems) || [];
  if (today.length === 0) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'after-practice-title' },
    h('h2', { id: 'after-practice-title', class: 'card-title' }, 'Today’s practice'),
    h('ul', { class: 'today-practice' }, today.map((item) => h('li', { 'data-practice': item.practiceId },
      item.state === 'due'
        ? h('a', { href: `#/practice/${encodeURIComponent(item.practiceId)}` }, item.title)
        : h('span', {}, item.title),
      ' ', h('span', { class: item.state === 'done' ? 'badge shared' : 'badge' }, PRACTICE_STATE_WORDS[item.state] || item.state)))),
    h('p', {}, h('a', { href: '#/aftercare' }, 'Your aftercare plan')));
}

function resourcesCard(resources) {
  if (!resources || resources.length === 0) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'after-resources-title' },
    h('h2', { id: 'after-resources-title', class: 'card-title' }, 'From your clinic'),
    h('ul', { class: 'resources' }, resources.map((r) => h('li', { 'data-resource': r.id },
      h('a', { href: `#/resources/${encodeURIComponent(r.id)}` }, r.title),
      r.summary ? h('p', { class: 'muted' }, r.summary) : null))));
}

function crisisCard(settings) {
  const resources = (settings && settings.crisisResources) || [];
  return h('section', { class: 'crisis-note', 'aria-labelledby': 'after-crisis-title' },
    h('h2', { id: 'after-crisis-title' }, 'If you feel unsafe'),
    resources.length === 0 ? h('p', {}, 'Call your local emergency number.')
      : h('ul', {}, resources.map((r) => {
        const tel = telOf(r.contact);
        return h('li', {}, h('strong', {}, r.name), ': ', tel ? h('a', { href: `tel:${tel}` }, r.contact) : r.contact);
      })));
}

export async function afterView(main, person) {
  const appointmentId = appointmentIdFromHash();
  render(main, h('h1', {}, 'Thank you for today'), loading('Getting your next steps…'));
  try {
    const now = new Date();
    const query = new URLSearchParams({ from: now.toISOString(), to: new Date(now.getTime() + 60 * 864e5).toISOString() });
    const [ended, list, course, plan, clinicResources, settings] = await Promise.all([
      api('GET', `/api/appointments/${encodeURIComponent(appointmentId)}`),
      api('GET', `/api/appointments?${query}`).catch(() => ({ items: [] })),
      api('GET', `${coursePath(person.id)}/course`).catch(() => null),
      // the aftercare plan and the clinic's resources (issue 12): tolerated missing on older servers
      optional(`${coursePath(person.id)}/aftercare`),
      optional('/api/care/resources'),
      optional('/api/care/settings'),
    ]);
    if (!sessionOver(ended, now)) {
      // an old bookmark or a typed address: nothing has ended yet
      render(main, h('h1', {}, 'Your session'), h('p', { class: 'lead' }, 'This session has not ended yet.'),
        h('p', {}, h('a', { href: '#/patient' }, 'Back to your appointments')));
      return;
    }
    const next = list.items
      .filter((a) => a.id !== appointmentId && a.status === 'booked' && !sessionOver(a, now)
        && !(a.attendees || []).some((x) => x.patientId === person.id && x.state === 'waitlisted'))
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0] || null;
    const prompt = course && course.journalPrompt ? course.journalPrompt.text : GENERIC_PROMPT;
    const resources = plan && plan.resources && plan.resources.length ? plan.resources
      : (clinicResources ? (clinicResources.items || []).filter((r) => !r.archived) : []);
    const typeName = PATIENT_TYPE_NAMES[ended.type] || 'session';
    render(main,
      h('h1', { tabindex: '-1' }, 'Thank you for today'),
      h('p', { class: 'lead' }, `Your ${typeName.toLowerCase()} has ended. Take a moment before you get up: a glass of water, a few slow breaths. There is nothing you need to do right now.`),
      h('p', { class: 'muted' }, `Session of ${formatTime(ended.start)}.`),
      practiceCard(plan),
      journalCard(prompt),
      nextAppointmentCard(next),
      resourcesCard(resources),
      crisisCard(settings));
    main.querySelector('h1').focus({ preventScroll: true });
  } catch (e) {
    render(main, h('h1', {}, 'Thank you for today'), problemAlert(e),
      h('p', {}, h('a', { href: '#/patient' }, 'Back to your appointments')));
  }
}
