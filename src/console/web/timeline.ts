import type { RunPayload, StepDetail } from '../api.js';
import { el } from './dom.js';
import { clock } from './format.js';
import { badge, statusClass } from './status.js';
import { durationCell, serverNow, timeCell } from './ticker.js';

/** A drawn timeline: its table, and how to move its bars to the server's clock (running steps grow). */
export interface Timeline {
  readonly element: HTMLElement;
  /** Re-lays the bars and axis for the current time. */
  readonly tick: () => void;
}

/** `Fan[0]/Load #2`: a step's row label. */
export function stepLabel(step: StepDetail): string {
  return `${step.scope ? `${step.scope}/` : ''}${step.state} #${step.attempt}`;
}

const TICKS = 5;

/**
 * The Gantt chart of every job and attempt: a table (one row per step, readable as text) with
 * a bar column. A bar runs from the launch (or, lighter, from the intent while the launch
 * waits) to the end, or to now for a running step. Choosing a row's label selects its state.
 */
export function timeline(payload: RunPayload, select: (nodeId: string) => void): Timeline {
  const steps = payload.steps;
  const runStart = Date.parse(payload.run.startTime);
  const runEnd = payload.run.endTime ? Date.parse(payload.run.endTime) : undefined;
  const bars: { bar: HTMLElement; from: number; to: number | undefined; waiting: boolean }[] = [];
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  const rows = steps.map((step) => {
    const launched = step.launchedAt !== undefined;
    const from = Date.parse(step.launchedAt ?? step.intendedAt);
    const to = step.endedAt ? Date.parse(step.endedAt) : undefined;
    const cls = step.abandoned ? 'cancelled' : statusClass(step.status);
    const bar = el('div', { class: `bar ${cls}${launched ? '' : ' waiting'}` });
    bars.push({ bar, from, to, waiting: !launched });
    const label = stepLabel(step);
    const name =
      step.nodeId === undefined
        ? el('span', {}, label)
        : el('button', { type: 'button', class: 'link', 'data-node': step.nodeId }, label);
    const nodeId = step.nodeId;
    if (nodeId !== undefined) name.addEventListener('click', () => select(nodeId));
    const tr = el(
      'tr',
      { class: nodeId === undefined ? '' : 'selectable' },
      el('th', { scope: 'row' }, name),
      el('td', {}, badge(step.abandoned ? 'CANCELLED' : step.status)),
      el('td', {}, timeCell(step.launchedAt ?? step.intendedAt), launched ? '' : ' (intended)'),
      el(
        'td',
        { class: 'num' },
        step.launchedAt ? durationCell(step.launchedAt, step.endedAt) : '—',
      ),
      el('td', { class: 'track', 'aria-hidden': 'true' }, bar),
    );
    if (nodeId !== undefined)
      tr.addEventListener('click', (event) => {
        if (!(event.target instanceof HTMLButtonElement)) select(nodeId);
      });
    return tr;
  });
  const tick = () => {
    const now = serverNow();
    const start = Math.min(runStart, ...bars.map((b) => b.from));
    const end = Math.max(runEnd ?? now, ...bars.map((b) => b.to ?? now), start + 1000);
    const span = end - start;
    for (const { bar, from, to } of bars) {
      const left = ((from - start) / span) * 100;
      const width = Math.max((((to ?? Math.max(now, from)) - from) / span) * 100, 0.4);
      bar.style.left = `${left}%`;
      bar.style.width = `${Math.min(width, 100 - left)}%`;
    }
    axis.replaceChildren(
      ...Array.from({ length: TICKS + 1 }, (_, i) => {
        const mark = el('span', {}, clock(start + (span * i) / TICKS));
        mark.style.left = `${(i / TICKS) * 100}%`;
        return mark;
      }),
    );
  };
  tick();
  const element =
    steps.length === 0
      ? el('p', { class: 'hint' }, 'No jobs launched yet.')
      : el(
          'table',
          { class: 'timeline' },
          el('caption', { class: 'visually-hidden' }, 'Timeline: every job and attempt'),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, 'Step'),
              el('th', { scope: 'col' }, 'Status'),
              el('th', { scope: 'col' }, 'Started'),
              el('th', { scope: 'col' }, 'Duration'),
              el(
                'th',
                { scope: 'col', class: 'track' },
                el('span', { class: 'visually-hidden' }, 'Bar'),
                axis,
              ),
            ),
          ),
          el('tbody', {}, ...rows),
        );
  return { element, tick };
}
