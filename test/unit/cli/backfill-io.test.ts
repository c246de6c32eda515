import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { processBackfillIo } from '../../../src/cli/backfill-io.js';

/** A process stand-in: an emitter with a stderr that records what is written. */
function fakeProcess(isTTY: boolean) {
  const written: string[] = [];
  const emitter = new EventEmitter();
  return {
    written,
    emitter,
    proc: Object.assign(emitter, { stderr: { isTTY, write: (t: string) => written.push(t) } }),
  };
}

describe('processBackfillIo', () => {
  it('aborts on SIGINT and stops listening once disposed', () => {
    const { proc, emitter } = fakeProcess(false);
    const io = processBackfillIo(proc);
    assert.equal(io.tty, undefined);
    assert.equal(io.signal?.aborted, false);
    emitter.emit('SIGINT');
    assert.equal(io.signal?.aborted, true);
    const again = processBackfillIo(proc);
    again.dispose();
    assert.equal(emitter.listenerCount('SIGINT'), 0);
  });

  it('draws on stderr only when it is a terminal', () => {
    const { proc, written } = fakeProcess(true);
    const io = processBackfillIo(proc);
    io.tty?.write('bar');
    assert.deepEqual(written, ['bar']);
    io.dispose();
  });
});
