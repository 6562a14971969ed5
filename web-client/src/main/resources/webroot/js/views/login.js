import { login } from '../api.js';
import { busy, field, h, problemAlert, render } from '../dom.js';

export function loginView(main, onSignedIn) {
  const error = h('div');
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { novalidate: true },
    field('login-email', 'Email', email),
    field('login-password', 'Password', password),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(submit, async () => {
      render(error);
      try {
        onSignedIn(await login(email.value.trim(), password.value));
      } catch (e) {
        render(error, problemAlert(e));
        password.value = '';
        password.focus();
      }
    });
  });
  render(main, h('section', { class: 'card narrow', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to Hearth'),
    h('p', { class: 'lead' }, 'Your clinic’s space for preparation, integration and group circles.'),
    error, form));
  email.focus();
}
