import { publicCall } from '../api.js';
import { busy, field, h, okAlert, problemAlert, render } from '../dom.js';

const MIN_LENGTH = 12;

export function setPasswordView(main, ticket) {
  const message = h('div');
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: MIN_LENGTH, required: true });
  const confirm = h('input', { name: 'confirm', type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Set password');
  const form = h('form', { novalidate: true },
    field('new-password', 'New password', password, `At least ${MIN_LENGTH} characters. A few unrelated words work well.`),
    field('confirm-password', 'Confirm password', confirm),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    render(message);
    if (password.value.length < MIN_LENGTH) {
      render(message, problemAlert({ problem: { title: 'Choose a longer password', detail: `Use at least ${MIN_LENGTH} characters.`, field: 'password' } }, form));
      password.focus();
      return;
    }
    if (password.value !== confirm.value) {
      render(message, problemAlert({ problem: { title: 'The passwords do not match', field: 'confirm' } }, form));
      confirm.focus();
      return;
    }
    busy(submit, async () => {
      try {
        await publicCall('POST', '/api/auth/set-password', { ticket, password: password.value });
        render(main, h('section', { class: 'card narrow' },
          h('h1', {}, 'Your password is set'),
          okAlert(h('p', {}, 'You can now sign in with your email and your new password.')),
          h('a', { class: 'button', href: '#/login' }, 'Sign in')));
      } catch (e) {
        render(message, problemAlert(e, form));
      }
    });
  });
  render(main, h('section', { class: 'card narrow', 'aria-labelledby': 'set-password-title' },
    h('h1', { id: 'set-password-title' }, 'Set your password'),
    h('p', { class: 'lead' }, 'Welcome to Hearth. Choose a password to finish setting up your account.'),
    message, form));
  password.focus();
}
