// The session note (issue 12): the treating therapist writes it from the appointment type's
// template (a circle also has a part per attendee), saves drafts, signs it (then it is locked), and
// anyone who may read it adds addenda. Where a therapist lands after "End for everyone"; also
// opened from the notes list on the patient's course page.
import { api } from '../api.js';
import { announce, busy, formatTime, h, loading, okAlert, problemAlert, render } from '../dom.js';
import { TYPE_NAMES, coursePath, paragraphs } from '../care.js';

const STATUS_WORDS = { empty: 'Not written yet', draft: 'Draft', signed: 'Signed' };

/** What each refusal of the notes API means to the person at the keyboard. */
const CONFLICT_WORDS = {
  'note-changed': ['Changed meanwhile', 'Someone saved this note (a co-therapist, or you in another tab) after you opened it. The latest saved version is shown; your unsaved text is kept below it to copy back in.'],
  'note-signed': ['Already signed', 'This note has been signed, so it can no longer be edited. To add or correct something, write an addendum.'],
  'note-empty': ['Nothing to sign yet', 'Write at least one section of the note before signing it.'],
  'note-not-signed': ['Not signed yet', 'Addenda are for signed notes. While the note is a draft, edit it directly.'],
  'note-not-applicable': ['No note for this appointment', 'Dosing appointments are recorded in their dosing record, and cancelled appointments have no note.'],
  'clinical-notes-not-allowed': ['Notes are for the patient’s therapists', 'Session notes are read and written by the patient’s therapists only.'],
};

/** A problem box; a known conflict is explained in words rather than with the server's title. */
export function noteProblem(error, form) {
  const words = CONFLICT_WORDS[error.slug];
  if (!words) return problemAlert(error, form);
  return problemAlert({ problem: { title: words[0], detail: words[1] } });
}

export function statusBadge(status) {
  const cls = status === 'signed' ? 'badge shared' : (status === 'draft' ? 'badge invited' : 'badge');
  return h('span', { class: cls }, STATUS_WORDS[status] || status);
}

function appointmentIdFromHash() {
  const m = location.hash.match(/^#\/notes\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

function notePath(appointmentId) {
  return `/api/appointments/${encodeURIComponent(appointmentId)}/note`;
}

function byLine(who, at) {
  return [who ? who.displayName : null, at ? formatTime(at) : null].filter(Boolean).join(', ');
}

export async function noteView(main) {
  const appointmentId = appointmentIdFromHash();
  const message = h('div', { 'aria-live': 'polite' });
  const body = h('div', {}, loading('Loading the note…'));
  let note = null;
  let dirty = false;

  const heading = h('h1', { tabindex: '-1' }, 'Session note');
  const intro = h('div');
  render(main, heading, intro, message, body);

  function describe() {
    const who = note.patient ? ` with ${note.patient.displayName}` : '';
    heading.textContent = `Session note: ${TYPE_NAMES[note.type] || note.type}${who}`;
    document.title = `${heading.textContent} · Hearth`;
    render(intro,
      h('p', { class: 'lead' }, h('time', { datetime: note.start }, formatTime(note.start)), ' ', statusBadge(note.status)),
      note.status === 'signed' ? h('p', { class: 'signed-line' }, `Signed by ${byLine(note.signedBy, note.signedAt)}. The note is locked; changes are addenda.`)
        : (note.updatedAt ? h('p', { class: 'hint' }, `Draft saved ${formatTime(note.updatedAt)}${note.createdBy ? `, started by ${note.createdBy.displayName}` : ''} (version ${note.version}).`) : null),
      h('p', { class: 'hint' }, 'Visible to the patient’s therapists only; not to the patient or the clinic’s admins.',
        note.patient ? [' ', h('a', { href: `#/patients/${encodeURIComponent(note.patient.id)}` }, `Course of care of ${note.patient.displayName}`)] : null));
  }

  async function load() {
    try {
      note = await api('GET', notePath(appointmentId));
      dirty = false;
      describe();
      show();
    } catch (e) {
      render(body, noteProblem(e));
    }
  }

  /** The text a textarea carries, by section key; blank sections are left out. */
  function collect(container) {
    const sections = {};
    container.querySelectorAll('textarea[data-section]').forEach((t) => {
      if (t.value.trim()) sections[t.dataset.section] = t.value;
    });
    return sections;
  }

  function sectionInputs(prefix, template, values, idPart) {
    return template.map((s) => {
      const id = `note-${idPart}-${s.key}`;
      const hintId = `${id}-hint`;
      const textarea = h('textarea', { id, name: `${prefix}${s.key}`, rows: 5, maxlength: 10000, 'data-section': s.key,
        'aria-describedby': s.hint ? hintId : null });
      textarea.value = (values || {})[s.key] || '';
      return h('div', { class: 'note-section' },
        h('label', { for: id }, s.title),
        s.hint ? h('p', { class: 'hint', id: hintId }, s.hint) : null,
        textarea);
    });
  }

  function editor(unsaved = null) {
    const template = note.template || { sections: [], attendeeSections: [] };
    const group = h('div', { class: 'note-group' }, sectionInputs('sections.', template.sections, note.sections, 'group'));
    const attendees = (note.attendees || []).map((a, i) => h('fieldset', { class: 'note-attendee', 'data-patient': a.patientId },
      h('legend', {}, a.displayName),
      h('p', { class: 'hint' }, `Only the circle’s therapists and ${a.displayName}’s own therapist read this part.`),
      sectionInputs(`attendees.${i}.sections.`, template.attendeeSections || [], a.sections, `attendee-${a.patientId}`)));
    const save = h('button', { type: 'submit' }, 'Save draft');
    const sign = h('button', { type: 'button', class: 'secondary' }, 'Sign note');
    const form = h('form', { class: 'note-form', novalidate: true },
      group,
      attendees.length ? h('h2', {}, 'Each attendee') : null,
      attendees,
      // Sign shows with the editor even on an empty note (canSign is false until something is saved): signing saves first.
      h('div', { class: 'actions' }, save, sign));
    form.addEventListener('input', () => { dirty = true; });

    const payload = () => {
      const body = { sections: collect(group), version: note.version };
      if (attendees.length) {
        body.attendees = attendees.map((fs) => ({ patientId: fs.dataset.patient, sections: collect(fs) }));
      }
      return body;
    };
    const saveDraft = async () => {
      note = await api('PUT', notePath(appointmentId), payload());
      dirty = false;
      describe();
    };
    const onConflict = async (e) => {
      if (e.slug === 'note-changed') {
        const mine = payload();
        await load();
        render(message, noteProblem(e));
        showUnsaved(mine);
      } else if (e.slug === 'note-signed') {
        await load();
        render(message, noteProblem(e));
      } else {
        render(message, noteProblem(e, form));
      }
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(save, async () => {
        try {
          await saveDraft();
          render(message, okAlert(h('p', {}, `Draft saved (version ${note.version}).`)));
          announce('Draft saved');
        } catch (e) { await onConflict(e); }
      });
    });
    sign.addEventListener('click', () => {
      if (!window.confirm('Sign this note? Once signed it is locked: it cannot be edited, only added to with addenda.')) return;
      busy(sign, async () => {
        try {
          if (dirty || note.status === 'empty') await saveDraft();
          note = await api('POST', `${notePath(appointmentId)}/sign`, { version: note.version });
          dirty = false;
          describe();
          show();
          render(message, okAlert(h('p', {}, 'Note signed. It is now locked; you can add addenda below.')));
          announce('Note signed');
        } catch (e) { await onConflict(e); }
      });
    });
    render(body, form, unsaved);
  }

  /** After a conflict: what this person had typed, read-only, to copy back into the latest version. */
  function showUnsaved(mine) {
    const texts = Object.entries(mine.sections || {});
    for (const a of mine.attendees || []) {
      const name = ((note.attendees || []).find((x) => x.patientId === a.patientId) || {}).displayName || a.patientId;
      Object.entries(a.sections || {}).forEach(([k, v]) => texts.push([`${name}: ${k}`, v]));
    }
    if (texts.length === 0 || note.status === 'signed') return;
    const titles = Object.fromEntries([...(note.template.sections || [])].map((s) => [s.key, s.title]));
    body.append(h('details', { class: 'card unsaved', open: true },
      h('summary', {}, 'Your unsaved text'),
      texts.map(([k, v]) => h('div', {}, h('h3', {}, titles[k] || k), paragraphs(v)))));
  }

  function locked() {
    const template = note.template || { sections: [], attendeeSections: [] };
    const section = (s, values, level) => h('div', { class: 'note-section' }, h(level, {}, s.title),
      values && values[s.key] ? paragraphs(values[s.key]) : h('p', { class: 'muted' }, 'Nothing written.'));
    const addenda = note.addenda || [];
    const text = h('textarea', { id: 'addendum-text', name: 'text', rows: 4, maxlength: 5000 });
    const add = h('button', { type: 'submit' }, 'Add addendum');
    const form = h('form', { class: 'addendum-form', novalidate: true },
      h('label', { for: 'addendum-text' }, 'Addendum'),
      h('p', { class: 'hint', id: 'addendum-text-hint' }, 'A correction or later observation; it is kept with your name and the time.'),
      text, h('div', { class: 'actions' }, add));
    text.setAttribute('aria-describedby', 'addendum-text-hint');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!text.value.trim()) {
        render(message, problemAlert({ problem: { title: 'Write the addendum first' } }));
        text.focus();
        return;
      }
      busy(add, async () => {
        try {
          const added = await api('POST', `${notePath(appointmentId)}/addenda`, { text: text.value });
          note.addenda = [...(note.addenda || []), added];
          render(message, okAlert(h('p', {}, 'Addendum added.')));
          announce('Addendum added');
          show();
        } catch (e) { render(message, noteProblem(e, form)); }
      });
    });
    render(body,
      h('article', { class: 'card note-locked' },
        template.sections.map((s) => section(s, note.sections, 'h2')),
        (note.attendees || []).map((a) => h('section', { class: 'note-attendee', 'data-patient': a.patientId },
          h('h2', {}, a.displayName), (template.attendeeSections || []).map((s) => section(s, a.sections, 'h3'))))),
      h('section', { class: 'card', 'aria-labelledby': 'addenda-title' },
        h('h2', { id: 'addenda-title', class: 'card-title' }, 'Addenda'),
        addenda.length === 0 ? h('p', { class: 'muted' }, 'No addenda.')
          : h('ol', { class: 'addenda' }, addenda.map((a) => h('li', { class: 'addendum', 'data-addendum': a.id },
            h('p', { class: 'muted' }, h('span', { class: 'addendum-author' }, a.author ? a.author.displayName : 'Someone'), ', ',
              h('time', { datetime: a.at }, formatTime(a.at))),
            paragraphs(a.text)))),
        note.canAddAddendum ? form : null));
  }

  function show() {
    if (note.status === 'signed') locked();
    else if (note.canEdit) editor();
    else {
      render(body, h('div', { class: 'card' }, h('p', { class: 'muted' }, note.status === 'empty'
        ? 'The treating therapist has not written this note yet.'
        : 'A draft by the treating therapist; it can be read here once it is signed.')));
    }
  }

  // Closing the tab with unsaved text asks first (the browser's own question).
  const guard = (event) => { if (dirty && main.isConnected) { event.preventDefault(); event.returnValue = ''; } };
  const unguard = () => { if (!main.isConnected) { window.removeEventListener('beforeunload', guard); window.removeEventListener('hashchange', unguard); } };
  window.addEventListener('beforeunload', guard);
  window.addEventListener('hashchange', unguard);
  await load();
  heading.focus({ preventScroll: true });
}

/**
 * The patient's session notes for their therapist's course page: one row per started remote
 * session, newest first, each linking to its note. Returns an element at once and fills it in.
 */
export function notesSection(patientId) {
  const list = h('div', {}, loading('Loading notes…'));
  (async () => {
    try {
      const { items } = await api('GET', `${coursePath(patientId)}/notes`);
      render(list, items.length === 0 ? h('p', { class: 'muted' }, 'No sessions to write up yet.')
        : h('ul', { class: 'notes-list' }, items.map((n) => h('li', { 'data-appointment': n.appointmentId },
          h('a', { href: `#/notes/${encodeURIComponent(n.appointmentId)}` },
            `${TYPE_NAMES[n.type] || n.type}, ${formatTime(n.start)}`),
          ' ', statusBadge(n.status),
          n.signedAt ? h('span', { class: 'muted' }, ` signed ${formatTime(n.signedAt)}`) : null))));
    } catch (e) {
      render(list, e.status === 404 ? h('p', { class: 'muted' }, 'Session notes are not available yet.') : noteProblem(e));
    }
  })();
  return h('section', { class: 'card', 'aria-labelledby': 'notes-title' },
    h('h2', { id: 'notes-title', class: 'card-title' }, 'Session notes'), list);
}
