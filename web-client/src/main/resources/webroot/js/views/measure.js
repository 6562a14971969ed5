// A questionnaire (PHQ-9, GAD-7, PCL-5) one question at a time: a fieldset with the question as its
// legend and labelled radios for the answers, "Question 3 of 9", back and next, a review before
// sending. When the answers need it, the clinic's crisis resources come first, at once.
import { api } from '../api.js';
import { announce, busy, h, problemAlert, render } from '../dom.js';
import { coursePath, crisisPanel, instrumentName, loadInstruments, measureHref, occasionLabel } from '../care.js';

function routeParams() {
  const m = location.hash.match(/^#\/measures\/([A-Za-z0-9_-]+)\/([^/]+)$/);
  return m ? { instrument: decodeURIComponent(m[1]), occasion: decodeURIComponent(m[2]) } : null;
}

export async function measureView(main, person) {
  const params = routeParams();
  let instrument;
  try {
    const all = await loadInstruments();
    instrument = all.find((i) => i.id === params.instrument);
    if (!instrument) throw Object.assign(new Error('unknown'), { problem: { title: 'There is no such questionnaire' } });
  } catch (e) {
    render(main, h('h1', {}, 'Questionnaire'), problemAlert(e), h('p', {}, h('a', { href: '#/course' }, 'Back to your course')));
    return;
  }
  const name = instrumentName(instrument.id);
  // A link to something not due (answered already, or an old link) says so before any question.
  try {
    const { due } = await api('GET', `${coursePath(person.id)}/measures`);
    if (!(due || []).some((d) => d.instrument === params.instrument && d.occasion === params.occasion)) {
      render(main, h('h1', {}, name), h('div', { class: 'alert ok', role: 'status' },
        h('p', {}, 'Nothing to answer here: this questionnaire is not due now, or you have already answered it. Thank you.')),
      h('p', {}, h('a', { href: '#/course' }, 'Back to your course')));
      return;
    }
  } catch (e) { /* sending still checks; answering can go ahead */ }
  // The questions: the items, then the difficulty question when the form has one (optional).
  const questions = instrument.items.map((item) => ({ text: item.text, options: instrument.options, required: true }));
  if (instrument.difficulty) questions.push({ text: instrument.difficulty.text, options: instrument.difficulty.options, required: false, difficulty: true });
  const answers = new Array(questions.length).fill(null);
  let step = 0;
  const stage = h('div', { class: 'measure-stage' });
  const title = h('h1', {}, name);
  render(main, title,
    h('p', { class: 'lead' }, occasionLabel(params.occasion)),
    stage);

  function progressText(i) {
    return `Question ${i + 1} of ${questions.length}`;
  }

  function showQuestion(i, focus = true) {
    step = i;
    const q = questions[i];
    const error = h('div');
    const heading = h('h2', { tabindex: '-1', class: 'progress' }, progressText(i));
    const bar = h('progress', { max: String(questions.length), value: String(i), 'aria-hidden': 'true', class: 'measure-progress' });
    const radios = q.options.map((o, k) => {
      const id = `q${i}-o${k}`;
      const input = h('input', { type: 'radio', name: `q${i}`, id, value: String(o.value), checked: answers[i] === o.value });
      return h('div', { class: 'choice' }, input, h('label', { for: id }, o.label));
    });
    const next = h('button', { type: 'submit' }, i === questions.length - 1 ? 'Review your answers' : 'Next');
    const backButton = i > 0 ? h('button', { type: 'button', class: 'secondary', onclick: () => showQuestion(i - 1) }, 'Back') : null;
    const form = h('form', { novalidate: true, class: 'card question' },
      heading, bar,
      h('p', { class: 'hint' }, instrument.instructions),
      h('fieldset', {}, h('legend', {}, q.text, q.required ? null : ' (optional)'), radios),
      error,
      h('div', { class: 'actions' }, backButton, next));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector('input[type="radio"]:checked');
      if (!chosen && q.required) {
        render(error, h('p', { class: 'field-error', role: 'alert' }, 'Choose one answer to go on.'));
        form.querySelector('input[type="radio"]').focus();
        return;
      }
      answers[i] = chosen ? Number(chosen.value) : null;
      if (i === questions.length - 1) review();
      else showQuestion(i + 1);
    });
    render(stage, form);
    if (focus) heading.focus();
  }

  function review() {
    const message = h('div');
    const submit = h('button', { type: 'button' }, 'Send your answers');
    const heading = h('h2', { tabindex: '-1' }, 'Check your answers');
    render(stage, h('section', { class: 'card review', 'aria-labelledby': 'review-title' },
      Object.assign(heading, { id: 'review-title' }),
      h('p', { class: 'hint' }, 'You can change any answer before sending.'),
      h('ol', { class: 'review-list' }, questions.map((q, i) => {
        const option = q.options.find((o) => o.value === answers[i]);
        return h('li', {},
          h('p', {}, q.text),
          h('p', {}, h('strong', {}, option ? option.label : 'Not answered'), ' ',
            h('button', { type: 'button', class: 'secondary small', 'aria-label': `Change your answer to question ${i + 1}`, onclick: () => showQuestion(i) }, 'Change')));
      })),
      message,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => showQuestion(questions.length - 1) }, 'Back'), submit)));
    heading.focus();
    submit.addEventListener('click', () => busy(submit, async () => {
      const body = { instrument: instrument.id, occasion: params.occasion, answers: answers.slice(0, instrument.items.length) };
      if (instrument.difficulty && answers[questions.length - 1] !== null) body.difficulty = answers[questions.length - 1];
      try {
        const reply = await api('POST', `${coursePath(person.id)}/measures`, body);
        done(reply);
      } catch (e) {
        render(message, problemAlert(e));
      }
    }));
  }

  async function done(reply) {
    // The crisis resources first, before anything else is drawn or read.
    const crisis = reply.crisis ? crisisPanel(reply.crisis) : null;
    const thanks = h('section', { class: 'card', 'aria-labelledby': 'thanks-title' },
      h('h2', { id: 'thanks-title', tabindex: '-1' }, 'Thank you, your answers are saved'),
      h('p', {}, 'Your therapist will look at them with you.'));
    const next = h('div', { class: 'actions' }, h('a', { href: '#/course', class: 'button secondary-button' }, 'Back to your course'));
    render(main, crisis, title, thanks, next);
    if (crisis) {
      crisis.focus();
    } else {
      thanks.querySelector('h2').focus();
      announce('Your answers are saved');
    }
    // What else is due: offered as the next step.
    try {
      const { due } = await api('GET', `${coursePath(person.id)}/measures`);
      if (due && due.length) {
        const first = due[0];
        next.prepend(h('a', { href: measureHref(first.instrument, first.occasion), class: 'button' }, `Next: ${instrumentName(first.instrument)}`));
      }
    } catch (e) { /* the course page lists what is due */ }
  }

  showQuestion(0, false);
}
