import type { MapItems } from '../api.js';
import { el } from './dom.js';
import { badge } from './status.js';

/** `12 ✓ 1 ✗ 3 … 0 ⊘` with words for screen readers. */
function counts(map: MapItems): HTMLElement {
  const part = (n: number, mark: string, word: string, cls: string) =>
    el(
      'span',
      { class: `count ${cls}`, title: `${n} ${word}` },
      `${n} ${mark}`,
      el('span', { class: 'visually-hidden' }, ` ${word}`),
    );
  return el(
    'p',
    { class: 'counts' },
    `${map.total} items: `,
    part(map.succeeded, '✓', 'succeeded', 'succeeded'),
    ' ',
    part(map.failed, '✗', 'failed', 'failed'),
    ' ',
    part(map.running, '…', 'running', 'running'),
    ' ',
    part(map.cancelled, '⊘', 'cancelled', 'cancelled'),
  );
}

/**
 * Each Map's items: its counts and every failed or cancelled item with its error, one row each
 * (`item 2 FAILED Dataflow.JobFailed: …`). Choosing a Map's name selects its state. `title`
 * heads the section (the details panel names it apart from the one below the graph).
 */
export function mapSummaries(
  maps: readonly MapItems[],
  select: (nodeId: string) => void,
  title = 'Map items',
): HTMLElement | null {
  const titleId = `maps-${title.replace(/\W+/g, '-')}`;
  if (maps.length === 0) return null;
  return el(
    'section',
    { class: 'maps', 'aria-labelledby': titleId },
    el('h2', { id: titleId }, title),
    ...maps.map((map) => {
      const name = el(
        'button',
        { type: 'button', class: 'link', 'data-node': map.nodeId },
        map.scope ? `${map.scope}/${map.state}` : map.state,
      );
      name.addEventListener('click', () => select(map.nodeId));
      return el(
        'article',
        { class: 'map' },
        el('h3', {}, name),
        counts(map),
        map.problems.length === 0
          ? null
          : el(
              'ul',
              { class: 'problems' },
              ...map.problems.map((p) =>
                el(
                  'li',
                  { class: 'map-problem' },
                  `item ${p.index} `,
                  badge(p.status),
                  p.error
                    ? el(
                        'span',
                        { class: 'error' },
                        ' ',
                        el('strong', {}, p.error.Error),
                        `: ${p.error.Cause}`,
                      )
                    : '',
                ),
              ),
            ),
      );
    }),
  );
}
