// The clinician panel beside the video in preparation and integration rooms. The therapist sees the
// patient's intentions (edited together: a save on either side makes both re-read), intake answers,
// latest scores against baseline, the reflections shared since the last attended dosing and the
// dosing record. The patient sees their own intentions. Never in a circle: other patients are there.
import { api } from '../api.js';
import { h, problemAlert, render } from '../dom.js';
import { careEvents, coursePath, dosingRecordText, intentionsEditor, latestVsBaseline, paragraphs } from '../care.js';
import { INTAKE_FIELDS, sharedReflections } from './course.js';

const ONE_TO_ONE = ['preparation', 'integration'];

/**
 * Mounts the panel on a room page (room.js: `clinicalPanel(this)` once the session is drawn), in
 * the side column under the host's waiting list. Returns {element, dispose()}, or null when the
 * room has none (circles).
 */
export function clinicalPanel(room) {
  const type = room.joined && room.joined.room.appointmentType;
  if (!ONE_TO_ONE.includes(type)) return null;
  const host = room.host && room.person.role === 'therapist';
  const body = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  // The patient's side is their intentions card itself; the therapist's a panel around several.
  const element = host ? h('section', { class: 'card clinical-panel', 'aria-labelledby': 'clinical-title' },
    h('h2', { id: 'clinical-title', class: 'card-title' }, 'Clinician panel'), body) : h('div', { class: 'clinical-panel own-intentions' }, body);
  let patientId = host ? null : room.person.id;
  let intentions = null;
  const unsubscribe = [];

  async function loadStaff() {
    const [intake, measures, journal, course] = await Promise.all([
      api('GET', `${coursePath(patientId)}/intake`).catch(() => null),
      api('GET', `${coursePath(patientId)}/measures`).catch(() => ({ responses: [], dosings: [] })),
      api('GET', `${coursePath(patientId)}/journal`).catch(() => ({ items: [] })),
      api('GET', `${coursePath(patientId)}/course`),
    ]);
    // The dosing this session follows (an integration names it), else the last attended one.
    const dosings = (course.timeline || []).filter((t) => t.type === 'dosing' && t.status !== 'cancelled');
    const own = (course.timeline || []).find((t) => t.appointmentId === room.joined.room.appointmentId);
    const linked = own && own.dosingAppointmentId ? dosings.find((d) => d.appointmentId === own.dosingAppointmentId) : null;
    const attended = dosings.filter((d) => d.dosingRecord && d.dosingRecord.attended)
      .sort((a, b) => Date.parse(b.dosingRecord.endedAt) - Date.parse(a.dosingRecord.endedAt));
    const dosing = linked || attended[0] || null;
    const since = attended[0] ? attended[0].dosingRecord.startedAt : null;
    const answers = (intake && intake.answers) || {};
    render(body,
      h('p', { class: 'hint' }, `${course.patient.displayName} · only you see this panel. `, h('a', { href: `#/patients/${encodeURIComponent(patientId)}`, target: '_blank', rel: 'noopener' }, 'Open the whole course (new tab)')),
      intentions.element,
      h('section', { 'aria-labelledby': 'panel-scores-title' }, h('h3', { id: 'panel-scores-title' }, 'Scores'), latestVsBaseline(measures.responses || [])),
      sharedReflections(journal.items, { since, headingId: 'panel-reflections-title', headingLevel: 'h3' }),
      h('section', { 'aria-labelledby': 'panel-dosing-title' }, h('h3', { id: 'panel-dosing-title' }, 'Dosing record'),
        h('p', {}, dosing ? dosingRecordText(dosing.dosingRecord) : 'No dosing booked.')),
      h('details', { class: 'panel-intake' }, h('summary', {}, 'Intake answers'),
        intake && intake.status === 'submitted'
          ? h('dl', { class: 'profile answers' }, INTAKE_FIELDS.map(([key, label]) => [h('dt', {}, label),
            h('dd', {}, answers[key] ? paragraphs(answers[key]) : h('span', { class: 'muted' }, 'Not answered'))]))
          : h('p', { class: 'muted' }, 'The intake is not submitted yet.')));
  }

  async function load() {
    try {
      if (host && !patientId) {
        const appointment = await api('GET', `/api/appointments/${encodeURIComponent(room.joined.room.appointmentId)}`);
        patientId = appointment.patientId;
      }
      if (!intentions) {
        intentions = host
          ? intentionsEditor(patientId, { idPrefix: 'panel-intentions', headingLevel: 'h3', title: 'Intentions', intro: 'Refine them together; the patient sees every change.' })
          : intentionsEditor(patientId, { idPrefix: 'panel-intentions', headingLevel: 'h2', title: 'Your intentions', intro: 'Your therapist sees these too; you can change them together.' });
      }
      if (host) await loadStaff();
      else render(body, intentions.element);
    } catch (e) {
      render(body, problemAlert(e));
    }
  }

  // A change on either side (intentions saved, a reflection shared): both re-read.
  const changed = (m) => {
    if (!m || m.patientId !== patientId || !element.isConnected) return;
    if (m.record === 'intentions' && intentions) intentions.reload();
    else if (host && (!intentions || !intentions.editing)) loadStaff().catch(() => {});
  };
  unsubscribe.push(room.socket.on('care.changed', changed));
  const fromWatch = (event) => changed(event.detail);
  careEvents.addEventListener('care.changed', fromWatch);
  unsubscribe.push(() => careEvents.removeEventListener('care.changed', fromWatch));
  // This room socket asks for the record's changes too (a patient has no page-wide watch).
  const watch = () => room.socket.request({ type: 'care.watch' }).catch(() => {});
  watch();
  unsubscribe.push(room.socket.on('reconnected', watch));
  const side = room.body.querySelector('.room-side');
  const waiting = side && side.querySelector(':scope > section[aria-labelledby="waiting-title"]');
  if (waiting) waiting.after(element); // whoever waits to be let in stays at the top
  else if (side) side.prepend(element);
  load();
  return { element, dispose: () => unsubscribe.forEach((u) => u()) };
}
