// The patient's intake before their first preparation, and the clinic's consent texts to accept.
import { api } from '../api.js';
import { announce, busy, field, formatTime, h, okAlert, problemAlert, render, scrollable, showProblem } from '../dom.js';
import { CONSENT_NAMES, coursePath, paragraphs } from '../care.js';
import { INTAKE_FIELDS } from './course.js';

export async function intakeView(main, person) {
  let intake;
  try {
    intake = await api('GET', `${coursePath(person.id)}/intake`);
  } catch (e) {
    render(main, h('h1', {}, 'Your intake'), problemAlert(e));
    return;
  }
  const answers = intake.answers || {};
  const back = h('p', {}, h('a', { href: '#/course' }, 'Back to your course'));
  if (!intake.editable) {
    render(main,
      h('h1', {}, 'Your intake'),
      h('div', { class: 'alert warning', role: 'status' },
        h('p', {}, h('strong', {}, 'Your intake can no longer be changed here.'),
          intake.editableUntil ? ` It closed when your first preparation session began (${formatTime(intake.editableUntil)}).` : ' Your first preparation session has begun.'),
        h('p', {}, 'If something has changed, tell your therapist in your next session.')),
      h('dl', { class: 'profile answers' }, INTAKE_FIELDS.map(([key, label]) => [h('dt', {}, label),
        h('dd', {}, answers[key] ? paragraphs(answers[key]) : h('span', { class: 'muted' }, 'Not answered'))])),
      back);
    return;
  }
  const message = h('div');
  const inputs = {};
  const save = h('button', { type: 'submit' }, 'Save your intake');
  const form = h('form', { novalidate: true, class: 'card' },
    INTAKE_FIELDS.map(([key, label, hint]) => {
      const input = h('textarea', { name: `answers.${key}`, rows: 4, maxlength: 4000 });
      input.value = answers[key] || '';
      inputs[key] = input;
      return field(`intake-${key}`, label, input, hint);
    }),
    h('p', { class: 'hint' }, 'Every question is optional. Only you and your therapist can read your answers.'),
    save, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { answers: {} };
    for (const [key, input] of Object.entries(inputs)) body.answers[key] = input.value.trim();
    busy(save, async () => {
      try {
        const saved = await api('PUT', `${coursePath(person.id)}/intake`, body);
        render(message, okAlert(h('p', {}, h('strong', {}, 'Your intake is saved.')),
          saved.editableUntil ? h('p', {}, `You can change it until ${formatTime(saved.editableUntil)}.`) : null,
          h('p', {}, h('a', { href: '#/course' }, 'Back to your course'))));
        announce('Your intake is saved');
      } catch (e) {
        showProblem(message, e, form);
      }
    });
  });
  render(main,
    h('h1', {}, 'Your intake'),
    h('p', { class: 'lead' }, `A few questions before your first preparation session, so your therapist can get to know you.${intake.editableUntil ? ` You can change your answers until ${formatTime(intake.editableUntil)}.` : ''}`),
    intake.status === 'submitted' && intake.updatedAt ? h('p', { class: 'hint' }, `Last saved ${formatTime(intake.updatedAt)}.`) : null,
    form, back);
}

export async function consentsView(main, person) {
  let mine;
  let texts;
  try {
    [mine, texts] = await Promise.all([api('GET', `${coursePath(person.id)}/consents`), api('GET', '/api/care/consents')]);
  } catch (e) {
    render(main, h('h1', {}, 'Consents'), problemAlert(e));
    return;
  }
  const textOf = (kind, version) => (texts.items || []).find((t) => t.kind === kind && t.version === version)
    || (texts.items || []).find((t) => t.kind === kind);
  const due = mine.due || [];
  const accepted = (mine.items || []).filter((i) => i.current);
  render(main,
    h('h1', {}, 'Consents'),
    h('p', { class: 'lead' }, 'Please read each text. Agreeing records the version and the time.'),
    due.length === 0 ? okAlert(h('p', {}, 'You have agreed to everything current. Thank you.')) : null,
    due.map((d) => {
      const t = textOf(d.kind, d.version) || {};
      const title = d.title || t.title || CONSENT_NAMES[d.kind] || d.kind;
      const id = `consent-${d.kind}`;
      const message = h('div', { 'aria-live': 'polite' });
      const agree = h('button', { type: 'button', 'aria-label': `I agree: ${title}` }, 'I agree');
      const section = h('section', { class: 'card consent', 'aria-labelledby': `${id}-title`, 'data-kind': d.kind },
        h('h2', { id: `${id}-title`, class: 'card-title' }, title),
        h('p', { class: 'hint' }, `Version ${d.version}${t.publishedAt ? `, published ${formatTime(t.publishedAt)}` : ''}`),
        h('div', { class: 'consent-text', ...scrollable(`Text of ${title}`) }, paragraphs(t.text || '')),
        h('div', { class: 'actions' }, agree), message);
      agree.addEventListener('click', () => busy(agree, async () => {
        try {
          const done = await api('POST', `${coursePath(person.id)}/consents`, { kind: d.kind, version: d.version });
          agree.remove();
          render(message, okAlert(h('p', {}, `You agreed on ${formatTime(done.acceptedAt)} (version ${done.version}).`)));
          announce(`You agreed to the ${title}`);
        } catch (e) {
          render(message, problemAlert(e));
        }
      }));
      return section;
    }),
    accepted.length ? h('section', { class: 'card', 'aria-labelledby': 'accepted-title' },
      h('h2', { id: 'accepted-title', class: 'card-title' }, 'Already agreed'),
      h('ul', {}, accepted.map((a) => h('li', {}, `${(textOf(a.kind, a.version) || {}).title || CONSENT_NAMES[a.kind] || a.kind}, version ${a.version}, on ${formatTime(a.acceptedAt)}`)))) : null,
    h('p', {}, h('a', { href: '#/course' }, 'Back to your course')));
}
