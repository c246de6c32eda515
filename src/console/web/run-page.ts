import type { ApiProblem, RunPayload } from '../api.js';
import { runActions } from './actions.js';
import { live } from './api.js';
import { el, errorText, replace } from './dom.js';
import { drawGraph, makeSelectable, markSelected } from './graph.js';
import { mapSummaries } from './maps.js';
import { outcome, summary } from './run-header.js';
import type { Shell } from './shell.js';
import { stateDetails } from './state-details.js';
import { stateStatusText, statesList } from './states-list.js';
import { badge } from './status.js';
import { everySecond, syncClock } from './ticker.js';
import { timeline } from './timeline.js';

/** Keeps keyboard focus on the same control (by its data-key) when a live update redraws a section. */
function keepingFocus(draw: () => void): void {
  const key =
    document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
  draw();
  if (key === undefined) return;
  document.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

/** The state shown first: the one in the URL, else a running one, else a failed one. */
function firstSelection(payload: RunPayload): string | undefined {
  const asked = new URLSearchParams(location.search).get('state');
  if (asked && payload.states.some((s) => s.nodeId === asked)) return asked;
  return (
    payload.states.find((s) => s.status === 'running') ??
    payload.states.find((s) => s.status === 'failed')
  )?.nodeId;
}

/** The Run page: header, actions, graph with its states, Map items, details of a state, timeline. */
export function runPage(shell: Shell, id: string): () => void {
  shell.page(`Run ${id}`, 'runs');
  const head = el('div', { class: 'run-head' });
  const actions = el('div', { class: 'run-actions' });
  const out = el('div', {});
  const graph = el('div', {
    class: 'graph',
    // A group, not an image: its state nodes are buttons (an image may hold no controls).
    role: 'group',
    'aria-label': 'The chain’s graph, coloured by status; the list of states below says the same',
  });
  const states = el('div', { class: 'states-box' });
  const maps = el('div', {});
  const details = el('div', { class: 'details-box' });
  const gantt = el('section', { class: 'gantt', 'aria-label': 'Timeline' });
  const layout = el(
    'div',
    { class: 'run-layout' },
    el('div', { class: 'run-graph' }, el('h2', {}, 'Graph'), graph, states, maps),
    details,
  );
  replace(shell.main, el('h1', {}, 'Loading run ', el('code', {}, id), '…'));
  let payload: RunPayload | undefined;
  let selected: string | undefined;
  let tick = () => {};
  const openRequests = new Set<string>();
  const openBlocks = new Set<string>();
  const select = (nodeId: string) => {
    selected = nodeId;
    const q = new URLSearchParams(location.search);
    q.set('state', nodeId);
    history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
    drawSelection();
    details.querySelector<HTMLElement>('h2')?.focus();
  };
  const drawSelection = () => {
    if (!payload) return;
    const p = payload;
    markSelected(graph, selected);
    keepingFocus(() => {
      replace(states, statesList(p.states, selected, select));
      const itsMaps = p.maps.filter((m) => m.nodeId === selected);
      replace(
        details,
        stateDetails(p, selected, openRequests),
        mapSummaries(itsMaps, select, 'Its items'),
      );
    });
    details.querySelector('h2')?.setAttribute('tabindex', '-1');
    for (const row of gantt.querySelectorAll<HTMLElement>('tbody tr')) {
      row.classList.toggle(
        'selected',
        row.querySelector<HTMLElement>('[data-node]')?.dataset.node === selected,
      );
    }
  };
  const draw = (next: RunPayload) => {
    const first = payload === undefined;
    payload = next;
    shell.problem(undefined);
    syncClock(next.now);
    // For tests and for a person debugging the page: which payload it shows.
    shell.main.dataset.updated = next.now;
    if (first) {
      selected = firstSelection(next);
      replace(
        shell.main,
        el('h1', {}, 'Run ', el('code', {}, next.run.id), ' ', badge(next.run.status)),
        head,
        actions,
        out,
        layout,
        gantt,
      );
    }
    shell.page(`Run ${next.run.id} (${next.run.status})`, 'runs');
    replace(
      shell.main.querySelector('h1') ?? head,
      'Run ',
      el('code', {}, next.run.id),
      ' ',
      badge(next.run.status),
    );
    keepingFocus(() => {
      replace(head, summary(next));
      replace(actions, runActions(next));
      replace(out, outcome(next, openBlocks));
      replace(maps, mapSummaries(next.maps, select));
      const t = timeline(next, select);
      tick = t.tick;
      replace(gantt, el('h2', {}, 'Timeline'), t.element);
    });
    drawSelection();
    const labels = new Map(next.states.map((s) => [s.nodeId, stateStatusText(s)]));
    if (next.graph === undefined) {
      replace(
        graph,
        el(
          'p',
          { class: 'hint' },
          next.graphProblem ?? 'No graph: the store has no definition for this run.',
        ),
      );
      return;
    }
    drawGraph(graph, next.graph)
      .then(() => {
        makeSelectable(graph, labels, select);
        markSelected(graph, selected);
      })
      .catch((error: unknown) =>
        replace(
          graph,
          el('p', { class: 'error' }, `The graph could not be drawn: ${errorText(error)}`),
        ),
      );
  };
  const problem = (p: ApiProblem) => {
    if (p.kind === 'not-found' && payload === undefined) {
      shell.page('Run not found', 'runs');
      replace(
        shell.main,
        el('h1', {}, 'Run not found'),
        el('p', { class: 'problem-text' }, p.error),
        el('p', {}, el('a', { href: '/' }, 'See the Runs page'), ' for the runs of the store.'),
      );
      return;
    }
    shell.problem(p);
    if (payload === undefined)
      replace(
        shell.main,
        el('h1', {}, 'Run ', el('code', {}, id)),
        el(
          'p',
          { class: 'hint' },
          'The run cannot be read now (see the problem above): the page shows it as soon as it can, with no reload.',
        ),
      );
  };
  const close = live<RunPayload>('run', { id }, `/api/runs/${encodeURIComponent(id)}`, {
    data: (p) => {
      try {
        draw(p);
      } catch (error) {
        shell.problem(`The page failed to show this run: ${errorText(error)}`);
      }
    },
    problem,
    state: (s) => shell.live(s),
  });
  const stop = everySecond(() => tick());
  return () => {
    close();
    stop();
  };
}
