// The clinic's course-of-care settings (issue 11): the measure cadence, the crisis resources a
// patient sees when an answer signals risk, the alert thresholds (GET/PUT /api/care/settings), and
// the consent texts (GET/POST /api/care/consents). Admins only; the server judges every value and a
// refusal is shown at the field it names, as on the booking rules page.
import { api } from '../api.js';
import { busy, clearFieldErrors, field, formatTime, h, okAlert, problemAlert, render, scrollable, showProblem } from '../dom.js';

const INSTRUMENTS = [['phq9', 'PHQ-9'], ['gad7', 'GAD-7'], ['pcl5', 'PCL-5']];
const OCCASIONS = [['baseline', 'At baseline'], ['beforeDosing', 'Before each dosing'], ['afterIntegration', 'After each integration'], ['followUp', 'At follow-ups']];
const KINDS = [['treatment', 'Treatment consent'], ['telehealth', 'Telehealth consent']];

/** One group of checkboxes per occasion; the group is named by the request's path (`cadence.baseline`) so a problem finds it. */
function occasionGroup(key, legend, chosen) {
  const boxes = INSTRUMENTS.map(([code, name]) => {
    const id = `care-${key}-${code}`;
    return h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, value: code, 'data-occasion': key, checked: chosen.includes(code) }),
      h('label', { for: id }, name));
  });
  return h('fieldset', {}, h('legend', {}, legend), boxes);
}

function resourceRow(list, resource, index) {
  const id = (what) => `care-crisis-${index}-${what}`;
  const name = h('input', { name: `crisisResources[${index}]`, value: resource.name || '', autocomplete: 'off' });
  const contact = h('input', { value: resource.contact || '', autocomplete: 'off' });
  const description = h('input', { value: resource.description || '', autocomplete: 'off' });
  const remove = h('button', { type: 'button', class: 'secondary' }, `Remove resource ${index + 1}`);
  const row = h('fieldset', { class: 'crisis-resource' }, h('legend', {}, `Resource ${index + 1}`),
    h('div', { class: 'grid' },
      h('div', {}, field(id('name'), 'Name', name)),
      h('div', {}, field(id('contact'), 'Contact', contact, 'e.g. "Call or text 988"')),
      h('div', {}, field(id('description'), 'Description (optional)', description))),
    h('div', { class: 'actions' }, remove));
  row.read = () => ({ name: name.value.trim(), contact: contact.value.trim(), description: description.value.trim() || null });
  remove.addEventListener('click', () => list.removeRow(row));
  return row;
}

function resourceList(resources) {
  const container = h('div', {});
  const rows = [];
  const add = h('button', { type: 'button', class: 'secondary' }, 'Add a crisis resource');
  const redraw = (focusLast) => {
    const values = rows.map((r) => r.read());
    rows.length = 0;
    values.forEach((v, i) => rows.push(resourceRow(list, v, i)));
    render(container, rows);
    if (focusLast && rows.length) rows[rows.length - 1].querySelector('input').focus();
  };
  const list = {
    element: h('div', {}, container, h('div', { class: 'actions' }, add)),
    read: () => rows.map((r) => r.read()),
    removeRow: (row) => {
      rows.splice(rows.indexOf(row), 1);
      redraw(false);
      add.focus();
    },
  };
  resources.forEach((r, i) => rows.push(resourceRow(list, r, i)));
  render(container, rows);
  add.addEventListener('click', () => {
    rows.push(resourceRow(list, {}, rows.length));
    redraw(true);
  });
  return list;
}

/** "4, 12, 26" → [4, 12, 26]; null when a piece is not a whole number. */
function parseWeeks(text) {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.some((p) => !/^\d+$/.test(p))) return null;
  return parts.map(Number);
}

function localProblem(fieldName, detail) {
  return { problem: { title: 'Check the follow-up weeks', detail, field: fieldName } };
}

function settingsForm(settings) {
  const message = h('div', { 'aria-live': 'polite' });
  const weeks = h('input', { name: 'cadence.followUpWeeks', inputmode: 'numeric', value: settings.cadence.followUpWeeks.join(', ') });
  const threshold = (name, value) => h('input', { name, type: 'number', inputmode: 'numeric', step: '1', min: '0', value: value == null ? '' : String(value) });
  const phq9 = threshold('thresholds.phq9Total', settings.thresholds.phq9Total);
  const pcl5 = threshold('thresholds.pcl5Total', settings.thresholds.pcl5Total);
  const resources = resourceList(settings.crisisResources);
  const save = h('button', { type: 'submit' }, 'Save course of care settings');
  const form = h('form', { class: 'card', novalidate: true },
    h('h2', {}, 'Questionnaires'),
    h('p', { class: 'hint' }, 'Which questionnaires a patient is asked to answer, and when.'),
    OCCASIONS.map(([key, legend]) => occasionGroup(key, legend, settings.cadence[key])),
    field('care-follow-up-weeks', 'Follow-up weeks after the last dosing', weeks,
      'Whole weeks from 1 to 104, separated by commas, e.g. "4, 12, 26". Up to 8.'),
    h('h2', {}, 'Crisis resources'),
    h('p', { class: 'hint' }, 'Shown to a patient at once when an answer signals risk. At least one, each with a name and a contact.'),
    resources.element,
    h('h2', {}, 'Alert thresholds'),
    h('p', { class: 'hint' }, 'A total at or above a threshold alerts the patient\'s therapists. Leave empty for no threshold. '
      + 'PHQ-9 question 9 (thoughts of self-harm) answered above 0 always alerts.'),
    h('div', { class: 'grid' },
      h('div', {}, field('care-threshold-phq9', 'PHQ-9 total (0–27)', phq9)),
      h('div', {}, field('care-threshold-pcl5', 'PCL-5 total (0–80)', pcl5))),
    h('div', { class: 'actions' }, save), message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = (key) => [...form.querySelectorAll(`input[data-occasion="${key}"]:checked`)].map((i) => i.value);
    const followUpWeeks = parseWeeks(weeks.value);
    if (followUpWeeks === null) {
      render(message, problemAlert(localProblem('cadence.followUpWeeks', 'Give whole weeks separated by commas, e.g. "4, 12, 26".'), form));
      weeks.focus();
      return;
    }
    const num = (input) => (input.value.trim() === '' ? null : Number(input.value));
    const body = {
      cadence: { baseline: chosen('baseline'), beforeDosing: chosen('beforeDosing'), afterIntegration: chosen('afterIntegration'),
        followUpWeeks, followUp: chosen('followUp') },
      crisisResources: resources.read(),
      thresholds: { phq9Total: num(phq9), pcl5Total: num(pcl5) },
    };
    busy(save, async () => {
      try {
        const saved = await api('PUT', '/api/care/settings', body);
        clearFieldErrors(form);
        weeks.value = saved.cadence.followUpWeeks.join(', ');
        render(message, okAlert(h('p', {}, 'Course of care settings saved.')));
      } catch (e) {
        showProblem(message, e, form);
      }
    });
  });
  return form;
}

function consentCard(kind, label, current) {
  const section = h('section', { class: 'card', 'aria-labelledby': `consent-${kind}-heading` });
  // Kept across redraws so the confirmation after publishing is announced.
  const status = h('div', { 'aria-live': 'polite' });
  const show = (text) => {
    const message = h('div', { 'aria-live': 'polite' });
    const title = h('input', { name: 'title', maxlength: '200', value: text ? text.title : '' });
    const body = h('textarea', { name: 'text', rows: '8', maxlength: '20000' });
    body.value = text ? text.text : '';
    const publish = h('button', { type: 'submit' }, `Publish new ${label.toLowerCase()} version`);
    const form = h('form', { novalidate: true },
      h('h3', {}, 'Publish a new version'),
      h('div', { class: 'alert warning', role: 'note' }, h('p', {}, 'Every patient will be asked to read and accept the new version again before their next steps.')),
      field(`consent-${kind}-title`, 'Title', title),
      field(`consent-${kind}-text`, 'Text', body),
      h('div', { class: 'actions' }, publish), message);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(publish, async () => {
        try {
          const published = await api('POST', '/api/care/consents', { kind, title: title.value.trim(), text: body.value });
          show(published);
          render(status, okAlert(h('p', {}, `Version ${published.version} published. Patients will be asked to accept it.`)));
        } catch (e) {
          showProblem(message, e, form);
        }
      });
    });
    render(section,
      h('h2', { id: `consent-${kind}-heading` }, label),
      text
        ? h('div', { class: 'consent-current' },
          h('p', {}, h('strong', {}, `Version ${text.version}`), `, published ${formatTime(text.publishedAt)}: `, text.title),
          h('div', { class: 'consent-text', ...scrollable(`Text of ${text.title}`) }, text.text.split(/\n{2,}/).map((p) => h('p', {}, p))))
        : h('p', {}, 'No version published yet.'),
      status, form);
  };
  show(current);
  return section;
}

export async function careSettingsView(main) {
  let settings;
  let consents;
  try {
    [settings, consents] = await Promise.all([api('GET', '/api/care/settings'), api('GET', '/api/care/consents')]);
  } catch (e) {
    render(main, h('h1', {}, 'Course of care'), problemAlert(e));
    return;
  }
  const byKind = Object.fromEntries(consents.items.map((c) => [c.kind, c]));
  render(main, h('h1', {}, 'Course of care'),
    h('p', { class: 'lead' }, 'The questionnaires patients answer and when, whom they can call in a crisis, when therapists are alerted, and the consent texts.'),
    settingsForm(settings),
    KINDS.map(([kind, label]) => consentCard(kind, label, byKind[kind])));
}
