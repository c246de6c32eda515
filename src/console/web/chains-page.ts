import type { ChainEntry, ChainsPayload } from '../api.js';
import { live } from './api.js';
import { el, errorText, replace } from './dom.js';
import { cost } from './format.js';
import { drawGraph } from './graph.js';
import type { Shell } from './shell.js';
import { badge } from './status.js';
import { durationCell, syncClock, timeCell } from './ticker.js';

function lastRuns(chain: ChainEntry): HTMLElement {
  if (chain.lastRuns.length === 0) return el('p', { class: 'hint' }, 'No runs yet.');
  return el(
    'table',
    { class: 'last-runs' },
    el('caption', {}, 'Last runs'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['Run', 'Status', 'Started', 'Duration', 'Est. cost'].map((h) =>
          el('th', { scope: 'col' }, h),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...chain.lastRuns.map((run) =>
        el(
          'tr',
          {},
          el(
            'th',
            { scope: 'row' },
            el('a', { href: `/runs/${encodeURIComponent(run.id)}` }, run.id),
          ),
          el('td', {}, badge(run.status)),
          el('td', {}, timeCell(run.startTime)),
          el(
            'td',
            { class: 'num' },
            run.endTime || run.status === 'RUNNING'
              ? durationCell(run.startTime, run.endTime)
              : '—',
          ),
          el('td', { class: 'num' }, cost(run.cost)),
        ),
      ),
    ),
  );
}

function schedule(chain: ChainEntry): HTMLElement {
  const s = chain.schedule;
  if (!s) return el('p', { class: 'hint' }, 'No schedule: started by dfchain start or an event.');
  return el(
    'div',
    { class: 'schedule' },
    el('p', {}, 'Schedule ', el('code', {}, s.cron), ` (${s.timeZone})`),
    s.next.length === 0
      ? null
      : el('p', {}, 'Next: ', ...s.next.flatMap((t, i) => [i > 0 ? ', ' : '', timeCell(t)])),
  );
}

/** The Chains page: one card per chain with its graph, schedule and last runs (`only`: one chain's card). */
export function chainsPage(shell: Shell, only?: string): () => void {
  shell.page(only === undefined ? 'Chains' : `Chain ${only}`, 'chains');
  const problems = el('div', {});
  const cards = el('div', { class: 'cards' });
  const intro = el('p', { class: 'summary' }, 'Loading chains…');
  replace(shell.main, el('h1', {}, 'Chains'), intro, problems, cards);
  const graphs = new Map<string, HTMLElement>();
  const draw = (all: ChainsPayload) => {
    shell.problem(undefined);
    const payload =
      only === undefined ? all : { ...all, chains: all.chains.filter((c) => c.name === only) };
    if (only !== undefined && payload.chains.length === 0) {
      replace(
        cards,
        el(
          'p',
          { class: 'empty' },
          `No chain "${only}" in ${all.dir}: `,
          el('a', { href: '/chains' }, 'see every chain'),
          '.',
        ),
      );
      return;
    }
    syncClock(payload.now);
    intro.textContent = `${payload.chains.length} chain${payload.chains.length === 1 ? '' : 's'} in ${payload.dir}.`;
    replace(
      problems,
      payload.problems.length === 0
        ? null
        : el(
            'div',
            { class: 'file-problems', role: 'note' },
            el('h2', {}, 'Files that could not be loaded'),
            el('ul', {}, ...payload.problems.map((p) => el('li', {}, p))),
          ),
    );
    if (only !== undefined) intro.replaceChildren(el('a', { href: '/chains' }, '← every chain'));
    if (payload.chains.length === 0)
      replace(cards, el('p', { class: 'empty' }, `No chains in ${payload.dir}.`));
    else
      replace(
        cards,
        ...payload.chains.map((chain) => {
          // The graph's box is kept across updates, so an unchanged graph is not drawn again.
          const graph =
            graphs.get(chain.name) ??
            el('div', {
              class: 'graph',
              role: 'img',
              'aria-label': `Graph of chain ${chain.name}`,
            });
          graphs.set(chain.name, graph);
          drawGraph(graph, chain.graph).catch((error: unknown) =>
            replace(
              graph,
              el('p', { class: 'error' }, `The graph could not be drawn: ${errorText(error)}`),
            ),
          );
          return el(
            'article',
            { class: 'card', id: `chain-${chain.name}`, 'aria-labelledby': `title-${chain.name}` },
            el(
              'h2',
              { id: `title-${chain.name}` },
              el('a', { href: `/chains/${encodeURIComponent(chain.name)}` }, chain.name),
            ),
            chain.comment ? el('p', { class: 'comment' }, chain.comment) : null,
            el(
              'div',
              { class: 'card-body' },
              graph,
              el(
                'div',
                { class: 'card-side' },
                schedule(chain),
                el(
                  'div',
                  {},
                  lastRuns(chain),
                  el(
                    'p',
                    {},
                    el(
                      'a',
                      { href: `/?chain=${encodeURIComponent(chain.name)}` },
                      `All runs of ${chain.name}`,
                    ),
                  ),
                ),
              ),
            ),
          );
        }),
      );
  };
  return live<ChainsPayload>('chains', {}, '/api/chains', {
    data: (p) => {
      try {
        draw(p);
      } catch (error) {
        shell.problem(`The page failed to show the chains: ${errorText(error)}`);
      }
    },
    problem: (p) => shell.problem(p),
    state: (s) => shell.live(s),
  });
}
