// The clinic's aftercare resources (issue 12): one page as a patient reads it (#/resources/{id}),
// and the staff's authoring page (#/resources): list, write, edit, preview, archive.
import { api } from '../api.js';
import { announce, busy, clearFieldErrors, field, formatTime, h, okAlert, problemAlert, render } from '../dom.js';
import { paragraphs, telOf } from '../care.js';
import { CATEGORY_NAMES } from './aftercare.js';

/** A paragraph of a crisis page with its phone numbers as tap-to-call links; others as plain text. */
function bodyOf(resource) {
  const parts = paragraphs(resource.body);
  if (resource.category !== 'crisis') return parts;
  return parts.map((p) => {
    const text = p.textContent;
    const pieces = text.split(/(\+?\d[\d\s().-]{5,}\d|\b\d{3}\b)/);
    if (pieces.length === 1) return p;
    return h('p', { class: 'pre-line' }, pieces.map((piece, i) => (i % 2 === 1 && telOf(piece) ? h('a', { href: `tel:${telOf(piece)}`, class: 'call' }, piece) : piece)));
  });
}

/** The page as the patient sees it: title, category, summary, body. */
export function resourceArticle(resource, headingLevel = 'h1') {
  return h('article', { class: `resource category-${resource.category}` },
    h(headingLevel, { tabindex: headingLevel === 'h1' ? '-1' : null }, resource.title),
    h('p', {}, h('span', { class: `badge category-${resource.category}` }, CATEGORY_NAMES[resource.category] || resource.category)),
    resource.summary ? h('p', { class: 'lead resource-summary' }, resource.summary) : null,
    h('div', { class: 'resource-body' }, bodyOf(resource)));
}

function resourceIdFromHash() {
  const m = location.hash.match(/^#\/resources\/([A-Za-z0-9_-]+)$/);
  return m ? m[1] : null;
}

export async function resourceView(main, person) {
  const back = person.role === 'patient' ? h('a', { href: '#/aftercare' }, '← Aftercare') : h('a', { href: '#/resources' }, '← Resources');
  try {
    const resource = await api('GET', `/api/care/resources/${encodeURIComponent(resourceIdFromHash())}`);
    render(main, h('p', { class: 'back-link' }, back), resourceArticle(resource),
      resource.archived ? h('p', { class: 'muted' }, 'This page is archived: patients no longer see it in the clinic’s list.') : null);
  } catch (e) {
    render(main, h('p', { class: 'back-link' }, back), h('h1', {}, 'Resource'), problemAlert(e));
  }
}

// ---------------------------------------------------------------- staff: writing resources

function editor(existing, onSaved, onCancel) {
  const p = existing ? `resource-${existing.id}` : 'resource-new';
  const message = h('div', { 'aria-live': 'polite' });
  const preview = h('div', { class: 'resource-preview', 'aria-live': 'polite' });
  const title = h('input', { name: 'title', maxlength: 120, value: existing ? existing.title : '' });
  const category = h('select', { name: 'category' }, Object.entries(CATEGORY_NAMES).map(([v, t]) =>
    h('option', { value: v, selected: existing ? existing.category === v : v === 'integration' }, t)));
  const summary = h('textarea', { name: 'summary', rows: 2, maxlength: 300 });
  summary.value = existing ? existing.summary || '' : '';
  const body = h('textarea', { name: 'body', rows: 10, maxlength: 20000 });
  body.value = existing ? existing.body || '' : '';
  const save = h('button', { type: 'submit' }, existing ? 'Save changes' : 'Save resource');
  const showPreview = h('button', { type: 'button', class: 'secondary' }, 'Preview');
  const values = () => ({ title: title.value.trim(), category: category.value, summary: summary.value.trim(), body: body.value });
  const form = h('form', { class: 'resource-form', novalidate: true },
    field(`${p}-title`, 'Title', title),
    field(`${p}-category`, 'Category', category),
    field(`${p}-summary`, 'Summary', summary, 'One or two sentences shown in lists.'),
    field(`${p}-body`, 'Text', body, 'Plain text; leave a blank line between paragraphs.'),
    h('div', { class: 'actions' }, save, showPreview,
      onCancel ? h('button', { type: 'button', class: 'secondary', onclick: onCancel }, 'Cancel') : null));
  showPreview.addEventListener('click', () => {
    render(preview, h('section', { class: 'card preview-card', 'aria-labelledby': `${p}-preview-title` },
      h('h3', { id: `${p}-preview-title`, class: 'preview-label' }, 'Preview: what the patient sees'),
      resourceArticle({ ...values(), title: values().title || '(no title yet)' }, 'h2')));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = values();
    if (!v.title) { render(message, problemAlert({ problem: { title: 'Give the resource a title', field: 'title' } }, form)); title.focus(); return; }
    busy(save, async () => {
      try {
        clearFieldErrors(form);
        const saved = existing
          ? await api('PUT', `/api/care/resources/${encodeURIComponent(existing.id)}`, v)
          : await api('POST', '/api/care/resources', v);
        announce('Resource saved');
        onSaved(saved);
      } catch (e) { render(message, problemAlert(e, form)); }
    });
  });
  return h('div', { class: 'resource-editor' }, form, message, preview);
}

export async function resourcesView(main) {
  const notice = h('div', { 'aria-live': 'polite' });
  const list = h('div');
  const create = h('section', { class: 'card', 'aria-labelledby': 'new-resource-title' });

  function showCreate() {
    render(create, h('h2', { id: 'new-resource-title', class: 'card-title' }, 'Write a new resource'),
      editor(null, (saved) => { render(notice, okAlert(h('p', {}, `Saved “${saved.title}”.`))); showCreate(); load(); }, null));
  }

  async function load() {
    try {
      const { items } = await api('GET', '/api/care/resources?includeArchived=true');
      const sorted = [...items].sort((a, b) => Number(a.archived) - Number(b.archived) || a.title.localeCompare(b.title));
      render(list, sorted.length === 0 ? h('p', { class: 'muted' }, 'No resources yet.') : h('ul', { class: 'resource-admin-list' }, sorted.map((r) => {
        const slot = h('div');
        const edit = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Edit ${r.title}` }, 'Edit');
        const archive = h('button', { type: 'button', class: 'secondary small', 'aria-label': `${r.archived ? 'Unarchive' : 'Archive'} ${r.title}` }, r.archived ? 'Unarchive' : 'Archive');
        edit.addEventListener('click', () => render(slot, editor(r, (saved) => {
          render(notice, okAlert(h('p', {}, `Saved “${saved.title}”.`)));
          load();
        }, () => render(slot))));
        archive.addEventListener('click', () => busy(archive, async () => {
          try {
            await api('POST', `/api/care/resources/${encodeURIComponent(r.id)}/archive`, { archived: !r.archived });
            render(notice, okAlert(h('p', {}, r.archived ? `“${r.title}” is back in the clinic’s list.` : `“${r.title}” is archived.`)));
            announce(r.archived ? 'Unarchived' : 'Archived');
            load();
          } catch (e) { render(notice, problemAlert(e)); }
        }));
        return h('li', { class: `resource-admin${r.archived ? ' archived' : ''}`, 'data-resource': r.id },
          h('p', {}, h('a', { href: `#/resources/${encodeURIComponent(r.id)}` }, r.title), ' ',
            h('span', { class: `badge category-${r.category}` }, CATEGORY_NAMES[r.category] || r.category), ' ',
            r.archived ? h('span', { class: 'badge ended' }, 'Archived') : null),
          r.summary ? h('p', { class: 'muted small' }, r.summary) : null,
          r.updatedAt ? h('p', { class: 'hint' }, `Changed ${formatTime(r.updatedAt)}${r.updatedBy && r.updatedBy.displayName ? ` by ${r.updatedBy.displayName}` : ''}`) : null,
          h('div', { class: 'actions' }, edit, archive), slot);
      })));
    } catch (e) { render(list, problemAlert(e)); }
  }

  render(main,
    h('h1', { tabindex: '-1' }, 'Aftercare resources'),
    h('p', { class: 'lead' }, 'Pages for patients between sessions: rest after a dosing, integration, crisis lines. Therapists assign them on a patient’s course page; archived ones disappear from the clinic’s list.'),
    notice,
    h('section', { class: 'card', 'aria-labelledby': 'resource-list-title' }, h('h2', { id: 'resource-list-title', class: 'card-title' }, 'The clinic’s resources'), list),
    create);
  showCreate();
  await load();
}
