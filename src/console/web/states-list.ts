import type { StateEntry } from '../api.js';
import { el } from './dom.js';
import { badge } from './status.js';

/** `running, now ×2`: where the run stands in a state, as a screen reader hears it. */
export function stateStatusText(state: StateEntry): string {
  const now = state.now > 1 ? `, now ×${state.now}` : state.now === 1 ? ', now' : '';
  return `${state.status ?? 'not reached'}${now}`;
}

/**
 * The states of the graph as a list: name, scope, status and how many scopes are in each now.
 * The text alternative to the picture; choosing a state selects it.
 */
export function statesList(
  states: readonly StateEntry[],
  selected: string | undefined,
  select: (nodeId: string) => void,
): HTMLElement {
  const rows = states.map((state) => {
    const b = el(
      'button',
      {
        type: 'button',
        class: 'link',
        'aria-pressed': String(state.nodeId === selected),
        'data-node': state.nodeId,
        'data-key': `state:${state.nodeId}`,
      },
      state.name,
    );
    b.addEventListener('click', () => select(state.nodeId));
    return el(
      'tr',
      { class: state.nodeId === selected ? 'selected' : '' },
      el('th', { scope: 'row' }, b),
      el('td', {}, state.scope === '' ? '—' : state.scope),
      el('td', {}, badge(state.status?.toUpperCase())),
      el('td', { class: 'num' }, state.now > 0 ? `now ×${state.now}` : ''),
    );
  });
  return el(
    'table',
    { class: 'states' },
    el('caption', {}, 'States'),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['State', 'Scope', 'Status', 'In it'].map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el('tbody', {}, ...rows),
  );
}
