// The development mailbox (issue 15): what the embedded default's outbox sent, for the admin of a
// demo to read invitations, calendar invitations and reminders. Production answers 404 (said so here).
import { api } from '../api.js';
import { formatTime, h, loading, render } from '../dom.js';

export async function devMailView(main) {
  const list = h('div', { class: 'dev-mail' });
  const refresh = h('button', { type: 'button', class: 'secondary', onclick: () => load() }, 'Refresh');
  render(main, h('h1', {}, 'Sent mail (development)'),
    h('p', {}, 'In development mode Hearth sends its email to a mail server inside this node; this page shows what was sent, newest first. Production mode has no such page.'),
    h('div', { class: 'actions' }, refresh), list);
  async function load() {
    render(list, loading());
    try {
      const { items } = await api('GET', '/api/dev/mail?limit=50');
      if (!items.length) { render(list, h('p', {}, 'Nothing sent yet. Add a person or book an appointment.')); return; }
      render(list, items.map((m) => h('details', { class: 'dev-mail-item' },
        h('summary', {}, h('strong', {}, m.subject), ` — to ${m.to}, ${formatTime(m.sentAt)}`),
        h('pre', {}, m.text))));
    } catch (e) {
      render(list, h('p', { role: 'alert' }, e.status === 404 ? 'The development mailbox exists only in development mode.'
        : `The sent mail could not be read (${e.message}).`));
    }
  }
  await load();
}
