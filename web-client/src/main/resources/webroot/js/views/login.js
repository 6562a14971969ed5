import { login } from '../api.js';
import { busy, clearFieldErrors, field, h, okAlert, problemAlert, render } from '../dom.js';

/** The sign-in page; `notice` is a calm note shown above the form (signed out, session ended). */
export function loginView(main, onSignedIn, notice) {
  const message = h('div', {}, notice ? okAlert(h('p', {}, notice)) : null);
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, maxlength: 254, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { novalidate: true },
    field('login-email', 'Email', email),
    field('login-password', 'Password', password),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    if (!email.value.trim() || !password.value) {
      const missing = !email.value.trim() ? 'email' : 'password';
      render(message, problemAlert({ problem: { title: 'Enter your email and password', field: missing,
        detail: missing === 'email' ? 'Your email is needed to sign in.' : 'Your password is needed to sign in.' } }, form));
      (missing === 'email' ? email : password).focus();
      return;
    }
    busy(submit, async () => {
      render(message, h('p', { class: 'loading', role: 'status' }, 'Signing in…'));
      try {
        const person = await login(email.value.trim(), password.value);
        render(message);
        onSignedIn(person);
      } catch (e) {
        render(message, problemAlert(e, form));
        password.value = '';
        password.focus();
      }
    });
  });
  render(main, h('section', { class: 'card narrow', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to Hearth'),
    h('p', { class: 'lead' }, 'Your clinic’s space for preparation, integration and group circles.'),
    message, form,
    h('p', { class: 'muted small' }, 'New to Hearth? Your clinic sends you a link to set your password.')));
  email.focus();
}
