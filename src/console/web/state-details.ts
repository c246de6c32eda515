import type { RunPayload, StepDetail } from '../api.js';
import { el, external, jsonBlock } from './dom.js';
import { money } from './format.js';
import { badge } from './status.js';
import { durationCell, timeCell } from './ticker.js';

/** A definition list of the facts that exist (absent ones left out). */
function facts(rows: readonly (readonly [string, Node | string | undefined])[]): HTMLElement {
  const dl = el('dl', { class: 'facts' });
  for (const [term, value] of rows) {
    if (value === undefined || value === '') continue;
    dl.append(el('dt', {}, term), el('dd', {}, value));
  }
  return dl;
}

function stepDuration(step: StepDetail): Node | string | undefined {
  const start = step.launchedAt;
  if (start === undefined) return undefined;
  if (step.endedAt !== undefined) return durationCell(start, step.endedAt);
  return step.status === 'LAUNCHED' ? durationCell(start) : undefined;
}

/** A collapsible JSON block whose open state `open` remembers under `key` across live updates. */
function kept(title: string, value: unknown, open: Set<string>, key: string): HTMLDetailsElement {
  const block = jsonBlock(title, value, open.has(key));
  block.addEventListener('toggle', () => {
    if (block.open) open.add(key);
    else open.delete(key);
  });
  return block;
}

/** What the state made of the step's result, or why it is not shown. */
function outputOf(step: StepDetail, open: Set<string>, key: string): HTMLElement | null {
  if (step.output !== undefined) return kept('Output', step.output, open, `${key}:output`);
  if (step.outputSize !== undefined) {
    return el(
      'p',
      { class: 'hint' },
      `Output: ${step.outputSize.toLocaleString()} characters of JSON, more than the 4 KiB a step's record keeps.`,
    );
  }
  return null;
}

function attempt(step: StepDetail, openRequests: Set<string>): HTMLElement {
  const key = `${step.scope ?? ''}/${step.state}#${step.attempt}`;
  const request = kept('Request sent', step.request, openRequests, key);
  const waiting = step.queued
    ? 'waiting for a slot of its project’s active-job budget'
    : step.quotaWait
      ? 'launch refused for quota; waiting for its retry'
      : undefined;
  return el(
    'article',
    { class: 'attempt' },
    el(
      'h4',
      {},
      `Attempt ${step.attempt}`,
      step.scope ? ` in ${step.scope}` : '',
      ' ',
      badge(step.abandoned ? 'CANCELLED' : step.status),
    ),
    facts([
      [step.resource || 'Job', step.jobName],
      ['Job id', step.jobId],
      ['Job state', step.jobState],
      ['Location', step.location],
      ['Intended', timeCell(step.intendedAt)],
      ['Launched', step.launchedAt ? timeCell(step.launchedAt) : undefined],
      ['Ended', step.endedAt ? timeCell(step.endedAt) : undefined],
      ['Duration', stepDuration(step)],
      [
        'Est. cost',
        step.cost === undefined ? undefined : money(step.cost) + (step.flexrs ? ' (FlexRS)' : ''),
      ],
      ['Message id', step.messageId],
      ['Waiting', waiting],
      [
        'Abandoned',
        step.abandoned ? 'the run stopped waiting for it: it is being cancelled' : undefined,
      ],
    ]),
    step.error
      ? el('p', { class: 'error' }, el('strong', {}, step.error.Error), ': ', step.error.Cause)
      : null,
    step.consoleUrl
      ? el(
          'p',
          {},
          external(
            step.consoleUrl,
            'Open the Dataflow job ↗',
            `Open job ${step.jobName} in the Dataflow console (new tab)`,
          ),
        )
      : null,
    outputOf(step, openRequests, key),
    request,
  );
}

/**
 * The details panel of the selected state: its status, input and every attempt (steps whose
 * node is the state's), newest first. `openRequests` keeps the request blocks a reader opened
 * open across live updates.
 */
export function stateDetails(
  payload: RunPayload,
  nodeId: string | undefined,
  openRequests: Set<string>,
): HTMLElement {
  const panel = el('section', { class: 'details', 'aria-labelledby': 'details-title' });
  const state = payload.states.find((s) => s.nodeId === nodeId);
  if (nodeId === undefined || state === undefined) {
    panel.append(
      el('h2', { id: 'details-title' }, 'State details'),
      el(
        'p',
        { class: 'hint' },
        'Select a state in the graph, the list of states or the timeline to see its input, jobs and errors.',
      ),
    );
    return panel;
  }
  const steps = payload.steps.filter((s) => s.nodeId === nodeId).reverse();
  panel.append(
    el('h2', { id: 'details-title' }, state.name, ' ', badge(state.status?.toUpperCase())),
    facts([
      ['Scope', state.scope === '' ? 'top level' : state.scope],
      ['In it now', state.now > 0 ? `${state.now}` : undefined],
    ]),
    state.input === undefined
      ? el('p', {}, 'No input recorded.')
      : jsonBlock('Input', state.input, true),
    steps.length === 0
      ? el(
          'p',
          { class: 'hint' },
          'No jobs or attempts: this state launches nothing, or was not reached.',
        )
      : el(
          'div',
          { class: 'attempts' },
          el('h3', {}, `Attempts (${steps.length})`),
          ...steps.map((s) => attempt(s, openRequests)),
        ),
  );
  return panel;
}
