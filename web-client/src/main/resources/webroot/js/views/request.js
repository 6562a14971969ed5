// A patient books a remote session from their therapist's open times, when the clinic allows it
// (booking policy "patientsMayBook"). Times are shown in the patient's zone, named.
import { api } from '../api.js';
import { busy, field, h, okAlert, problemAlert, render, viewerZone } from '../dom.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The "request a session" card, or null when the clinic books for its patients itself. */
export async function requestSection(me) {
  let policy;
  try {
    policy = await api('GET', '/api/booking-policy');
  } catch (e) {
    return null;
  }
  if (!policy.patientsMayBook || !me.therapistId) return null;
  const message = h('div', { 'aria-live': 'polite' });
  const slots = h('div', { class: 'slots', role: 'group', 'aria-label': 'Open times' });
  const type = h('select', { name: 'type' }, h('option', { value: 'preparation' }, 'Preparation session'),
    h('option', { value: 'integration' }, 'Integration session'));
  const dosing = h('select', { name: 'dosingAppointmentId' });
  const dosingRow = h('div', { hidden: true }, ...field('request-dosing', 'The clinic visit it follows', dosing));
  const date = h('input', { type: 'date', name: 'date', value: new Date(Date.now() + 864e5).toISOString().substring(0, 10) });
  const show = async (keepMessage = false) => {
    if (!keepMessage) render(message);
    dosingRow.hidden = type.value !== 'integration';
    const from = new Date(`${date.value}T00:00:00`);
    const to = new Date(from.getTime() + 7 * 864e5);
    try {
      if (type.value === 'integration') {
        const { items } = await api('GET', `/api/appointments?${new URLSearchParams({ from: new Date(Date.now() - 30 * 864e5).toISOString(), to: new Date().toISOString() })}`);
        render(dosing, items.filter((a) => a.type === 'dosing' && a.status === 'booked')
          .map((a) => h('option', { value: a.id }, timeFormat.format(new Date(a.start)))));
      }
      const { items } = await api('GET', `/api/therapists/${me.therapistId}/slots?${new URLSearchParams({ type: type.value, from: from.toISOString(), to: to.toISOString() })}`);
      render(slots, items.length === 0 ? h('p', { class: 'muted' }, 'No open times that week.') : items.slice(0, 30).map((start) => {
        const button = h('button', { type: 'button', class: 'secondary slot' }, timeFormat.format(new Date(start)));
        button.addEventListener('click', () => busy(button, async () => {
          const body = { type: type.value, therapistIds: [me.therapistId], patientId: me.id, start };
          if (type.value === 'integration') body.dosingAppointmentId = dosing.value;
          try {
            await api('POST', '/api/appointments', body);
            render(message, okAlert(h('p', {}, `Booked: ${timeFormat.format(new Date(start))} (${viewerZone()}). It is in your upcoming appointments.`)));
            await show(true);
          } catch (e) {
            render(message, problemAlert(e));
          }
        }));
        return button;
      }));
    } catch (e) {
      render(message, problemAlert(e));
    }
  };
  type.addEventListener('change', () => show());
  date.addEventListener('change', () => show());
  const card = h('section', { class: 'card', 'aria-labelledby': 'request-title' },
    h('h2', { id: 'request-title', class: 'card-title' }, 'Book a session'),
    h('p', { class: 'hint' }, `Open times of your therapist for the week from the day you choose, in ${viewerZone()}.`),
    ...field('request-type', 'Kind of session', type), dosingRow, ...field('request-date', 'Week starting', date),
    message, slots);
  show();
  return card;
}
