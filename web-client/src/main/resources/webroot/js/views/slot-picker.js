// Free times as a row of toggle buttons, one chosen at a time (aria-pressed): the admin's booking form
// and the patient's reschedule both pick a start this way.
import { h, render } from '../dom.js';

/** Renders {@code starts} (ISO instants) into {@code box}; {@code onChoose(start)} runs when one is picked. */
export function renderSlotButtons(box, starts, format, onChoose) {
  render(box, starts.map((start) => {
    const b = h('button', { type: 'button', class: 'slot secondary small', 'aria-pressed': 'false', 'data-start': start }, format.format(new Date(start)));
    b.addEventListener('click', () => {
      box.querySelectorAll('.slot').forEach((x) => x.setAttribute('aria-pressed', 'false'));
      b.setAttribute('aria-pressed', 'true');
      onChoose(start);
    });
    return b;
  }));
}
