import { strict as assert } from 'node:assert';
import type { FunctionExit, FunctionLine } from '../../../src/local/function-process.js';
import { outcomeOf, waitForRunOutcome } from '../../../src/local/run-outcome.js';

const json = (fields: Record<string, unknown>): FunctionLine => ({
  json: fields,
  text: JSON.stringify(fields),
});

const REJECTED = json({
  severity: 'ERROR',
  event: 'message.rejected',
  message:
    'start: unknown chain "nosuchchain" (deployed chains: example); add nosuchchain.json (message 17 acknowledged; it will not be retried)',
});

/** A function process whose lines and exits the test feeds by hand. */
function fakeFunction() {
  const lines: FunctionLine[] = [];
  const exits: FunctionExit[] = [];
  const lineListeners = new Set<(line: FunctionLine) => void>();
  const exitListeners = new Set<(exit: FunctionExit) => void>();
  return {
    lines,
    exits,
    onLine: (listener: (line: FunctionLine) => void) => {
      lineListeners.add(listener);
      return () => lineListeners.delete(listener);
    },
    onExit: (listener: (exit: FunctionExit) => void) => {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    print(line: FunctionLine) {
      lines.push(line);
      for (const listener of [...lineListeners]) listener(line);
    },
    exit(exit: FunctionExit) {
      exits.push(exit);
      for (const listener of [...exitListeners]) listener(exit);
    },
    listeners: () => lineListeners.size + exitListeners.size,
  };
}

describe('local: run outcome (what npm start waits for)', () => {
  it("a run's end line ends it; another run's does not", () => {
    assert.deepEqual(outcomeOf(json({ event: 'run.succeeded', runId: 'r1' }), 'r1', '1'), {
      kind: 'ended',
      event: 'run.succeeded',
    });
    assert.deepEqual(outcomeOf(json({ event: 'run.failed', runId: 'r1' }), 'r1', '1'), {
      kind: 'ended',
      event: 'run.failed',
    });
    assert.equal(outcomeOf(json({ event: 'run.succeeded', runId: 'r2' }), 'r1', '1'), undefined);
    assert.equal(outcomeOf({ text: 'Serving function...' }, 'r1', '1'), undefined);
  });

  it('the rejection of its own message is the outcome, with the reason; that of message 1 is not that of 17', () => {
    assert.deepEqual(outcomeOf(REJECTED, 'r1', '17'), {
      kind: 'rejected',
      reason: REJECTED.json?.['message'],
    });
    assert.equal(outcomeOf(REJECTED, 'r1', '1'), undefined);
    const ignored = json({ event: 'message.ignored', message: 'ignored malformed message 17: x' });
    assert.equal(outcomeOf(ignored, 'r1', '17')?.kind, 'rejected');
  });

  it('sees a rejection logged before it began to wait', async () => {
    const fn = fakeFunction();
    fn.print(REJECTED);
    const outcome = await waitForRunOutcome(fn, 'r1', '17', 1000);
    assert.equal(outcome.kind, 'rejected');
  });

  it('ends when the function exits, with its last lines, and unsubscribes', async () => {
    const fn = fakeFunction();
    const waiting = waitForRunOutcome(fn, 'r1', '17', 5000);
    fn.print({ text: "Provided module can't be loaded." });
    fn.exit({ code: 1, signal: null, at: 0 });
    const outcome = await waiting;
    assert.equal(outcome.kind, 'function-exited');
    assert.ok(outcome.kind === 'function-exited' && outcome.output.includes("can't be loaded"));
    assert.equal(fn.listeners(), 0);
  });

  it('ends with the run, and rejects after the timeout when nothing happens', async () => {
    const fn = fakeFunction();
    const waiting = waitForRunOutcome(fn, 'r1', '17', 5000);
    fn.print(json({ event: 'run.succeeded', runId: 'r1' }));
    assert.deepEqual(await waiting, { kind: 'ended', event: 'run.succeeded' });
    await assert.rejects(
      waitForRunOutcome(fakeFunction(), 'r1', '17', 50),
      /run r1 did not end within 0.05 s.*dfchain status r1/,
    );
  });
});
