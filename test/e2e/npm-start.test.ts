import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// What `npm start` runs after its build: the built entry, as a user's shell or CI starts it.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/local/main.js');
const CLI = join(ROOT, 'dist/cli/main.js');

/** The test's environment without anything that would point the stack or the CLI elsewhere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(DFCHAIN_|GOOGLE_|GCLOUD_)|_EMULATOR_HOST$/.test(name)) continue;
    env[name] = value;
  }
  return { ...env, METADATA_SERVER_DETECTION: 'none' };
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** `node dist/local/main.js ARGS` in a child process, its stdout and stderr gathered in `output`. */
class NpmStart {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();

  constructor(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
    this.child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...cleanEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const waiter of [...this.waiters]) waiter();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Resolves with the first match of `pattern` in the output; rejects after `timeoutMs` or at exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.output}`));
      }, timeoutMs);
      void this.exited.then((exit) => {
        if (!this.waiters.has(check)) return;
        check();
        if (!this.waiters.has(check)) return;
        done();
        reject(
          new Error(`exited (${JSON.stringify(exit)}) before ${pattern}; output:\n${this.output}`),
        );
      });
      const done = () => {
        this.waiters.delete(check);
        clearTimeout(timer);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the exit; rejects when it takes over `timeoutMs`. */
  async exit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`still running after ${timeoutMs} ms; output:\n${this.output}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The process groups it reported starting ("… (process group N)"). */
  printedGroups(): number[] {
    return [...this.output.matchAll(/\(process group (\d+)\)/g)].map((m) => Number(m[1]));
  }
}

interface PsRow {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly zombie: boolean;
}

async function ps(): Promise<PsRow[]> {
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'pid=,ppid=,pgid=,stat=']);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, pgid, stat]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      zombie: (stat ?? '').startsWith('Z'),
    }));
}

/**
 * What `root` started, now: its descendants and their process groups, but for the group the
 * test itself runs in. Only these are checked afterwards: other suites run emulators here too.
 */
async function startedBy(root: number): Promise<{ pids: Set<number>; groups: Set<number> }> {
  const rows = await ps();
  const own = rows.find((row) => row.pid === process.pid)?.pgid;
  const pids = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if ((row.ppid === root || pids.has(row.ppid)) && !pids.has(row.pid)) {
        pids.add(row.pid);
        grew = true;
      }
    }
  }
  const groups = new Set(
    rows.filter((row) => pids.has(row.pid) && row.pgid !== own).map((row) => row.pgid),
  );
  return { pids, groups };
}

/** Live (non-zombie) processes among `pids` or in `groups`, after up to `withinMs` to go. */
async function leftOver(
  pids: ReadonlySet<number>,
  groups: ReadonlySet<number>,
  withinMs = 10_000,
): Promise<PsRow[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = (await ps()).filter(
      (row) => !row.zombie && (pids.has(row.pid) || groups.has(row.pgid)),
    );
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Processes listening on `host` (`127.0.0.1:PORT`) that were already running `beforeMs` ago:
 * a process that bound the port since is another suite's (it was free once ours stopped), not ours.
 */
async function oldListeners(host: string, beforeMs: number): Promise<string[]> {
  const port = host.split(':')[1] ?? '';
  const { stdout } = await promisify(execFile)('ss', ['-Hltnp', `sport = :${port}`]);
  const pids = [...stdout.matchAll(/pid=(\d+)/g)].map((m) => m[1]!);
  const old: string[] = [];
  for (const pid of new Set(pids)) {
    const { stdout: row } = await promisify(execFile)('ps', [
      '-o',
      'etimes=,args=',
      '-p',
      pid,
    ]).catch(() => ({ stdout: '' }));
    const seconds = Number(row.trim().split(/\s+/)[0]);
    if (row.trim() && seconds * 1000 >= beforeMs) old.push(`${pid}: ${row.trim()}`);
  }
  return old;
}

/** Stops a run a failed test left behind, by SIGTERM: its own handlers stop what it started. */
async function stopLeftover(run: NpmStart | undefined): Promise<void> {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGTERM');
  await run.exit(30_000).catch(() => undefined);
}

describe('npm start (node dist/local/main.js): the local loop stays up, and leaves nothing behind', function () {
  this.timeout(120_000);
  let run: NpmStart | undefined;

  before(() => {
    assert.ok(existsSync(MAIN) && existsSync(CLI), `${MAIN} is missing: run npm run build first`);
  });

  afterEach(async () => {
    await stopLeftover(run);
    run = undefined;
  });

  it('--chain landing: the mixed example chain (Flex Template, a Map of Cloud Run jobs over the landed files, a callback) runs to SUCCEEDED, and leaves nothing behind', async () => {
    run = new NpmStart(['--chain', 'landing']);
    await run.waitFor(/publishing start of chain "landing"/, 60_000);
    const started = await startedBy(run.child.pid!);
    for (const group of run.printedGroups()) started.groups.add(group);
    const exit = await run.exit(90_000);
    assert.equal(exit.code, 0, run.output);
    const output = run.output;
    assert.match(output, /items\.read .*: 3 item\(s\) from gs:\/\/dfchain-example\/landing\//);
    // One execution per CSV file, never the _SUCCESS marker the glob leaves out.
    const executions = [...output.matchAll(/convert-file-\S+ +SUCCEEDED +(\[.*\])/g)].map(
      (m) => (JSON.parse(m[1]!) as string[])[1],
    );
    assert.deepEqual(executions.sort(), [
      'gs://dfchain-example/landing/sales-apac.csv',
      'gs://dfchain-example/landing/sales-eu.csv',
      'gs://dfchain-example/landing/sales-us.csv',
    ]);
    assert.match(
      output,
      /task\.callback +run landing-\S+ state SignOff: the workload called back SUCCEEDED/,
    );
    assert.match(
      output,
      /landing-publish-\S+ +JOB_STATE_DONE +\{"date":"[^"]+","approvedBy":"npm start/,
    );
    assert.match(output, /run landing-\S+: SUCCEEDED/);
    assert.deepEqual(await leftOver(started.pids, started.groups), []);
  });

  it('the hang: --chain nosuchchain exits 1 within 60 s with the reason the function refused it, and stops all', async () => {
    run = new NpmStart(['--chain', 'nosuchchain']);
    const exit = await run.exit(60_000);
    assert.equal(exit.code, 1, run.output);
    assert.match(
      run.output,
      /the function refused the start of run nosuchchain-\S+: .*unknown chain "nosuchchain"/,
    );
    const groups = run.printedGroups();
    assert.ok(groups.length >= 1, `it reported the process groups it started:\n${run.output}`);
    assert.deepEqual(await leftOver(new Set(), new Set(groups)), []);
  });

  it('the SIGTERM leak: SIGTERM while the run is under way exits 143 and stops both emulators and the function', async () => {
    run = new NpmStart([]);
    await run.waitFor(/publishing start of chain "example"/, 60_000);
    await run.waitFor(/run\.started/, 30_000);
    const started = await startedBy(run.child.pid!);
    const hosts = [...run.output.matchAll(/emulator on (127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
    const fnHost = run.output.match(/serving dfchain on http:\/\/(127\.0\.0\.1:\d+)/)?.[1];
    assert.ok(fnHost, run.output);
    for (const group of run.printedGroups()) started.groups.add(group);
    assert.ok(started.groups.size >= 1, 'it started process groups of its own');
    const signalled = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.exit(30_000);
    assert.deepEqual(exit, { code: 143, signal: null }, run.output);
    assert.deepEqual(await leftOver(started.pids, started.groups), []);
    // No process that was up before the SIGTERM holds a port it printed (2 s: ps counts whole seconds).
    for (const host of [...hosts, fnHost]) {
      assert.deepEqual(await oldListeners(host, Date.now() - signalled + 2000), [], host);
    }
  });

  it('the SIGTERM leak, while the emulators are still starting: exits 143 and leaves none of them', async () => {
    run = new NpmStart([]);
    await run.waitFor(/starting the local stack/, 20_000);
    // gcloud is up by now, its Java being started: the stop must find what is not ready yet.
    let started = await startedBy(run.child.pid!);
    const deadline = Date.now() + 10_000;
    while (started.groups.size < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      started = await startedBy(run.child.pid!);
    }
    assert.ok(started.groups.size >= 2, `both emulators were being started:\n${run.output}`);
    assert.doesNotMatch(run.output, /serving dfchain/, 'SIGTERM came before the stack was up');
    run.child.kill('SIGTERM');
    const exit = await run.exit(30_000);
    assert.deepEqual(exit, { code: 143, signal: null }, run.output);
    assert.deepEqual(await leftOver(started.pids, started.groups), []);
  });

  it('one bad chain: a folder with one invalid file exits 1 naming it and its problems, before any process starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-start-chains-'));
    try {
      copyFileSync(join(ROOT, 'dag/example.json'), join(dir, 'example.json'));
      writeFileSync(
        join(dir, 'broken.json'),
        JSON.stringify({ StartAt: 'Missing', States: { Only: { Type: 'Succeed' } } }),
      );
      const started = Date.now();
      run = new NpmStart(['--chains-dir', dir]);
      const exit = await run.exit(20_000);
      assert.equal(exit.code, 1, run.output);
      // The `FILE: JSON.PATH: message` lines of dfchain validate, for the bad file only.
      const problems = run.output.split('\n').filter((line) => line.startsWith(`${dir}/`));
      assert.ok(problems.length >= 1, run.output);
      for (const line of problems) assert.match(line, /\/broken\.json: \S+: .+/);
      assert.match(run.output, /1 invalid chain file in .*broken\.json.*nothing was started/);
      assert.doesNotMatch(run.output, /starting the local stack|emulator on|Provided module/);
      assert.ok(Date.now() - started < 10_000, 'it stopped before starting any emulator');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--keep: the printed export lines let dfchain start and status drive the stack; SIGINT then stops all', async () => {
    run = new NpmStart(['--keep', '--input', '{"date":"2026-11-21"}']);
    await run.waitFor(/run example-\S+: SUCCEEDED/, 90_000);
    const startLine = (await run.waitFor(/^npx dfchain start .*$/m, 10_000))[0];
    const exports = run.output.split('\n').filter((line) => line.startsWith('export '));
    const names = exports.map((line) => line.slice('export '.length).split('=')[0]);
    assert.deepEqual(names, [
      'GOOGLE_CLOUD_PROJECT',
      'PUBSUB_EMULATOR_HOST',
      'FIRESTORE_EMULATOR_HOST',
      'DFCHAIN_STORE',
      'DFCHAIN_CHAINS_DIR',
      'DFCHAIN_TOPIC',
      'DFCHAIN_DATAFLOW_ROOT_URL',
      'DFCHAIN_RUN_ROOT_URL',
      'DFCHAIN_LOGGING_ROOT_URL',
      'STORAGE_EMULATOR_HOST',
      'METADATA_SERVER_DETECTION',
    ]);
    const started = await startedBy(run.child.pid!);
    for (const group of run.printedGroups()) started.groups.add(group);
    // The lines as printed, pasted into a shell: `npx dfchain` is the built CLI.
    const runId = startLine.match(/--run-id (\S+)/)?.[1];
    assert.ok(runId, startLine);
    const shell = (command: string) =>
      promisify(execFile)('sh', ['-c', `${exports.join('\n')}\n${command}`], {
        cwd: ROOT,
        env: cleanEnv(),
      });
    const published = await shell(startLine.replace(/^npx dfchain /, `node ${CLI} `));
    assert.match(published.stdout, new RegExp(`follow it: dfchain status ${runId}`));
    await run.waitFor(new RegExp(`run ${runId} of chain example succeeded`), 60_000);
    const status = await shell(`node ${CLI} status ${runId} --json`);
    const view = JSON.parse(status.stdout) as { id: string; status: string; steps: unknown[] };
    assert.equal(view.id, runId);
    assert.equal(view.status, 'SUCCEEDED');
    assert.equal(view.steps.length, 3);
    const logs = await shell(`node ${CLI} logs ${runId}`);
    assert.match(logs.stdout, /run\.started/);
    assert.match(logs.stdout, /run\.succeeded/);
    run.child.kill('SIGINT');
    const exit = await run.exit(30_000);
    assert.deepEqual(exit, { code: 130, signal: null }, run.output);
    assert.deepEqual(await leftOver(started.pids, started.groups), []);
  });

  it('--console: the run console listens before the run starts, its API shows the run SUCCEEDED, and SIGTERM stops it with the rest', async () => {
    // xdg-open runs $BROWSER when no desktop answers: `true` stands in for the browser it opens.
    run = new NpmStart(['--console', '--input', '{"date":"2026-11-21"}'], { BROWSER: 'true' });
    const [, url, page] = await run.waitFor(
      /the run console is on (\S+); this run's page: (\S+)/,
      90_000,
    );
    assert.match(url!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const runId = page!.split('/runs/')[1];
    await run.waitFor(/run example-\S+: SUCCEEDED/, 90_000);
    const publishing = run.output.indexOf('publishing start');
    assert.ok(publishing > run.output.indexOf("this run's page"), 'the console was up first');
    const res = await fetch(new URL(`/api/runs/${runId}`, url));
    const answer = (await res.json()) as {
      run: { status: string; steps: unknown[] };
      actions: { allowed: boolean };
    };
    assert.equal(answer.run.status, 'SUCCEEDED');
    assert.equal(answer.run.steps.length, 3);
    assert.equal(answer.actions.allowed, true);
    const started = await startedBy(run.child.pid!);
    for (const group of run.printedGroups()) started.groups.add(group);
    run.child.kill('SIGTERM');
    const exit = await run.exit(30_000);
    assert.deepEqual(exit, { code: 143, signal: null }, run.output);
    assert.deepEqual(await leftOver(started.pids, started.groups), []);
    await assert.rejects(fetch(url!), 'nothing listens on the console port any more');
  });
});
