import type { RunRow, RunsPayload } from '../api.js';
import { live } from './api.js';
import { el, replace } from './dom.js';
import { cost, localTime } from './format.js';
import type { Shell } from './shell.js';
import { badge } from './status.js';
import { durationCell, syncClock, timeCell } from './ticker.js';

const STATUSES = ['RUNNING', 'QUEUED', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
const SINCES = ['1h', '24h', '3d', '1w', '30d'] as const;

/** The filters of the Runs page, as the URL's query holds them. */
interface Filters {
  chain: string;
  status: string;
  since: string;
}

function filtersOf(search: string): Filters {
  const q = new URLSearchParams(search);
  return {
    chain: q.get('chain') ?? '',
    status: q.get('status') ?? '',
    since: q.get('since') ?? '24h',
  };
}

function select(
  label: string,
  name: keyof Filters,
  choices: readonly (readonly [string, string])[],
  value: string,
  changed: (name: keyof Filters, value: string) => void,
): HTMLElement {
  const id = `filter-${name}`;
  const box = el('select', { id, name });
  for (const [v, text] of choices)
    box.append(el('option', { value: v, selected: v === value }, text));
  box.addEventListener('change', () => changed(name, box.value));
  return el('div', { class: 'field' }, el('label', { for: id }, label), box);
}

function row(run: RunRow): HTMLElement {
  return el(
    'tr',
    {},
    el('th', { scope: 'row' }, el('a', { href: `/runs/${encodeURIComponent(run.id)}` }, run.id)),
    el('td', {}, run.chain),
    el('td', {}, badge(run.status)),
    el('td', {}, timeCell(run.startTime)),
    el(
      'td',
      { class: 'num' },
      // A run still RUNNING or QUEUED counts up; an ended one without an end time shows none.
      run.endTime !== undefined || run.status === 'RUNNING' || run.status === 'QUEUED'
        ? durationCell(run.startTime, run.endTime)
        : '—',
    ),
    el('td', { class: 'num' }, cost(run.cost)),
    el('td', { title: run.error?.Cause }, run.error?.Error ?? ''),
  );
}

/** The Runs page: a live table of runs, filtered by chain, status and time (filters in the URL). */
export function runsPage(shell: Shell): () => void {
  shell.page('Runs', 'runs');
  let filters = filtersOf(location.search);
  let chains: readonly string[] = [];
  const form = el('form', { class: 'filters', 'aria-label': 'Filter runs' });
  form.addEventListener('submit', (e) => e.preventDefault());
  const summary = el('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading runs…');
  const body = el('div', { class: 'runs-table' });
  replace(shell.main, el('h1', {}, 'Runs'), form, summary, body);

  const drawForm = () =>
    replace(
      form,
      select(
        'Chain',
        'chain',
        [['', 'all chains'], ...[...chains].sort().map((c) => [c, c] as const)],
        filters.chain,
        changed,
      ),
      select(
        'Status',
        'status',
        [['', 'any status'], ...STATUSES.map((s) => [s, s] as const)],
        filters.status,
        changed,
      ),
      select(
        'Since',
        'since',
        SINCES.map((s) => [s, `last ${s}`] as const),
        filters.since,
        changed,
      ),
    );

  const draw = (payload: RunsPayload) => {
    shell.problem(undefined);
    syncClock(payload.now);
    const known = payload.chains.join('\n');
    if (known !== chains.join('\n') || form.childElementCount === 0) {
      chains =
        filters.chain && !payload.chains.includes(filters.chain)
          ? [...payload.chains, filters.chain]
          : payload.chains;
      drawForm();
    }
    const n = payload.runs.length;
    summary.textContent = payload.truncated
      ? `${n} runs shown; older ones left out.`
      : `${n} run${n === 1 ? '' : 's'} since ${localTime(payload.query.since)}.`;
    if (n === 0) {
      replace(
        body,
        el(
          'p',
          { class: 'empty' },
          'No runs match these filters. Widen "Since", or start one with dfchain start <chain>.',
        ),
      );
      return;
    }
    const head = ['Run', 'Chain', 'Status', 'Started', 'Duration', 'Est. cost', 'Error'];
    replace(
      body,
      el(
        'table',
        {},
        el('caption', { class: 'visually-hidden' }, 'Runs, newest first'),
        el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ...payload.runs.map(row)),
      ),
    );
  };

  let close = () => {};
  const connect = () => {
    close();
    const query: Record<string, string> = { since: filters.since };
    if (filters.chain) query.chain = filters.chain;
    if (filters.status) query.status = filters.status;
    close = live<RunsPayload>('runs', query, `/api/runs?${new URLSearchParams(query).toString()}`, {
      data: draw,
      problem: (p) => {
        shell.problem(p);
        if (body.childElementCount === 0)
          summary.textContent = 'Runs cannot be read now: the page retries by itself.';
      },
      state: (s) => shell.live(s),
    });
  };
  function changed(name: keyof Filters, value: string) {
    filters = { ...filters, [name]: value };
    const q = new URLSearchParams();
    if (filters.chain) q.set('chain', filters.chain);
    if (filters.status) q.set('status', filters.status);
    if (filters.since !== '24h') q.set('since', filters.since);
    const search = q.toString();
    history.replaceState(null, '', search ? `/?${search}` : '/');
    summary.textContent = 'Loading runs…';
    connect();
  }
  drawForm();
  connect();
  return () => close();
}
