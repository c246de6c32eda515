import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chainProblems } from '../../../src/chain/validate.js';
import { decodeCommand } from '../../../src/events/command.js';
import type { Signal } from '../../../src/events/signal.js';
import type { UnknownObject } from '../../../src/json.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/callback/', import.meta.url));
const WORKER = join(EXAMPLES, 'worker.sh');
const STARTUP = join(EXAMPLES, 'startup-script.sh');

/** A `gcloud` that records each call's arguments (NUL-separated, one file per call, in order). */
const FAKE_GCLOUD = `#!/usr/bin/env bash
printf '%s\\0' "$@" > "$FAKE_DIR/calls/$(date +%s%N)-$$"
exit "\${FAKE_GCLOUD_EXIT:-0}"
`;

/** A metadata-server \`curl\`: serves $FAKE_DIR/metadata/PATH for the URL's path, 22 (curl -f) when absent. */
const FAKE_CURL = `#!/usr/bin/env bash
for arg; do url=$arg; done
[[ " $* " == *" Metadata-Flavor: Google "* ]] || { echo 'no Metadata-Flavor header' >&2; exit 22; }
file="$FAKE_DIR/metadata/\${url#http://metadata.google.internal/computeMetadata/v1/}"
[[ -f $file ]] || exit 22
cat "$file"
`;

interface Ran {
  readonly code: number | null;
  readonly stderr: string;
  /** The arguments of each gcloud call, in order. */
  readonly calls: string[][];
}

let dir: string;

function install(name: string, text: string): void {
  writeFileSync(join(dir, 'bin', name), text);
  chmodSync(join(dir, 'bin', name), 0o755);
}

function calls(): string[][] {
  const folder = join(dir, 'calls');
  return readdirSync(folder)
    .sort()
    .map((file) => readFileSync(join(folder, file), 'utf8').split('\0').slice(0, -1));
}

/** Runs `script args` with the fakes first on PATH; `started` runs once it is spawned. */
function run(
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  started?: (pid: number) => void,
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, {
      env: {
        PATH: `${join(dir, 'bin')}:${process.env['PATH'] ?? ''}`,
        FAKE_DIR: dir,
        TMPDIR: dir,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, calls: calls() }));
    if (child.pid !== undefined) started?.(child.pid);
  });
}

/** The `--message=` of a gcloud call, through dfchain's own command decoder. */
function decoded(call: readonly string[] | undefined): Signal {
  assert.ok(call, 'a gcloud call');
  assert.deepEqual(call.slice(0, 3), ['pubsub', 'topics', 'publish']);
  const message = call.find((arg) => arg.startsWith('--message='));
  assert.ok(message, `a --message in ${JSON.stringify(call)}`);
  return decodeCommand(JSON.parse(message.slice('--message='.length)) as UnknownObject);
}

const TOKEN = 'dfct1.cnVu.c3RlcA.' + 'x'.repeat(43);

describe('examples/callback/worker.sh', function () {
  this.timeout(20_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-worker-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'calls'));
    install('gcloud', FAKE_GCLOUD);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid bash', () => {
    execFileSync('bash', ['-n', WORKER]);
    execFileSync('bash', ['-n', STARTUP]);
  });

  it('exit 0: publishes one SUCCEEDED callback with the JSON the command wrote to DFCHAIN_OUTPUT', async () => {
    const ok = await run(
      WORKER,
      [
        '--topic',
        'projects/p/topics/dfchain-events',
        '--heartbeat',
        '0',
        '--',
        'bash',
        '-c',
        'echo \'{"rows": 3, "file": "gs://b/o"}\' > "$DFCHAIN_OUTPUT"; [ -z "${DFCHAIN_TOKEN-}" ]',
      ],
      { DFCHAIN_TOKEN: TOKEN },
    );
    assert.equal(ok.code, 0, ok.stderr);
    const last = ok.calls.at(-1);
    assert.equal(last?.[3], 'projects/p/topics/dfchain-events');
    assert.deepEqual(decoded(last), {
      kind: 'callback',
      token: TOKEN,
      outcome: { status: 'SUCCEEDED', output: { rows: 3, file: 'gs://b/o' } },
    });
  });

  it('nothing written to DFCHAIN_OUTPUT: the output is {}; --token and --project are passed on', async () => {
    const ran = await run(WORKER, [
      '--token',
      TOKEN,
      '--project',
      'proj',
      '--heartbeat',
      '0',
      '--',
      'true',
    ]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.calls.length, 1);
    assert.equal(ran.calls[0]?.[3], 'dfchain-events');
    assert.equal(ran.calls[0]?.at(-1), '--project=proj');
    assert.deepEqual(decoded(ran.calls[0]), {
      kind: 'callback',
      token: TOKEN,
      outcome: { status: 'SUCCEEDED', output: {} },
    });
  });

  it('a failing command: FAILED with its error name and a cause holding its exit status and stderr (quotes, newlines, control characters escaped)', async () => {
    const stderr =
      'no input "in/2026-11-30.csv"\n\ttab \\ backslash \u0001 bell\u0007 \u00e9t\u00e9';
    const ran = await run(
      WORKER,
      [
        '--heartbeat',
        '0',
        '--',
        'bash',
        '-c',
        'printf "%s\\n" "$MSG" >&2; echo Extract.NoInput > "$DFCHAIN_ERROR"; exit 3',
      ],
      { DFCHAIN_TOKEN: TOKEN, MSG: stderr },
    );
    assert.equal(ran.code, 3);
    assert.ok(ran.stderr.includes(stderr), 'stderr still reaches the terminal');
    assert.deepEqual(decoded(ran.calls.at(-1)), {
      kind: 'callback',
      token: TOKEN,
      outcome: {
        status: 'FAILED',
        error: 'Extract.NoInput',
        cause: `bash exited with status 3; the end of its stderr:\n${stderr}`,
      },
    });
  });

  it('a token with quotes, backslashes and newlines comes back exactly; no error name: Worker.Failed', async () => {
    const token = 'a"b\\c\nd\re\u001ff';
    const ran = await run(WORKER, ['--heartbeat', '0', '--', 'false'], { DFCHAIN_TOKEN: token });
    assert.equal(ran.code, 1);
    const signal = decoded(ran.calls.at(-1));
    assert.deepEqual(signal, {
      kind: 'callback',
      token,
      outcome: {
        status: 'FAILED',
        error: 'Worker.Failed',
        cause: 'false exited with status 1; the end of its stderr:\n',
      },
    });
  });

  it('sends heartbeats every --heartbeat seconds while the command runs, then the callback', async () => {
    const ran = await run(WORKER, ['--heartbeat', '0.2', '--', 'sleep', '1.1'], {
      DFCHAIN_TOKEN: TOKEN,
    });
    assert.equal(ran.code, 0, ran.stderr);
    const signals = ran.calls.map((call) => decoded(call));
    const beats = signals.slice(0, -1);
    assert.ok(beats.length >= 3 && beats.length <= 6, `${beats.length} heartbeats in 1.1 s`);
    for (const beat of beats) assert.deepEqual(beat, { kind: 'heartbeat', token: TOKEN });
    assert.equal(signals.at(-1)?.kind, 'callback');
  });

  it('output that is not one JSON value: FAILED Worker.InvalidOutput instead of a callback dfchain would refuse', async () => {
    const validator = ['jq', 'python3'].some(
      (tool) => execFileSync('bash', ['-c', `command -v ${tool} || true`]).toString() !== '',
    );
    assert.ok(
      validator,
      'this test needs jq or python3 on PATH (worker.sh checks OUTPUT with them)',
    );
    const ran = await run(
      WORKER,
      ['--heartbeat', '0', '--', 'bash', '-c', 'echo "{rows: 3" > "$DFCHAIN_OUTPUT"'],
      { DFCHAIN_TOKEN: TOKEN },
    );
    assert.equal(ran.code, 1);
    const signal = decoded(ran.calls.at(-1));
    assert.equal(signal.kind, 'callback');
    assert.deepEqual(signal.kind === 'callback' && signal.outcome, {
      status: 'FAILED',
      error: 'Worker.InvalidOutput',
      cause: 'DFCHAIN_OUTPUT is not one JSON value: {rows: 3',
    });
  });

  it('SIGTERM (the VM stops): the command is stopped and FAILED Worker.Interrupted is sent', async () => {
    const begun = join(dir, 'begun');
    let worker = 0;
    const running = run(
      WORKER,
      ['--heartbeat', '0', '--', 'bash', '-c', `touch ${begun}; sleep 30`],
      { DFCHAIN_TOKEN: TOKEN },
      (pid) => (worker = pid),
    );
    const deadline = Date.now() + 5_000;
    while (!existsSync(begun) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    process.kill(worker, 'SIGTERM');
    const ran = await running;
    assert.equal(ran.code, 143);
    const signal = decoded(ran.calls.at(-1));
    assert.deepEqual(
      signal.kind === 'callback' && signal.outcome.status === 'FAILED' && signal.outcome.error,
      'Worker.Interrupted',
    );
  });

  it('gcloud keeps failing: tries DFCHAIN_PUBLISH_ATTEMPTS times, then exits 70', async () => {
    const ran = await run(WORKER, ['--heartbeat', '0', '--', 'true'], {
      DFCHAIN_TOKEN: TOKEN,
      FAKE_GCLOUD_EXIT: '1',
      DFCHAIN_PUBLISH_ATTEMPTS: '3',
      DFCHAIN_PUBLISH_RETRY_SECONDS: '0',
    });
    assert.equal(ran.code, 70);
    assert.equal(ran.calls.length, 3);
    assert.match(ran.stderr, /the callback could not be sent to dfchain-events/);
  });

  it('no token or no command: usage error 64, nothing published', async () => {
    const noToken = await run(WORKER, ['--', 'true']);
    assert.equal(noToken.code, 64);
    assert.match(noToken.stderr, /no token: pass --token or set DFCHAIN_TOKEN/);
    const noCommand = await run(WORKER, ['--token', TOKEN]);
    assert.equal(noCommand.code, 64);
    assert.deepEqual([...noToken.calls, ...noCommand.calls], []);
  });
});

describe('examples/callback/startup-script.sh', function () {
  this.timeout(20_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-startup-'));
    for (const sub of ['bin', 'calls', 'metadata/instance/attributes'])
      mkdirSync(join(dir, sub), { recursive: true });
    install('gcloud', FAKE_GCLOUD);
    install('curl', FAKE_CURL);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function metadata(values: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(values))
      writeFileSync(join(dir, 'metadata', key), value);
  }

  const attributes = (job: string) => ({
    'instance/attributes/dfchain-token': TOKEN,
    'instance/attributes/dfchain-topic': 'projects/p/topics/events',
    'instance/attributes/dfchain-worker': readFileSync(WORKER, 'utf8'),
    'instance/attributes/dfchain-job': job,
    'instance/name': 'worker-1',
    'instance/zone': 'projects/123456/zones/europe-west4-a',
  });

  it('runs the job from metadata through worker.sh, reports back, runs it once per token, and deletes the VM when asked', async () => {
    metadata({
      ...attributes('echo \'{"done": true}\' > "$DFCHAIN_OUTPUT"'),
      'instance/attributes/dfchain-heartbeat-seconds': '0',
      'instance/attributes/dfchain-when-done': 'delete',
    });
    const env = { DFCHAIN_STATE_DIR: join(dir, 'state') };
    const ran = await run(STARTUP, [], env);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.calls.length, 2);
    assert.equal(ran.calls[0]?.[3], 'projects/p/topics/events');
    assert.deepEqual(decoded(ran.calls[0]), {
      kind: 'callback',
      token: TOKEN,
      outcome: { status: 'SUCCEEDED', output: { done: true } },
    });
    assert.deepEqual(ran.calls[1], [
      'compute',
      'instances',
      'delete',
      'worker-1',
      '--zone=europe-west4-a',
      '--quiet',
    ]);

    // The next boot runs the startup script again: the job does not run again.
    const again = await run(STARTUP, [], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /this token's job already ran/);
    assert.equal(again.calls.filter((call) => call[0] === 'pubsub').length, 1);
  });

  it('without a token attribute: exits 64 and publishes nothing', async () => {
    const { 'instance/attributes/dfchain-token': _token, ...rest } = attributes('true');
    metadata(rest);
    const ran = await run(STARTUP, [], { DFCHAIN_STATE_DIR: join(dir, 'state') });
    assert.equal(ran.code, 64);
    assert.match(ran.stderr, /the VM has no metadata attribute dfchain-token/);
    assert.deepEqual(ran.calls, []);
  });
});

describe('examples/callback/reconcile.json', () => {
  it('is a valid chain whose waiting Task hands $$.Task.Token to its workload', () => {
    const chain = JSON.parse(readFileSync(join(EXAMPLES, 'reconcile.json'), 'utf8')) as unknown;
    assert.deepEqual(chainProblems(chain, { paths: true }), []);
    const reconcile = (chain as { States: Record<string, Record<string, unknown>> }).States[
      'Reconcile'
    ];
    assert.equal(reconcile?.['Resource'], 'pubsub:publish.waitForTaskToken');
    assert.deepEqual((reconcile?.['Parameters'] as { data: unknown }).data, {
      'token.$': '$$.Task.Token',
      'day.$': '$$.Execution.Input.day',
      'exportJob.$': '$.export.jobName',
    });
  });
});
