// The course of care, shared by the patient's, the therapist's and the admin's pages and the room's
// clinician panel: words for the record's values, the intentions editor, the score trend (an SVG
// chart for the eye and a real table for screen readers), the crisis panel and the dosing record.
import { api } from './api.js';
import { announce, busy, field, formatTime, h, okAlert, problemAlert, render, scrollBox } from './dom.js';

export const TYPE_NAMES = { preparation: 'Preparation', dosing: 'Dosing in the clinic', integration: 'Integration', circle: 'Integration circle' };
export const INSTRUMENT_NAMES = { phq9: 'PHQ-9 (mood)', gad7: 'GAD-7 (anxiety)', pcl5: 'PCL-5 (trauma)' };
/** The highest total of each measure, for the chart's scale. */
const MAX_TOTAL = { phq9: 27, gad7: 21, pcl5: 80 };
export const ROUTE_NAMES = { iv: 'IV (intravenous)', im: 'IM (intramuscular)', 'nasal-spray': 'Nasal spray', oral: 'Oral' };
export const CONSENT_NAMES = { treatment: 'Consent to treatment', telehealth: 'Consent to telehealth' };
export const ALERT_WORDS = {
  'phq9-item9': 'answered PHQ-9 question 9 (thoughts of being better off dead or of hurting themselves) above “not at all”',
  'phq9-total': 'has a PHQ-9 total above the clinic’s threshold',
  'pcl5-total': 'has a PCL-5 total above the clinic’s threshold',
};

/** Record changes and alerts pushed to this page (care-alerts.js), for pages that show a course. */
export const careEvents = new EventTarget();

const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function day(iso) {
  return dayFormat.format(new Date(iso));
}

export function instrumentName(id) {
  return INSTRUMENT_NAMES[id] || id.toUpperCase();
}

/** What an occasion means to a person ("before-dosing:abc" → "Before your dosing"). */
export function occasionLabel(occasion) {
  const [kind, rest] = String(occasion).split(':');
  if (kind === 'baseline') return 'Baseline (start of the course)';
  if (kind === 'before-dosing') return 'Before a dosing';
  if (kind === 'after-integration') return 'After an integration';
  if (kind === 'follow-up') return `Follow-up (${(rest || '').replace(/w$/, ' weeks')})`;
  return occasion;
}

/** The hash route of one measure to answer. */
export function measureHref(instrument, occasion) {
  return `#/measures/${encodeURIComponent(instrument)}/${encodeURIComponent(occasion)}`;
}

export function coursePath(patientId) {
  return `/api/care/patients/${encodeURIComponent(patientId)}`;
}

let instruments = null;
/** The published instruments, read once per page load. */
export async function loadInstruments() {
  if (!instruments) {
    instruments = api('GET', '/api/care/instruments').then((r) => r.items).catch((e) => { instruments = null; throw e; });
  }
  return instruments;
}

/** Paragraphs of a stored text (line breaks kept, nothing parsed as markup). */
export function paragraphs(text, attrs = {}) {
  return String(text || '').split(/\n{2,}/).filter((p) => p.trim()).map((p) => h('p', { ...attrs, class: 'pre-line' }, p));
}

// ---------------------------------------------------------------- the crisis panel

/** A telephone link for a contact written like "Call or text 988" or "+1 555 0100"; null when there is no number. */
export function telOf(contact) {
  const match = String(contact).match(/\+?\d[\d\s().-]{1,}\d|\b\d{3}\b/);
  return match ? match[0].replace(/[^0-9+]/g, '') : null;
}

/**
 * The clinic's crisis resources, shown at once after an answer that needs them: calm, prominent,
 * announced (role="alert") and focused, with tap-to-call links.
 */
export function crisisPanel(crisis) {
  const resources = crisis.resources || [];
  const panel = h('section', { class: 'crisis', role: 'alert', tabindex: '-1', 'aria-labelledby': 'crisis-title' },
    h('h2', { id: 'crisis-title' }, 'Support is here for you, right now'),
    h('p', {}, crisis.message || 'Thank you for answering honestly. Your care team has been told. If you are thinking about harming yourself, please reach out now.'),
    h('ul', { class: 'crisis-resources' }, resources.map((r) => {
      const tel = telOf(r.contact);
      return h('li', {},
        h('p', {}, h('strong', {}, r.name), ' — ',
          tel ? h('a', { href: `tel:${tel}`, class: 'call' }, r.contact) : r.contact),
        r.description ? h('p', { class: 'muted' }, r.description) : null);
    })),
    resources.length ? null : h('p', {}, 'If you are in immediate danger, call your local emergency number now.'));
  return panel;
}

/** Puts the crisis panel where it is seen first and moves focus to it. */
export function showCrisis(container, crisis) {
  const panel = crisisPanel(crisis);
  container.prepend(panel);
  panel.scrollIntoView({ block: 'start' });
  panel.focus();
  return panel;
}

// ---------------------------------------------------------------- intentions

/**
 * The patient's intentions, editable by the patient and their therapist (together in the room).
 * A stale version (someone else saved meanwhile) reloads the latest and says so.
 * Returns {element, reload()}.
 */
export function intentionsEditor(patientId, { idPrefix = 'intentions', headingLevel = 'h2', title = 'Intentions', intro = null } = {}) {
  const message = h('div', { 'aria-live': 'polite' });
  const body = h('div');
  let current = { items: [], version: 0 };
  let editing = false;

  function show() {
    if (editing) return; // a change from elsewhere waits until this person saves or cancels
    const items = current.items || [];
    const edit = h('button', { type: 'button', class: 'secondary small' }, items.length ? 'Edit intentions' : 'Write intentions');
    edit.addEventListener('click', () => { editing = true; form(); });
    render(body,
      items.length === 0 ? h('p', { class: 'muted' }, 'No intentions written yet.')
        : h('ol', { class: 'intentions' }, items.map((i) => h('li', {}, i.text))),
      current.updatedAt ? h('p', { class: 'hint' }, `Last changed ${formatTime(current.updatedAt)}${current.updatedBy ? ` by ${current.updatedBy.role === 'patient' ? 'the patient' : 'the therapist'}` : ''}.`) : null,
      h('div', { class: 'actions' }, edit));
  }

  function form() {
    const list = h('ol', { class: 'intention-inputs' });
    let n = 0;
    const addRow = (text = '') => {
      n += 1;
      const id = `${idPrefix}-item-${n}`;
      const input = h('textarea', { id, name: 'text', rows: 2, maxlength: 500 });
      input.value = text;
      const label = h('label', { for: id }, `Intention ${list.children.length + 1}`);
      const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Remove intention ${list.children.length + 1}` }, 'Remove');
      const row = h('li', {}, label, input, remove);
      remove.addEventListener('click', () => { row.remove(); renumber(); const first = list.querySelector('textarea'); (first || add).focus(); });
      list.append(row);
      return input;
    };
    const renumber = () => [...list.children].forEach((row, i) => {
      row.querySelector('label').textContent = `Intention ${i + 1}`;
      row.querySelector('button').setAttribute('aria-label', `Remove intention ${i + 1}`);
    });
    (current.items.length ? current.items : [{ text: '' }]).forEach((i) => addRow(i.text));
    const add = h('button', { type: 'button', class: 'secondary small' }, 'Add an intention');
    add.addEventListener('click', () => {
      if (list.children.length >= 10) { render(message, h('p', { class: 'field-error' }, 'Up to 10 intentions.')); return; }
      addRow().focus();
    });
    const save = h('button', { type: 'submit' }, 'Save intentions');
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    cancel.addEventListener('click', () => { editing = false; render(message); show(); });
    const f = h('form', { novalidate: true, class: 'intentions-form' }, list, h('div', { class: 'actions' }, add), h('div', { class: 'actions' }, save, cancel));
    f.addEventListener('submit', (event) => {
      event.preventDefault();
      const items = [...list.querySelectorAll('textarea')].map((t) => t.value.trim()).filter(Boolean).map((text) => ({ text }));
      busy(save, async () => {
        try {
          current = await api('PUT', `${coursePath(patientId)}/intentions`, { items, version: current.version });
          editing = false;
          render(message, okAlert(h('p', {}, 'Intentions saved.')));
          announce('Intentions saved');
          show();
        } catch (e) {
          if (e.slug === 'intentions-changed') {
            editing = false;
            await reload();
            render(message, problemAlert({ problem: { title: 'Changed meanwhile', detail: 'These intentions were changed by someone else while you edited. Here is the latest; make your change again.' } }));
          } else {
            render(message, problemAlert(e, f));
          }
        }
      });
    });
    render(body, f);
    const first = list.querySelector('textarea');
    if (first) first.focus();
  }

  async function reload() {
    try {
      current = await api('GET', `${coursePath(patientId)}/intentions`);
      show();
    } catch (e) {
      render(body, problemAlert(e));
    }
  }

  const titleId = `${idPrefix}-title`;
  const element = h('section', { class: 'card intentions-card', 'aria-labelledby': titleId },
    h(headingLevel, { id: titleId, class: 'card-title' }, title), intro ? h('p', { class: 'hint' }, intro) : null, body, message);
  render(body, h('p', { class: 'loading' }, 'Loading…'));
  reload();
  return { element, reload, get editing() { return editing; } };
}

// ---------------------------------------------------------------- scores over time

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** An SVG line of one measure's totals over time, with the dosing dates marked; the table beside it carries the data for screen readers. */
function trendChart(instrument, responses, dosings, titleId) {
  const W = 560; const H = 220; const left = 36; const right = 12; const top = 14; const bottom = 30;
  const max = MAX_TOTAL[instrument] || Math.max(...responses.map((r) => r.total), 10);
  const times = [...responses.map((r) => Date.parse(r.submittedAt)), ...dosings.map((d) => Date.parse(d.at))];
  let t0 = Math.min(...times); let t1 = Math.max(...times);
  if (t1 - t0 < 864e5) { t0 -= 432e5; t1 += 432e5; }
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
  const y = (v) => top + (1 - v / max) * (H - top - bottom);
  const grid = [0, max / 2, max].map((v) => [
    s('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: 'grid' }),
    s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, Math.round(v))]);
  const marks = dosings.map((d) => [
    s('line', { x1: x(Date.parse(d.at)), x2: x(Date.parse(d.at)), y1: top, y2: H - bottom, class: 'dosing-mark' }),
    s('text', { x: x(Date.parse(d.at)) + 3, y: top + 10, class: 'dosing-label' }, 'Dosing')]);
  const points = responses.map((r) => [x(Date.parse(r.submittedAt)), y(r.total)]);
  const latest = responses[responses.length - 1];
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'trend', role: 'img', 'aria-labelledby': titleId, focusable: 'false' },
    s('title', { id: titleId }, `${instrumentName(instrument)} totals over time: ${responses.length} answered, latest ${latest.total}${dosings.length ? `; ${dosings.length} dosing date${dosings.length > 1 ? 's' : ''} marked` : ''}. The table below has every value.`),
    grid, marks,
    points.length > 1 ? s('polyline', { points: points.map((p) => p.join(',')).join(' '), class: 'line' }) : null,
    points.map(([px, py], i) => s('circle', { cx: px, cy: py, r: 4, class: responses[i].flagged ? 'point flagged' : 'point' })),
    s('text', { x: left, y: H - 8, class: 'axis' }, shortDay.format(new Date(t0))),
    s('text', { x: W - right, y: H - 8, 'text-anchor': 'end', class: 'axis' }, shortDay.format(new Date(t1))));
}

/**
 * Scores over time, one block per measure: a chart with the dosing dates marked and a table with
 * a caption and headers (the dosings as rows too, in order).
 */
export function trendSection({ responses = [], dosings = [] }, { severity = true, idPrefix = 'trend', headingLevel = 'h2' } = {}) {
  const byInstrument = new Map();
  for (const r of [...responses].sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt))) {
    if (!byInstrument.has(r.instrument)) byInstrument.set(r.instrument, []);
    byInstrument.get(r.instrument).push(r);
  }
  const titleId = `${idPrefix}-title`;
  const sub = headingLevel === 'h2' ? 'h3' : 'h4';
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h(headingLevel, { id: titleId, class: 'card-title' }, 'Scores over time'),
    byInstrument.size === 0 ? h('p', { class: 'muted' }, 'No questionnaires answered yet.') : null,
    [...byInstrument.entries()].map(([instrument, rs]) => {
      const rows = [
        ...rs.map((r) => ({ at: r.submittedAt, r })),
        ...dosings.map((d) => ({ at: d.at, dosing: d })),
      ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const cols = ['Date', 'What', 'Total score', ...(severity ? ['Severity'] : [])];
      return h('div', { class: 'trend-block', 'data-instrument': instrument },
        h(sub, {}, instrumentName(instrument)),
        trendChart(instrument, rs, dosings, `${idPrefix}-${instrument}-chart`),
        scrollBox(`${instrumentName(instrument)} scores`, h('table', { class: 'scores' },
          h('caption', {}, `${instrumentName(instrument)} scores over time, with dosing dates`),
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, rows.map(({ at, r, dosing }) => (dosing
            ? h('tr', { class: 'dosing-row' }, h('th', { scope: 'row' }, day(at)), h('td', {}, 'Dosing in the clinic'), h('td', {}, '—'), severity ? h('td', {}, '—') : null)
            : h('tr', { class: r.flagged ? 'flagged' : null },
              h('th', { scope: 'row' }, day(at)), h('td', {}, occasionLabel(r.occasion)), h('td', {}, String(r.total)),
              severity ? h('td', {}, r.severity ? r.severity.label : '—', r.flagged ? h('span', { class: 'badge flag' }, 'Alert raised') : null) : null)))))));
    }));
}

/** The latest score of each measure against its first (baseline), for the room's panel. */
export function latestVsBaseline(responses) {
  const byInstrument = new Map();
  for (const r of [...responses].sort((a, b) => Date.parse(a.submittedAt) - Date.parse(b.submittedAt))) {
    if (!byInstrument.has(r.instrument)) byInstrument.set(r.instrument, []);
    byInstrument.get(r.instrument).push(r);
  }
  if (byInstrument.size === 0) return h('p', { class: 'muted' }, 'No questionnaires answered yet.');
  return scrollBox('Latest scores', h('table', { class: 'scores' },
    h('caption', {}, 'Latest scores against the first (baseline)'),
    h('thead', {}, h('tr', {}, ['Measure', 'Baseline', 'Latest'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, [...byInstrument.entries()].map(([instrument, rs]) => {
      const first = rs.find((r) => r.occasion === 'baseline') || rs[0];
      const last = rs[rs.length - 1];
      const when = (r) => h('span', { class: 'muted small' }, ` ${shortDay.format(new Date(r.submittedAt))}`);
      return h('tr', {}, h('th', { scope: 'row' }, instrumentName(instrument).split(' ')[0]),
        h('td', {}, String(first.total), when(first)),
        h('td', {}, h('strong', {}, String(last.total)), when(last),
          last.severity ? h('span', { class: 'severity' }, last.severity.label) : null,
          last.flagged ? h('span', { class: 'badge flag' }, 'Alert raised') : null));
    }))));
}

// ---------------------------------------------------------------- the dosing record

export function dosingRecordText(record) {
  if (!record) return 'Not recorded yet';
  if (!record.attended) return `Not attended${record.reason ? ` (${record.reason})` : ''}`;
  return `Attended · ${ROUTE_NAMES[record.route] || record.route} · ${formatTime(record.startedAt)} to ${new Date(record.endedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}${record.supervisedBy ? ` · supervised by ${record.supervisedBy}` : ''}`;
}

function localValue(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The clinic marks an in-clinic dosing attended (route, start, end, who supervised) or not attended.
 * `appointment` needs id, start, end and maybe dosingRecord; onSaved(record) after a save.
 */
export function dosingRecordForm(appointment, onSaved) {
  const p = `dosing-${appointment.id}`;
  const record = appointment.dosingRecord || null;
  const message = h('div');
  const attended = h('input', { type: 'radio', name: 'attended', id: `${p}-yes`, value: 'yes', checked: !record || record.attended });
  const missed = h('input', { type: 'radio', name: 'attended', id: `${p}-no`, value: 'no', checked: record && !record.attended });
  const route = h('select', { name: 'route' }, Object.entries(ROUTE_NAMES).map(([v, t]) => h('option', { value: v, selected: record && record.route === v }, t)));
  const startedAt = h('input', { type: 'datetime-local', name: 'startedAt', value: localValue(record && record.startedAt ? record.startedAt : appointment.start) });
  const endedAt = h('input', { type: 'datetime-local', name: 'endedAt', value: localValue(record && record.endedAt ? record.endedAt : appointment.end) });
  const supervisedBy = h('input', { type: 'text', name: 'supervisedBy', maxlength: 200, value: record && record.supervisedBy ? record.supervisedBy : '' });
  const reason = h('input', { type: 'text', name: 'reason', maxlength: 500, value: record && record.reason ? record.reason : '' });
  const attendedFields = h('div', { class: 'grid' },
    h('div', {}, field(`${p}-route`, 'Route', route)),
    h('div', {}, field(`${p}-start`, 'Started', startedAt)),
    h('div', {}, field(`${p}-end`, 'Ended', endedAt)),
    h('div', {}, field(`${p}-supervisor`, 'Supervised by', supervisedBy)));
  const missedFields = h('div', {}, field(`${p}-reason`, 'Reason (optional)', reason));
  const sync = () => { attendedFields.hidden = !attended.checked; missedFields.hidden = attended.checked; };
  attended.addEventListener('change', sync);
  missed.addEventListener('change', sync);
  sync();
  const save = h('button', { type: 'submit' }, 'Save dosing record');
  const form = h('form', { class: 'dosing-form', novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Did the patient attend this dosing?'),
      h('div', { class: 'check' }, attended, h('label', { for: `${p}-yes` }, 'Attended')),
      h('div', { class: 'check' }, missed, h('label', { for: `${p}-no` }, 'Not attended'))),
    attendedFields, missedFields, save, message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = attended.checked
      ? { attended: true, route: route.value, startedAt: startedAt.value ? new Date(startedAt.value).toISOString() : null,
        endedAt: endedAt.value ? new Date(endedAt.value).toISOString() : null, supervisedBy: supervisedBy.value.trim() }
      : { attended: false, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) };
    busy(save, async () => {
      try {
        const saved = await api('PUT', `/api/appointments/${encodeURIComponent(appointment.id)}/dosing-record`, body);
        render(message, okAlert(h('p', {}, `Dosing record saved: ${dosingRecordText(saved)}.`)));
        announce('Dosing record saved');
        if (onSaved) onSaved(saved);
      } catch (e) {
        render(message, problemAlert(e, form));
      }
    });
  });
  return form;
}
