import { strict as assert } from 'node:assert';
import type { MixOutcome } from './mix-outcome.js';
import type { Outcome } from './outcome.js';
import { printTable } from './table.js';

/** A scenario-specific check: a figure and, when it has one, its target. */
export interface Extra {
  readonly check: string;
  readonly target?: string;
  readonly actual: string | number;
  readonly ok?: boolean;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** The targets every run scenario must meet, as table rows: [check, target, actual, ok]. */
function targetRows(outcome: Outcome): [string, string, number, boolean][] {
  const right = outcome.states.filter((s) => s.right).length;
  const dups = outcome.launches.reduce((sum, l) => sum + l.dup, 0);
  return [
    [
      'runs reaching the right terminal state',
      `${outcome.runs} (100 %)`,
      right,
      right === outcome.runs,
    ],
    ['duplicate launches', '0', dups, dups === 0],
    [
      'joins launched exactly once (relfan runs reaching the join)',
      String(outcome.joins.expected),
      outcome.joins.once,
      outcome.joins.once === outcome.joins.expected,
    ],
    [
      'joins launched after a failed branch',
      '0',
      outcome.joins.unexpected,
      outcome.joins.unexpected === 0,
    ],
    ['stuck runs', '0', outcome.stuck.length, outcome.stuck.length === 0],
    [
      'most jobs active at once (the budget)',
      `≤ ${outcome.budget.limit}`,
      outcome.budget.peak,
      outcome.budget.peak <= outcome.budget.limit,
    ],
    [
      'launches beyond the budget (refused by the quota)',
      '0',
      outcome.budget.refusals,
      outcome.budget.refusals === 0,
    ],
    ['unhandled errors', '0', outcome.unhandled.length, outcome.unhandled.length === 0],
    ['crashes not caused by the test', '0', outcome.unexpectedExits, outcome.unexpectedExits === 0],
    ...(outcome.mix && outcome.mix.runs > 0 ? mixTargetRows(outcome.mix) : []),
  ];
}

/** relmix's targets: executions once per marker, callbacks applied once, SignOff published once. */
function mixTargetRows(mix: MixOutcome): [string, string, number, boolean][] {
  return [
    [
      'relmix: Cloud Run executions sharing a DFCHAIN_STEP marker',
      '0',
      mix.markerDups,
      mix.markerDups === 0,
    ],
    [
      'relmix: callback steps completed exactly once (runs signing off)',
      String(mix.signOffs),
      mix.callbackOnce,
      mix.callbackWrong.length === 0,
    ],
    [
      'relmix: callbacks rejected for a reason other than not_waiting',
      '0',
      mix.rejectedOther,
      mix.rejectedOther === 0,
    ],
    [
      'relmix: SignOff published twice+ in a run with no crash',
      '0',
      mix.republishedUncrashed.length,
      mix.republishedUncrashed.length === 0,
    ],
    ['relmix: workload publishes that failed', '0', mix.workloadErrors, mix.workloadErrors === 0],
  ];
}

/** relmix's figures without a target. */
function mixFigures(mix: MixOutcome): (string | number)[][] {
  return [
    ['relmix runs', '', mix.runs, ''],
    ['… Cloud Run executions started', '', mix.executions, ''],
    ['… … of items a failed item abandoned', '', mix.abandoned, ''],
    ['… … … of them cancelled through the API', '', mix.abandonedCancelled, ''],
    ['… … … still running when their run ended', '', mix.abandonedRunning, ''],
    ['… … … … of them ended CANCELLED', '', mix.abandonedRunningCancelled, ''],
    ['… SUCCEEDED callbacks sent (duplicates included)', '', mix.callbacksSent, ''],
    ['… heartbeats sent', '', mix.heartbeatsSent, ''],
    ['… callbacks rejected not_waiting', '', mix.rejectedNotWaiting, ''],
    ['… task.callback lines lost to a crash after the commit', '', mix.callbackLinesLost, ''],
    ['… runs whose SignOff published twice+ (after a crash)', '', mix.republished, ''],
  ];
}

/** Prints the scenario's tables: targets, terminal states, launches per state. */
export function printReport(
  title: string,
  seed: number,
  elapsedMs: number,
  outcome: Outcome,
  extras: readonly Extra[] = [],
): void {
  console.log(
    `\n[reliability] ${title}: ${outcome.runs} runs, seed ${seed}, ${(elapsedMs / 1000).toFixed(1)} s`,
  );
  printTable(
    ['check', 'target', 'actual', ''],
    [
      ...targetRows(outcome).map(([check, target, actual, ok]) => [
        check,
        target,
        actual,
        ok ? 'ok' : 'MISSED',
      ]),
      ...(outcome.abandoned.launched > 0
        ? [
            ['abandoned sibling jobs launched', '', outcome.abandoned.launched, ''],
            ['… launched after their run had ended', '', outcome.abandoned.late, ''],
            ['… still running when their run ended', '', outcome.abandoned.running, ''],
            ['… … of them cancelled through the API', '', outcome.abandoned.cancelled, ''],
            ['… still active, never cancelled', '', outcome.abandoned.active, ''],
          ]
        : []),
      ...(outcome.mix && outcome.mix.runs > 0 ? mixFigures(outcome.mix) : []),
      ...extras.map((e) => [
        e.check,
        e.target ?? '',
        e.actual,
        e.ok === undefined ? '' : e.ok ? 'ok' : 'MISSED',
      ]),
    ],
  );
  const expected = countBy(outcome.states.map((s) => s.expected));
  const actual = countBy(outcome.states.map((s) => s.actual));
  const names = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  console.log('');
  printTable(
    ['terminal state', 'expected', 'actual'],
    names.map((name) => [name, expected.get(name) ?? 0, actual.get(name) ?? 0]),
  );
  console.log('');
  printTable(
    ['state', 'launches expected', 'launches', 'runs launched twice+'],
    outcome.launches.map((l) => [l.state, l.expected, l.actual, l.dup]),
  );
}

/** Asserts every target, naming the runs and lines that missed one. */
export function assertTargets(
  outcome: Outcome,
  extras: readonly Extra[] = [],
  functionLines: readonly { readonly text: string }[] = [],
): void {
  const wrong = outcome.states.filter((s) => !s.right);
  // The story of the first wrong runs, so a failure explains itself without a replay.
  const story = wrong
    .slice(0, 3)
    .flatMap((s) => functionLines.filter((l) => l.text.includes(s.runId)).slice(-60))
    .map((l) => `  | ${l.text.slice(0, 400)}`);
  const missed = [
    ...targetRows(outcome)
      .filter(([, , , ok]) => !ok)
      .map(([check]) => check),
    ...extras.filter((e) => e.ok === false).map((e) => e.check),
  ];
  assert.deepEqual(
    missed,
    [],
    [
      `targets missed: ${missed.join('; ')}`,
      ...wrong
        .slice(0, 20)
        .map(
          (s) =>
            `  run ${s.runId}: expected ${s.expected}, got ${s.actual}${s.launchProblem ? `; ${s.launchProblem}` : ''}`,
        ),
      ...(outcome.mix?.callbackWrong ?? []).slice(0, 10).map((line) => `  callback: ${line}`),
      ...(outcome.mix?.republishedUncrashed ?? []).slice(0, 10).map((line) => `  publish: ${line}`),
      ...outcome.unhandled.slice(0, 10).map((line) => `  unhandled: ${line}`),
      ...story,
    ].join('\n'),
  );
}
