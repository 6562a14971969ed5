import { publicCall } from '../api.js';
import { announce, busy, clearFieldErrors, field, h, okAlert, problemAlert, render } from '../dom.js';

const MIN_LENGTH = 12;

export function setPasswordView(main, ticket) {
  const message = h('div');
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: MIN_LENGTH, maxlength: 256, required: true });
  const confirm = h('input', { name: 'confirm', type: 'password', autocomplete: 'new-password', maxlength: 256, required: true });
  const show = h('input', { id: 'show-passwords', type: 'checkbox' });
  show.addEventListener('change', () => {
    password.type = show.checked ? 'text' : 'password';
    confirm.type = show.checked ? 'text' : 'password';
  });
  const submit = h('button', { type: 'submit' }, 'Set password');
  const form = h('form', { novalidate: true },
    field('new-password', 'New password', password, `At least ${MIN_LENGTH} characters. A few unrelated words work well.`),
    field('confirm-password', 'Confirm password', confirm),
    h('div', { class: 'check' }, show, h('label', { for: 'show-passwords' }, 'Show passwords')),
    submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    render(message);
    clearFieldErrors(form);
    if (password.value.length < MIN_LENGTH) {
      render(message, problemAlert({ problem: { title: 'Choose a longer password', detail: `Use at least ${MIN_LENGTH} characters.`, field: 'password' } }, form));
      password.focus();
      return;
    }
    if (password.value !== confirm.value) {
      render(message, problemAlert({ problem: { title: 'The passwords do not match', detail: 'Type the same password in both fields.', field: 'confirm' } }, form));
      confirm.focus();
      return;
    }
    busy(submit, async () => {
      render(message, h('p', { class: 'loading', role: 'status' }, 'Saving your password…'));
      try {
        await publicCall('POST', '/api/auth/set-password', { ticket, password: password.value });
        render(main, h('section', { class: 'card narrow', 'aria-labelledby': 'set-password-done' },
          h('h1', { id: 'set-password-done' }, 'Your password is set'),
          okAlert(h('p', {}, 'Welcome to Hearth. You can now sign in with your email and your new password.')),
          h('a', { class: 'button', href: '#/login' }, 'Sign in')));
        announce('Your password is set. You can now sign in.');
      } catch (e) {
        // A used, expired or unknown link (410) cannot be fixed on this page: say so and point onwards.
        const gone = e.status === 410;
        const onwards = h('a', { href: '#/login' }, 'Go to sign in');
        render(message, problemAlert(e, gone ? null : form, gone ? h('p', {}, onwards) : null));
        form.hidden = gone;
        (gone ? onwards : password).focus();
      }
    });
  });
  render(main, h('section', { class: 'card narrow', 'aria-labelledby': 'set-password-title' },
    h('h1', { id: 'set-password-title' }, 'Set your password'),
    h('p', { class: 'lead' }, 'Welcome to Hearth. Choose a password to finish setting up your account.'),
    message, form));
  password.focus();
}
