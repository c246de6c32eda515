import type { RunPayload } from '../api.js';
import { el, external, jsonBlock } from './dom.js';
import { money } from './format.js';
import { badge } from './status.js';
import { durationCell, timeCell } from './ticker.js';

/** The run's facts: chain, status, times, redrives, cost and its logs link. */
export function summary(payload: RunPayload): HTMLElement {
  const run = payload.run;
  const item = (term: string, value: Node | string) =>
    el('div', {}, el('dt', {}, term), el('dd', {}, value));
  return el(
    'dl',
    { class: 'run-facts' },
    item('Chain', el('a', { href: `/chains/${encodeURIComponent(run.chain)}` }, run.chain)),
    item('Status', badge(run.status)),
    item('Started', timeCell(run.startTime)),
    item('Ended', timeCell(run.endTime)),
    item('Duration', durationCell(run.startTime, run.endTime)),
    item('Redrives', String(run.redriveCount ?? 0)),
    item('Est. cost', money(run.total?.cost.usd)),
    item(
      'Logs',
      external(
        payload.links.logs,
        'Logs Explorer ↗',
        `Open the run's log entries in Logs Explorer (new tab)`,
      ),
    ),
  );
}

/** The run's error, input and output (collapsible; `open` keeps the ones a reader opened). */
export function outcome(payload: RunPayload, open: Set<string>): HTMLElement {
  const run = payload.run;
  const block = (key: string, title: string, value: unknown) => {
    const d = jsonBlock(title, value, open.has(key));
    d.addEventListener('toggle', () => (d.open ? open.add(key) : open.delete(key)));
    return d;
  };
  return el(
    'div',
    { class: 'outcome' },
    run.error
      ? el(
          'div',
          { class: 'run-error', role: 'note' },
          el('h2', {}, 'Error'),
          el('p', {}, el('strong', {}, run.error.Error), ': ', run.error.Cause),
        )
      : null,
    run.queued
      ? el('p', { class: 'hint' }, 'Queued: waiting for a slot of its chain’s MaxConcurrentRuns.')
      : null,
    block('input', 'Run input', run.input),
    run.output === undefined ? null : block('output', 'Run output', run.output),
  );
}
