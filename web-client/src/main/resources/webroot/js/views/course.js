// The course of care: the patient's own page (timeline, what is due, intentions, journal, scores),
// their therapist's view of it (plus intake answers, shared reflections and dosing records), and a
// clinic admin's (what is due and that records exist, never the content; dosings to mark).
import { api } from '../api.js';
import { announce, busy, field, formatTime, h, loading, okAlert, problemAlert, render } from '../dom.js';
import {
  CONSENT_NAMES, TYPE_NAMES, careEvents, coursePath, day, dosingRecordForm, dosingRecordText, instrumentName,
  intentionsEditor, measureHref, occasionLabel, paragraphs, telOf, trendSection,
} from '../care.js';
import { notesSection } from './notes.js';
import { aftercareSection } from './aftercare.js';

const PATIENT_TYPE_NAMES = { preparation: 'Preparation session', dosing: 'Dosing at the clinic', integration: 'Integration session', circle: 'Integration circle' };
export const INTAKE_FIELDS = [
  ['goals', 'Your goals', 'What would you like to get from this treatment?'],
  ['concerns', 'Your concerns', 'Is anything worrying you about the treatment or the sessions?'],
  ['history', 'Your mental-health history', 'Diagnoses, hard times, hospital stays: whatever you want your therapist to know.'],
  ['treatment', 'Treatment so far', 'Therapy, medication or other treatment you have had, and how it went.'],
  ['medications', 'Medications you take now', 'Names and doses, including supplements.'],
  ['notes', 'Anything else your therapist should know', null],
];

/** When a session is over: the end passed, or its host ended it for everyone. */
function ended(item, now = Date.now()) {
  return Boolean(item.sessionEndedAt) || Date.parse(item.end) <= now;
}

function statusBadge(item) {
  if (item.status === 'cancelled') return h('span', { class: 'badge' }, 'Cancelled');
  if (ended(item)) return h('span', { class: 'badge ended' }, 'Ended');
  if (Date.parse(item.start) <= Date.now()) return h('span', { class: 'badge presence-in-room' }, 'Now');
  return h('span', { class: 'badge upcoming' }, 'Upcoming');
}

/** The sessions of the course in order; `extra(item)` adds a role's details (dosing records, forms). */
function timeline(items, names, extra = () => null) {
  if (!items || items.length === 0) return h('p', { class: 'muted' }, 'No sessions booked yet.');
  const sorted = [...items].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  return h('ol', { class: 'timeline' }, sorted.map((item) => h('li', {
    class: `timeline-item ${item.type} ${item.status === 'cancelled' ? 'cancelled' : (ended(item) ? 'ended' : 'upcoming')}`,
    'data-appointment': item.appointmentId,
  },
  h('p', {}, h('strong', {}, names[item.type] || item.type), ' ', statusBadge(item)),
  h('p', { class: 'muted' }, h('time', { datetime: item.start }, formatTime(item.start))),
  extra(item))));
}

function dueList(course, measures, { patient }) {
  const items = [];
  const intake = course.intake || {};
  if (intake.status !== 'submitted') {
    items.push(h('li', {}, h('span', {}, 'Intake questions', intake.editableUntil ? ` (before ${formatTime(intake.editableUntil)})` : ''), ' ',
      patient ? h('a', { class: 'button small', href: '#/intake' }, 'Fill in your intake') : h('span', { class: 'badge invited' }, 'Not submitted')));
  }
  for (const c of course.consentsDue || []) {
    const title = c.title || CONSENT_NAMES[c.kind] || c.kind;
    items.push(h('li', {}, h('span', {}, `${title} (version ${c.version})`), ' ',
      patient ? h('a', { class: 'button small', href: '#/consents', 'aria-label': `Read and agree: ${title}` }, 'Read and agree') : h('span', { class: 'badge invited' }, 'Not accepted yet')));
  }
  for (const m of (measures && measures.due) || []) {
    const name = instrumentName(m.instrument);
    // the server's label speaks to the patient ("before your course begins"); staff read the occasion
    items.push(h('li', {}, h('span', {}, h('strong', {}, name), ` · ${patient && m.label ? m.label : occasionLabel(m.occasion)}`), ' ',
      patient ? h('a', { class: 'button small', href: measureHref(m.instrument, m.occasion) }, `Answer ${name.split(' ')[0]}`) : h('span', { class: 'badge invited' }, 'Due')));
  }
  if (items.length === 0) return h('p', { class: 'muted' }, patient ? 'Nothing is due right now. Thank you.' : 'Nothing is due.');
  return h('ul', { class: 'due-list' }, items);
}

// ---------------------------------------------------------------- the patient's page

function journalSection(person, course) {
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('div', {}, loading('Loading your journal…'));
  let prompt = course.journalPrompt;
  const text = h('textarea', { name: 'text', rows: 6, maxlength: 10000 });
  const share = h('input', { type: 'checkbox', id: 'journal-share', name: 'shared' });
  const save = h('button', { type: 'submit' }, 'Save reflection');
  const promptBox = prompt ? h('div', { class: 'prompt' }, h('p', { class: 'prompt-title' }, 'A prompt after your session'), paragraphs(prompt.text)) : null;
  const form = h('form', { novalidate: true },
    promptBox,
    field('journal-text', prompt ? 'Your reflection on the prompt' : 'Write a reflection', text,
      'Private: only you can read it, unless you share it with your therapist.'),
    h('div', { class: 'check' }, share, h('label', { for: 'journal-share' }, 'Share this with my therapist')),
    save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!text.value.trim()) { render(message, problemAlert({ problem: { title: 'Write something first' } })); text.focus(); return; }
    const body = { text: text.value, shared: share.checked };
    if (prompt) { body.prompt = prompt.text; if (prompt.afterAppointmentId) body.appointmentId = prompt.afterAppointmentId; }
    busy(save, async () => {
      try {
        await api('POST', `${coursePath(person.id)}/journal`, body);
        text.value = '';
        share.checked = false;
        render(message, okAlert(h('p', {}, body.shared ? 'Saved and shared with your therapist.' : 'Saved. Only you can read it.')));
        announce('Reflection saved');
        if (prompt) {
          // the prompt is answered: the next reflection is a free one
          promptBox.remove();
          prompt = null;
          form.querySelector('label[for="journal-text"]').textContent = 'Write a reflection';
        }
        await load();
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  });

  async function load() {
    try {
      const { items } = await api('GET', `${coursePath(person.id)}/journal`);
      render(list, items.length === 0 ? h('p', { class: 'muted' }, 'No reflections yet.') : h('ol', { class: 'journal' }, items.map((e) => {
        const toggle = h('button', { type: 'button', class: 'secondary small',
          'aria-label': `${e.shared ? 'Stop sharing' : 'Share'} the reflection of ${formatTime(e.createdAt)}` }, e.shared ? 'Stop sharing' : 'Share with my therapist');
        toggle.addEventListener('click', () => busy(toggle, async () => {
          try {
            await api('PATCH', `${coursePath(person.id)}/journal/${encodeURIComponent(e.id)}`, { shared: !e.shared });
            announce(e.shared ? 'No longer shared' : 'Shared with your therapist');
            await load();
          } catch (err) { render(message, problemAlert(err)); }
        }));
        return h('li', { class: 'journal-entry', 'data-entry': e.id },
          h('p', { class: 'muted' }, h('time', { datetime: e.createdAt }, formatTime(e.createdAt)), ' ',
            h('span', { class: e.shared ? 'badge shared' : 'badge' }, e.shared ? 'Shared with your therapist' : 'Private')),
          e.prompt ? h('p', { class: 'prompt-line' }, h('em', {}, e.prompt)) : null,
          paragraphs(e.text),
          h('div', { class: 'actions' }, toggle));
      })));
    } catch (e) { render(list, problemAlert(e)); }
  }
  load();
  return h('section', { class: 'card', 'aria-labelledby': 'journal-title' },
    h('h2', { id: 'journal-title', class: 'card-title' }, 'Your journal'), form, message,
    h('h3', {}, 'Your reflections'), list);
}

/** The clinic's crisis resources, always at the foot of the patient's course. */
function crisisNote(settings) {
  const resources = (settings && settings.crisisResources) || [];
  if (resources.length === 0) return h('p', { class: 'lead' }, 'If you are in crisis or feel unsafe, call your local emergency number.');
  return h('section', { class: 'crisis-note', 'aria-labelledby': 'crisis-note-title' },
    h('h2', { id: 'crisis-note-title' }, 'If you are in crisis or feel unsafe'),
    h('ul', {}, resources.map((r) => {
      const tel = telOf(r.contact);
      return h('li', {}, h('strong', {}, r.name), ': ', tel ? h('a', { href: `tel:${tel}` }, r.contact) : r.contact);
    })));
}

export async function patientCourseView(main, person) {
  async function draw() {
    try {
      const [course, measures, settings] = await Promise.all([
        api('GET', `${coursePath(person.id)}/course`),
        api('GET', `${coursePath(person.id)}/measures`).catch(() => ({ due: [], responses: [], dosings: [] })),
        api('GET', '/api/care/settings').catch(() => null),
      ]);
      const intentions = intentionsEditor(person.id, { title: 'Your intentions',
        intro: 'What you hope to explore or change. You can draft them here; you and your therapist refine them together in your preparation.' });
      const heading = h('h1', { tabindex: '-1' }, 'Your course');
      render(main,
        heading,
        h('p', { class: 'lead' }, 'Your sessions, what is due, your intentions, your journal and how you have been feeling over time.'),
        h('section', { class: 'card', 'aria-labelledby': 'due-title' },
          h('h2', { id: 'due-title', class: 'card-title' }, 'What is due'),
          dueList(course, measures, { patient: true }),
          course.intake && course.intake.status === 'submitted' ? h('p', {}, h('a', { href: '#/intake' }, 'Review your intake answers')) : null),
        h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
          h('h2', { id: 'timeline-title', class: 'card-title' }, 'Your sessions'),
          timeline(course.timeline, PATIENT_TYPE_NAMES)),
        intentions.element,
        journalSection(person, course),
        trendSection(measures, { severity: false }),
        crisisNote(settings));
      // Arrived from "Write in your journal" (the end page after a session): straight to the text box.
      const focusId = sessionStorage.getItem('hearth.focus');
      if (focusId) {
        sessionStorage.removeItem('hearth.focus');
        const target = main.querySelector(`#${CSS.escape(focusId)}`);
        if (target) { target.scrollIntoView({ block: 'center' }); target.focus(); }
      }
    } catch (e) {
      render(main, h('h1', {}, 'Your course'), problemAlert(e));
    }
  }
  await draw();
}

// ---------------------------------------------------------------- the therapist's and admin's page

function patientIdFromHash() {
  const m = location.hash.match(/^#\/patients\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function intakeAnswers(intake) {
  if (!intake || intake.status !== 'submitted') return h('p', { class: 'muted' }, 'The intake is not submitted yet.');
  const answers = intake.answers || {};
  return h('div', {},
    h('dl', { class: 'profile answers' }, INTAKE_FIELDS.map(([key, label]) => [
      h('dt', {}, label), h('dd', {}, answers[key] ? paragraphs(answers[key]) : h('span', { class: 'muted' }, 'Not answered'))])),
    intake.updatedAt ? h('p', { class: 'hint' }, `Last changed ${formatTime(intake.updatedAt)}.`) : null);
}

export function sharedReflections(items, { since = null, headingId = 'reflections-title', headingLevel = 'h2' } = {}) {
  const shown = since ? items.filter((e) => Date.parse(e.createdAt) >= Date.parse(since)) : items;
  return h('section', { class: 'card', 'aria-labelledby': headingId },
    h(headingLevel, { id: headingId, class: 'card-title' }, since ? 'Shared reflections since the dosing' : 'Shared reflections'),
    shown.length === 0 ? h('p', { class: 'muted' }, 'Nothing shared yet.') : h('ol', { class: 'journal' }, shown.map((e) => h('li', { class: 'journal-entry', 'data-entry': e.id },
      h('p', { class: 'muted' }, h('time', { datetime: e.createdAt }, formatTime(e.createdAt))),
      e.prompt ? h('p', { class: 'prompt-line' }, h('em', {}, e.prompt)) : null,
      paragraphs(e.text)))));
}

export async function staffCourseView(main, person) {
  const patientId = patientIdFromHash();
  const admin = person.role === 'admin';
  let stop = () => {};
  let aftercare = null; // one element for the page's life: its own forms survive the page's redraws
  async function draw() {
    try {
      const course = await api('GET', `${coursePath(patientId)}/course`);
      const measures = await api('GET', `${coursePath(patientId)}/measures`).catch((e) => ({ due: [], responses: [], dosings: [], error: e }));
      const name = course.patient.displayName;
      const dosingExtra = (item) => {
        if (item.type !== 'dosing') return null;
        const status = h('p', { class: 'dosing-status' }, h('strong', {}, 'Dosing record: '), dosingRecordText(item.dosingRecord));
        const started = Date.parse(item.start) <= Date.now();
        if (item.status === 'cancelled' || !started) return status;
        const details = h('details', { open: !item.dosingRecord },
          h('summary', {}, item.dosingRecord ? 'Change the dosing record' : 'Record this dosing'),
          dosingRecordForm({ id: item.appointmentId, start: item.start, end: item.end, dosingRecord: item.dosingRecord }, () => draw()));
        return h('div', {}, status, details);
      };
      const sections = [
        h('h1', { tabindex: '-1' }, `Course of care: ${name}`),
        h('p', { class: 'lead' }, admin
          ? 'What is due and which records exist. The content (intake, intentions, journal, answers) is for the patient and their therapist only.'
          : `Therapist: ${course.patient.therapistName || 'you'}.`),
        h('section', { class: 'card', 'aria-labelledby': 'due-title' },
          h('h2', { id: 'due-title', class: 'card-title' }, 'What is due'),
          dueList(course, measures, { patient: false })),
        h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
          h('h2', { id: 'timeline-title', class: 'card-title' }, 'Sessions'),
          timeline(course.timeline, TYPE_NAMES, dosingExtra)),
      ];
      if (admin) {
        const journal = course.journal || { entries: 0, shared: 0 };
        sections.push(h('section', { class: 'card', 'aria-labelledby': 'records-title' },
          h('h2', { id: 'records-title', class: 'card-title' }, 'Records'),
          h('dl', { class: 'profile' },
            h('dt', {}, 'Intake'), h('dd', {}, course.intake && course.intake.status === 'submitted' ? 'Submitted' : 'Not submitted'),
            h('dt', {}, 'Consents due'), h('dd', {}, (course.consentsDue || []).length === 0 ? 'None' : (course.consentsDue || []).map((c) => c.title || CONSENT_NAMES[c.kind] || c.kind).join(', ')),
            h('dt', {}, 'Journal'), h('dd', {}, `${journal.entries} ${journal.entries === 1 ? 'entry' : 'entries'}, ${journal.shared} shared with the therapist`))));
      } else {
        const [intake, journal] = await Promise.all([
          api('GET', `${coursePath(patientId)}/intake`).catch(() => null),
          api('GET', `${coursePath(patientId)}/journal`).catch(() => ({ items: [] })),
        ]);
        const intentions = intentionsEditor(patientId, { title: 'Intentions' });
        sections.push(notesSection(patientId), intentions.element,
          h('section', { class: 'card', 'aria-labelledby': 'intake-title' },
            h('h2', { id: 'intake-title', class: 'card-title' }, 'Intake answers'), intakeAnswers(intake)),
          sharedReflections(journal.items),
          measures.error ? problemAlert(measures.error) : trendSection(measures, { severity: true }));
        sections.push(aftercare || (aftercare = aftercareSection(patientId)));
      }
      render(main, sections);
    } catch (e) {
      render(main, h('h1', {}, 'Course of care'), problemAlert(e));
    }
  }
  await draw();
  // Live: what the patient shares or changes shows without a reload (therapists watch care events).
  const onChange = (event) => {
    if (!main.isConnected) { stop(); return; }
    // Not while the therapist is writing here (an intentions edit, a dosing record): their input stays.
    const typing = main.contains(document.activeElement) && document.activeElement.closest('form');
    if (event.detail && event.detail.patientId === patientId && !main.querySelector('.intentions-form') && !typing) draw();
  };
  careEvents.addEventListener('care.changed', onChange);
  stop = () => careEvents.removeEventListener('care.changed', onChange);
}
