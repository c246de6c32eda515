import { strict as assert } from 'node:assert';
import { followRun, type FollowOptions } from '../../../src/cli/follow-run.js';
import { styleFor } from '../../../src/cli/follow-terminal.js';
import { watchStatus } from '../../../src/cli/watch.js';
import type { Run, Step } from '../../../src/engine/run.js';
import type { RunStore } from '../../../src/store/port.js';
import { emptyRun } from '../../fixtures/runs.js';

const ENDPOINT = { service: 'firestore', emulator: '127.0.0.1:8080' } as const;

function step(overrides: Partial<Step> = {}): Step {
  return {
    state: 'Ingest',
    attempt: 1,
    jobName: 'ingest-0123456789ab',
    projectId: 'p',
    location: 'europe-west4',
    request: { launchParameter: { jobName: 'ingest-0123456789ab' } },
    status: 'LAUNCHED',
    intendedAt: '2026-11-22T10:00:01.000Z',
    launchedAt: '2026-11-22T10:00:05.000Z',
    jobId: 'j1',
    ...overrides,
  };
}

/** The run in Ingest, its job launched. */
const running: Run = {
  ...emptyRun(),
  steps: { [step().jobName]: step() },
  frames: {
    '': {
      state: 'Ingest',
      input: {},
      enteredTime: '2026-11-22T10:00:01.000Z',
      visit: 1,
      attempt: 1,
      wait: 'job',
      jobName: 'ingest-0123456789ab',
    },
  },
};

function ended(status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED'): { run: Run; history: Step[] } {
  return {
    run: { ...emptyRun(), status, endTime: '2026-11-22T10:02:01.000Z', steps: {} },
    history: [
      step({
        status: status === 'FAILED' ? 'FAILED' : 'SUCCEEDED',
        endedAt: '2026-11-22T10:02:00.000Z',
        jobState: status === 'FAILED' ? 'JOB_STATE_FAILED' : 'JOB_STATE_DONE',
      }),
    ],
  };
}

/** A store whose reads of run r1 return the next of `reads` each time (the last one after). */
function scripted(reads: readonly { run?: Run; history?: Step[] }[]): RunStore & { gets: number } {
  let i = -1;
  const current = () => reads[Math.min(i, reads.length - 1)] ?? {};
  const store = {
    gets: 0,
    get: (): Promise<Run | undefined> => {
      i += 1;
      store.gets += 1;
      return Promise.resolve(current().run);
    },
    parts: () => Promise.resolve([]),
    history: () => Promise.resolve(current().history ?? []),
    slots: () => Promise.resolve([]),
    waiters: () => Promise.resolve([]),
    placeInLine: () => Promise.resolve(0),
    getDefinition: () => Promise.resolve(undefined),
  };
  return store as unknown as RunStore & { gets: number };
}

function printed() {
  const out: string[] = [];
  const err: string[] = [];
  const screen: string[] = [];
  const sleeps: number[] = [];
  return {
    out,
    err,
    screen,
    sleeps,
    io: {
      screen: { write: (t: string) => void screen.push(t), columns: () => 200 },
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      sleep: (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  };
}

function options(p: ReturnType<typeof printed>, tty = false): FollowOptions {
  return {
    runId: 'r1',
    command: 'start',
    style: styleFor(tty, false, {}),
    endpoint: ENDPOINT,
    projectId: 'p',
    sleep: p.io.sleep,
    now: () => new Date('2026-11-22T10:00:30.000Z'),
  };
}

describe('follow-run: dfchain start --follow', () => {
  it('not a terminal: prints each change once, polls every second, exits 0 when it SUCCEEDED', async () => {
    const p = printed();
    const store = scripted([{}, { run: running }, { run: running }, ended('SUCCEEDED')]);
    const code = await followRun(store, options(p), p.io.screen, p.io.out, p.io.err);
    assert.equal(code, 0);
    assert.deepEqual(p.out, [
      'following run r1 of chain daily (Ctrl-C stops following, not the run)',
      '10:00:01  entered Ingest',
      '10:00:05  job ingest-0123456789ab (Ingest) launched as j1 in europe-west4',
      '10:02:00  job ingest-0123456789ab (Ingest) SUCCEEDED after 1m 55s [JOB_STATE_DONE]',
      '10:02:01  run r1 SUCCEEDED after 2m 01s',
    ]);
    assert.deepEqual(p.sleeps, [1000, 1000, 1000]);
    assert.deepEqual(p.screen, []);
    assert.deepEqual(p.err, []);
  });

  it('exits 2 when the run FAILED and 3 when it was CANCELLED', async () => {
    for (const [status, code] of [
      ['FAILED', 2],
      ['CANCELLED', 3],
    ] as const) {
      const p = printed();
      const got = await followRun(
        scripted([ended(status)]),
        options(p),
        p.io.screen,
        p.io.out,
        p.io.err,
      );
      assert.equal(got, code, status);
      assert.match(p.out.at(-1) ?? '', new RegExp(`run r1 ${status} after 2m 01s`));
    }
  });

  it('on a terminal: a live line with a spinner redrawn in place, the events in colour above it', async () => {
    const p = printed();
    const code = await followRun(
      scripted([{ run: running }, ended('SUCCEEDED')]),
      options(p, true),
      p.io.screen,
      p.io.out,
      p.io.err,
    );
    assert.equal(code, 0);
    assert.deepEqual(p.out, []);
    const text = p.screen.join('');
    assert.match(text, /⠋ r1 running 30s · Ingest job 29s\n/);
    assert.ok(text.includes('\x1b[1A\x1b[0J'), 'the live line erased');
    assert.ok(text.endsWith('\x1b[32mrun r1 SUCCEEDED after 2m 01s\x1b[0m\n'), text);
  });

  it('a run that never appears: one line, exit 1, after appearWithinMs', async () => {
    const p = printed();
    let now = Date.parse('2026-11-22T10:00:00.000Z');
    const code = await followRun(
      scripted([{}]),
      {
        ...options(p),
        appearWithinMs: 3000,
        now: () => new Date(now),
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
      },
      p.io.screen,
      p.io.out,
      p.io.err,
    );
    assert.equal(code, 1);
    assert.deepEqual(p.err, [
      'dfchain start: run r1 is not in the store 3 s after its start was published: the function has not started it (dfchain logs r1 shows why)',
    ]);
  });

  it('a store that fails: its failure line, exit 1', async () => {
    const p = printed();
    const store = scripted([]);
    store.get = () => Promise.reject(Object.assign(new Error('down'), { code: 14 }));
    const code = await followRun(store, options(p), p.io.screen, p.io.out, p.io.err);
    assert.equal(code, 1);
    assert.equal(p.err.length, 1);
    assert.match(
      p.err[0] ?? '',
      /^dfchain start: cannot reach the Firestore emulator at 127\.0\.0\.1:8080/,
    );
  });
});

describe('watch: dfchain status --watch', () => {
  const watch = (p: ReturnType<typeof printed>, tty: boolean, json = false) => ({
    runId: 'r1',
    json,
    graph: false,
    style: styleFor(tty, json, {}),
    endpoint: ENDPOINT,
    projectId: 'p',
    sleep: p.io.sleep,
  });

  it('not a terminal: prints the status again only when it changed; exit as status when it ends', async () => {
    const p = printed();
    const store = scripted([{ run: running }, { run: running }, ended('FAILED')]);
    const code = await watchStatus(store, watch(p, false), p.io.screen, p.io.out, p.io.err);
    assert.equal(code, 2);
    assert.deepEqual(p.sleeps, [2000, 2000]);
    const headers = p.out.filter((line) => line.startsWith('run r1  chain daily'));
    assert.equal(headers.length, 2, p.out.join('\n'));
    assert.match(headers[0] ?? '', /RUNNING/);
    assert.match(headers[1] ?? '', /FAILED/);
    assert.equal(p.out[p.out.indexOf(headers[1] ?? '') - 1], '');
  });

  it('--json: one object per change', async () => {
    const p = printed();
    const store = scripted([{ run: running }, { run: running }, ended('SUCCEEDED')]);
    const code = await watchStatus(store, watch(p, false, true), p.io.screen, p.io.out, p.io.err);
    assert.equal(code, 0);
    assert.deepEqual(
      p.out.map((line) => (JSON.parse(line) as { status: string }).status),
      ['RUNNING', 'SUCCEEDED'],
    );
  });

  it('on a terminal: redrawn in place with a spinner, the last render left on screen', async () => {
    const p = printed();
    const store = scripted([{ run: running }, ended('CANCELLED')]);
    const code = await watchStatus(store, watch(p, true), p.io.screen, p.io.out, p.io.err);
    assert.equal(code, 0);
    const text = p.screen.join('');
    const spinner = '⠋ watching: every 2 s until the run ends (Ctrl-C stops)\n';
    // Everything drawn up to the spinner's line (no line wraps in 200 columns) is erased.
    const first = text.slice(0, text.indexOf(spinner) + spinner.length);
    const rows = first.split('\n').length - 1;
    assert.ok(text.startsWith(`${first}\x1b[${rows}A\x1b[0J`), text);
    assert.match(text, /run r1 {2}chain daily {2}CANCELLED[^\n]*\n[\s\S]*$/);
    assert.doesNotMatch(text.slice(text.lastIndexOf('CANCELLED')), /watching/);
  });

  it('on a terminal too short for the render: printed again when it changed, not redrawn', async () => {
    const p = printed();
    const store = scripted([{ run: running }, { run: running }, ended('SUCCEEDED')]);
    const screen = { ...p.io.screen, rows: () => 5 };
    const code = await watchStatus(store, watch(p, true), screen, p.io.out, p.io.err);
    assert.equal(code, 0);
    assert.deepEqual(p.screen, []);
    const headers = p.out.filter((line) => line.startsWith('run r1  chain daily'));
    assert.equal(headers.length, 2, p.out.join('\n'));
  });

  it('no such run: status says so, exit 1 at once', async () => {
    const p = printed();
    const code = await watchStatus(
      scripted([{}]),
      watch(p, false),
      p.io.screen,
      p.io.out,
      p.io.err,
    );
    assert.equal(code, 1);
    assert.equal(p.err.length, 1);
    assert.deepEqual(p.sleeps, []);
  });
});
