// Tiny DOM helpers: build elements without innerHTML, so no text is ever parsed as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.substring(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function render(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((c) => c));
}

/** Announces a short message to screen readers (the page's polite live region). */
export function announce(message) {
  const status = document.getElementById('status');
  if (!status) return;
  status.textContent = '';
  setTimeout(() => { status.textContent = message; }, 30);
}

/** A loading line, read out politely while a request runs. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

function describedBy(input, add, remove) {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter((id) => id && id !== remove);
  if (add && !ids.includes(add)) ids.push(add);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

/**
 * Marks one input as wrong, with its own message right after it: aria-invalid, and the message
 * joined to the input's description so it is read with the field. The input needs an id. A second
 * mark replaces the first; clearField or clearFieldErrors(form) removes it.
 */
export function markField(input, text) {
  clearField(input);
  const id = `${input.id}-error`;
  input.setAttribute('aria-invalid', 'true');
  describedBy(input, id);
  input.after(h('p', { class: 'field-error', id }, text));
}

/** Removes markField's mark from one input. */
export function clearField(input) {
  const id = `${input.id}-error`;
  const old = document.getElementById(id);
  if (old) old.remove();
  input.removeAttribute('aria-invalid');
  describedBy(input, null, id);
}

/**
 * Shows a failed request's problem in a message box and moves focus to the first field it marked
 * (what every form did by hand), so a keyboard or screen-reader user lands where the fix goes.
 */
export function showProblem(box, error, form) {
  const alert = problemAlert(error, form);
  render(box, alert);
  const invalid = form ? form.querySelector('[aria-invalid="true"]') : null;
  if (invalid) invalid.focus();
  return alert;
}

/**
 * The attributes of a box that scrolls (overflow: auto): focusable and named, so keyboard users can
 * scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable). `h('div', { class, ...scrollable(label) })`.
 * A named group, not a region: a landmark per table or consent text would crowd the page's landmarks.
 */
export function scrollable(label) {
  return { tabindex: '0', role: 'group', 'aria-label': label };
}

/** The box around a table that may be wider than the screen (see scrollable). */
export function scrollBox(label, ...children) {
  return h('div', { class: 'table-wrap', ...scrollable(label) }, ...children);
}

/** Removes the marks a previous problem left on a form's fields. */
export function clearFieldErrors(form) {
  if (!form) return;
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    if (el.id) describedBy(el, null, `${el.id}-error`);
  });
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
}

/**
 * The input a problem's `field` names: inputs carry the request's property path as their name
 * (`email`, `emergencyContact.phone`), so the exact name wins; the last segment is a fallback.
 */
function inputFor(form, field) {
  const exact = form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (exact) return exact;
  const last = field.split('.').pop();
  return last === field ? null : form.querySelector(`[name="${CSS.escape(last)}"]`);
}

/** What a person calls an input: its label, after the legend of the group it is in ("Dosing (in clinic), Buffer after (minutes)"). */
function nameOf(input) {
  const label = input.labels && input.labels[0] ? input.labels[0].textContent : input.name;
  const legend = input.closest('fieldset') ? input.closest('fieldset').querySelector(':scope > legend') : null;
  return legend ? `${legend.textContent}, ${label}` : label;
}

/** An error box for a failed request; marks the offending field when the server named one. */
export function problemAlert(error, form, ...extra) {
  const problem = error.problem || {};
  let detail = problem.detail;
  if (form) {
    clearFieldErrors(form);
    const input = problem.field ? inputFor(form, problem.field) : null;
    if (input && input.id) {
      // Validation details start with the property path ("types.dosing.bufferAfterMinutes: -5 is less
      // than 0"): beside the field the path is noise, and in the box the field's own name reads better.
      const prefix = `${problem.field}: `;
      const own = detail && detail.startsWith(prefix) ? detail.substring(prefix.length) : null;
      if (own) detail = `${nameOf(input)}: ${own}`;
      markField(input, own || problem.detail || problem.title);
    }
  }
  return h('div', { class: 'alert error', role: 'alert' },
    h('p', {}, h('strong', {}, problem.title || 'Something went wrong')),
    detail && detail !== problem.title ? h('p', {}, detail) : null,
    ...extra);
}

export function okAlert(...content) {
  return h('div', { class: 'alert ok', role: 'status' }, ...content);
}

/** Runs an async action with the button disabled and showing a busy state. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { return await action(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
}

/** The viewer's IANA time zone. */
export function viewerZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A date-time in the viewer's zone, with the zone named. */
export function formatTime(iso) {
  const zone = viewerZone();
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
  return `${text} (${zone})`;
}

/**
 * A labelled input: a real <label for>, and an optional hint that is announced with the input
 * (aria-describedby) without becoming part of its name.
 */
export function field(id, labelText, input, hint) {
  input.id = id;
  const label = h('label', { for: id }, labelText);
  if (!hint) return [label, input];
  const hintId = `${id}-hint`;
  describedBy(input, hintId);
  return [label, h('p', { class: 'hint', id: hintId }, hint), input];
}

/** Copies text to the clipboard, falling back to the selection where the Clipboard API is missing. */
export async function copyText(input) {
  input.focus();
  input.select();
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      return true;
    }
  } catch (e) { /* fall through to the older way */ }
  try { return document.execCommand('copy'); } catch (e) { return false; }
}
