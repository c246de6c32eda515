import type { ActionDone, RunPayload } from '../api.js';
import { postAction } from './api.js';
import { el, replace } from './dom.js';

/** The answer of the last action, kept across live updates so it stays readable. */
const said = new Map<string, { text: string; ok: boolean }>();

/**
 * Actions on their way (`RUN:KIND`): a live update draws the buttons anew while a POST is in
 * flight, and the new button must stay disabled too, or a second click publishes it twice.
 */
const sending = new Set<string>();

/**
 * Cancel and redrive for a run: buttons when the console allows actions (disabled, with the
 * reason, when the run cannot take one now), else one line saying how to enable them. The
 * answer goes to a status area a screen reader announces.
 */
export function runActions(payload: RunPayload): HTMLElement {
  const id = payload.run.id;
  const status = el('p', { class: 'action-status', role: 'status', 'aria-live': 'polite' });
  const show = () => {
    const last = said.get(id);
    status.className = `action-status ${last ? (last.ok ? 'ok' : 'bad') : ''}`;
    replace(status, last?.text ?? '');
  };
  show();
  if (!payload.actions.allowed) {
    return el(
      'div',
      { class: 'actions' },
      el(
        'p',
        { class: 'readonly-note' },
        'read-only: start dfchain console with --allow-actions to cancel or redrive',
      ),
    );
  }
  const button = (kind: 'cancel' | 'redrive', text: string, refused: string | undefined) => {
    const b = el(
      'button',
      {
        type: 'button',
        class: `action ${kind}`,
        disabled: refused !== undefined || sending.has(`${id}:${kind}`),
        title: refused,
      },
      text,
    );
    b.addEventListener('click', () => {
      if (kind === 'cancel' && !window.confirm(`Cancel run ${id}? Its running jobs are cancelled.`))
        return;
      if (sending.has(`${id}:${kind}`)) return;
      sending.add(`${id}:${kind}`);
      b.disabled = true;
      said.set(id, { text: `${text}: sending…`, ok: true });
      show();
      void postAction<ActionDone>(`/api/runs/${encodeURIComponent(id)}/${kind}`).then((answer) => {
        said.set(
          id,
          'ok' in answer
            ? { text: answer.ok.message, ok: true }
            : { text: answer.problem.error, ok: false },
        );
        sending.delete(`${id}:${kind}`);
        show();
        b.disabled = false;
      });
    });
    return el(
      'div',
      { class: 'action-row' },
      b,
      refused === undefined ? null : el('span', { class: 'why' }, refused),
    );
  };
  return el(
    'div',
    { class: 'actions' },
    button('cancel', 'Cancel run', payload.actions.cancel),
    button('redrive', 'Redrive', payload.actions.redrive),
    status,
  );
}
