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
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function render(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c));
}

/** Announces a short message to screen readers. */
export function announce(message) {
  const status = document.getElementById('status');
  status.textContent = '';
  setTimeout(() => { status.textContent = message; }, 30);
}

/** An error box for a failed request; marks the offending field when the server named one. */
export function problemAlert(error, form) {
  const problem = error.problem || {};
  if (form) {
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    form.querySelectorAll('.field-error').forEach((el) => el.remove());
    if (problem.field) {
      const input = form.querySelector(`[name="${CSS.escape(problem.field.split('.').pop())}"]`);
      if (input) {
        const id = `${input.id}-error`;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', id);
        input.after(h('p', { class: 'field-error', id }, problem.detail || problem.title));
      }
    }
  }
  return h('div', { class: 'alert error', role: 'alert' },
    h('p', {}, h('strong', {}, problem.title || 'Something went wrong')),
    problem.detail && problem.detail !== problem.title ? h('p', {}, problem.detail) : null);
}

export function okAlert(...content) {
  return h('div', { class: 'alert ok', role: 'status' }, ...content);
}

/** Runs an async action with the button disabled and a busy state. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { return await action(); } finally { button.disabled = false; button.removeAttribute('aria-busy'); }
}

/** A date-time in the viewer's zone, with the zone named. */
export function formatTime(iso) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const text = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
  return `${text} (${zone})`;
}

export function field(id, labelText, input, hint) {
  input.id = id;
  return [h('label', { for: id }, labelText, hint ? h('span', { class: 'hint' }, hint) : null), input];
}
