import { strict as assert } from 'node:assert';
import type { ServerResponse } from 'node:http';
import sinon from 'sinon';
import {
  LIVE_TIMING,
  serveLive,
  type LiveRead,
  type LiveWatch,
} from '../../../src/console/live.js';
import { problem, type Answered } from '../../../src/console/problems.js';
import type { Run } from '../../../src/engine/run.js';
import { emptyRun } from '../../fixtures/runs.js';
import { NOW } from './kit.js';

/** What the page got: the stream's chunks in order. */
interface Stream {
  readonly res: ServerResponse;
  readonly chunks: string[];
  readonly head: sinon.SinonStub;
}

function stream(): Stream {
  const chunks: string[] = [];
  const head = sinon.stub();
  const res = {
    writeHead: head,
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
  } as unknown as ServerResponse;
  return { res, chunks, head };
}

/** The events after the opening `retry:` line, comments (keep-alives) included. */
function events(s: Stream): string[] {
  return s.chunks.slice(1);
}

/** A watch that keeps the view's callbacks and counts unsubscriptions. */
function fakeWatch() {
  const state = { onChange: (): void => undefined, watched: 0, unwatched: 0 };
  const watch = (onChange: () => void) => {
    state.onChange = onChange;
    state.watched++;
    return () => {
      state.unwatched++;
    };
  };
  return { state, watch };
}

/** A read answering whatever `current` holds when called. */
function reader(initial: { readonly payload: unknown } | Answered) {
  const holder = { current: initial };
  const read = sinon.spy((() => Promise.resolve(holder.current)) as LiveRead);
  return { holder, read };
}

describe('console live: serveLive', () => {
  let clock: sinon.SinonFakeTimers;
  let stops: (() => void)[];

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: NOW });
    stops = [];
  });
  afterEach(() => {
    for (const stop of stops) stop();
    clock.restore();
    sinon.restore();
  });

  function serve(read: LiveRead, s = stream(), watch: LiveWatch = fakeWatch().watch) {
    const stop = serveLive(s.res, read, watch, LIVE_TIMING);
    stops.push(stop);
    return stop;
  }

  it('opens an event stream and sends the first payload at once', async () => {
    const s = stream();
    const { read } = reader({ payload: { n: 1 } });
    serve(read, s);
    await clock.tickAsync(0);
    sinon.assert.calledOnceWithMatch(s.head, 200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
    });
    assert.deepEqual(s.chunks, [`retry: ${LIVE_TIMING.retryMs}\n\n`, 'data: {"n":1}\n\n']);
    sinon.assert.calledOnce(read);
  });

  it('a change reads once more and sends the new payload', async () => {
    const s = stream();
    const { holder, read } = reader({ payload: { n: 1 } });
    const { state, watch } = fakeWatch();
    serve(read, s, watch);
    await clock.tickAsync(1000);
    holder.current = { payload: { n: 2 } };
    state.onChange();
    await clock.tickAsync(0);
    sinon.assert.calledTwice(read);
    assert.deepEqual(events(s), ['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
  });

  it(`changes within gapMs (${LIVE_TIMING.gapMs} ms) are read once`, async () => {
    const s = stream();
    const { holder, read } = reader({ payload: { n: 1 } });
    const { state, watch } = fakeWatch();
    serve(read, s, watch);
    await clock.tickAsync(10);
    holder.current = { payload: { n: 2 } };
    for (let i = 0; i < 5; i++) {
      state.onChange();
      await clock.tickAsync(20);
    }
    sinon.assert.calledOnce(read);
    await clock.tickAsync(LIVE_TIMING.gapMs);
    sinon.assert.calledTwice(read);
    assert.deepEqual(events(s), ['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
    await clock.tickAsync(LIVE_TIMING.gapMs * 4);
    sinon.assert.calledTwice(read);
  });

  it('a change while a read is under way reads again once it ends', async () => {
    let release: (value: { payload: unknown }) => void = () => undefined;
    const read = sinon.stub<[], ReturnType<LiveRead>>();
    read.onFirstCall().returns(new Promise((resolve) => (release = resolve)));
    read.returns(Promise.resolve({ payload: { n: 2 } }));
    const s = stream();
    const { state, watch } = fakeWatch();
    serve(read, s, watch);
    await clock.tickAsync(1000);
    state.onChange();
    state.onChange();
    sinon.assert.calledOnce(read);
    release({ payload: { n: 1 } });
    await clock.tickAsync(0);
    sinon.assert.calledTwice(read);
    assert.deepEqual(events(s), ['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
  });

  it('an unchanged payload sends nothing', async () => {
    const s = stream();
    const { read } = reader({ payload: { n: 1 } });
    const { state, watch } = fakeWatch();
    serve(read, s, watch);
    await clock.tickAsync(1000);
    state.onChange();
    await clock.tickAsync(1000);
    state.onChange();
    await clock.tickAsync(0);
    sinon.assert.calledThrice(read);
    assert.deepEqual(events(s), ['data: {"n":1}\n\n']);
  });

  it(`a problem: an "event: problem", a retry after retryMs (${LIVE_TIMING.retryMs} ms), then data again`, async () => {
    const s = stream();
    const down = problem('unavailable', 'dfchain console: cannot reach the store');
    const { holder, read } = reader(down);
    serve(read, s);
    await clock.tickAsync(0);
    assert.deepEqual(events(s), [`event: problem\ndata: ${JSON.stringify(down.problem)}\n\n`]);
    await clock.tickAsync(LIVE_TIMING.retryMs - 1);
    sinon.assert.calledOnce(read);
    holder.current = { payload: { n: 1 } };
    await clock.tickAsync(1);
    sinon.assert.calledTwice(read);
    assert.deepEqual(events(s).slice(1), ['data: {"n":1}\n\n']);
  });

  it('the same payload after a problem is sent again (the page shows data, not the problem)', async () => {
    const s = stream();
    const { holder, read } = reader({ payload: { n: 1 } });
    const { state, watch } = fakeWatch();
    serve(read, s, watch);
    await clock.tickAsync(1000);
    holder.current = problem('unavailable', 'down');
    state.onChange();
    await clock.tickAsync(0);
    holder.current = { payload: { n: 1 } };
    await clock.tickAsync(LIVE_TIMING.retryMs);
    assert.deepEqual(events(s), [
      'data: {"n":1}\n\n',
      'event: problem\ndata: {"error":"down","kind":"unavailable"}\n\n',
      'data: {"n":1}\n\n',
    ]);
  });

  it(`reads every refreshMs (${LIVE_TIMING.refreshMs} ms) without a change`, async () => {
    const s = stream();
    const { holder, read } = reader({ payload: { n: 1 } });
    serve(read, s);
    await clock.tickAsync(LIVE_TIMING.refreshMs - 1);
    sinon.assert.calledOnce(read);
    holder.current = { payload: { n: 2 } };
    await clock.tickAsync(1);
    sinon.assert.calledTwice(read);
    await clock.tickAsync(LIVE_TIMING.refreshMs);
    sinon.assert.calledThrice(read);
    assert.deepEqual(
      events(s).filter((e) => e.startsWith('data:')),
      ['data: {"n":1}\n\n', 'data: {"n":2}\n\n'],
    );
  });

  it(`writes a keep-alive comment every keepAliveMs (${LIVE_TIMING.keepAliveMs} ms)`, async () => {
    const s = stream();
    const { read } = reader({ payload: { n: 1 } });
    serve(read, s);
    await clock.tickAsync(LIVE_TIMING.keepAliveMs - 1);
    assert.equal(events(s).filter((e) => e === ': keep-alive\n\n').length, 0);
    await clock.tickAsync(1);
    assert.equal(events(s).filter((e) => e === ': keep-alive\n\n').length, 1);
    await clock.tickAsync(LIVE_TIMING.keepAliveMs);
    assert.equal(events(s).filter((e) => e === ': keep-alive\n\n').length, 2);
  });

  it('stop() clears every timer, unsubscribes and sends nothing more', async () => {
    const s = stream();
    const { holder, read } = reader(problem('unavailable', 'down'));
    const { state, watch } = fakeWatch();
    const before = clock.countTimers();
    const stop = serve(read, s, watch);
    await clock.tickAsync(0);
    assert.ok(clock.countTimers() > before, 'timers while serving (refresh, keep-alive, retry)');
    stop();
    assert.equal(clock.countTimers(), before, 'no timer left');
    assert.deepEqual([state.watched, state.unwatched], [1, 1]);
    const sent = s.chunks.length;
    holder.current = { payload: { n: 1 } };
    state.onChange();
    await clock.tickAsync(LIVE_TIMING.keepAliveMs * 3);
    sinon.assert.calledOnce(read);
    assert.equal(s.chunks.length, sent);
  });

  it('stop() during a read: its answer is not sent', async () => {
    let release: (value: { payload: unknown }) => void = () => undefined;
    const read = sinon.stub<[], ReturnType<LiveRead>>();
    read.returns(new Promise((resolve) => (release = resolve)));
    const s = stream();
    const stop = serve(read, s);
    stop();
    release({ payload: { n: 1 } });
    await clock.tickAsync(0);
    assert.deepEqual(events(s), []);
    assert.equal(clock.countTimers(), 0);
  });

  it('a read that rejects sends a problem and the view goes on', async () => {
    const s = stream();
    const read = sinon.stub<[], ReturnType<LiveRead>>();
    read.onFirstCall().rejects(new Error('boom'));
    read.resolves({ payload: { n: 1 } });
    serve(read, s);
    await clock.tickAsync(0);
    assert.deepEqual(events(s), [
      'event: problem\ndata: {"error":"the console failed: boom","kind":"unavailable"}\n\n',
    ]);
    await clock.tickAsync(LIVE_TIMING.refreshMs);
    assert.deepEqual(events(s).slice(1), ['data: {"n":1}\n\n']);
  });

  it('is read after gapMs, not held until the retry after the problem fires', async () => {
    const s = stream();
    const { state, watch } = fakeWatch();
    const { holder, read } = reader(problem('not-found', 'no run yet'));
    serve(read, s, watch);
    await clock.tickAsync(0);
    assert.equal(read.callCount, 1);
    // The run appears at once: the change comes within the gap after the failed read.
    holder.current = { payload: { n: 1 } };
    state.onChange();
    await clock.tickAsync(LIVE_TIMING.gapMs);
    assert.equal(read.callCount, 2, 'read once the gap passed');
    assert.ok(
      events(s).some((e) => e === 'data: {"n":1}\n\n'),
      events(s).join(''),
    );
  });

  it('each read gets the documents of the feed’s latest call; after a feed error, none (the store is read)', async () => {
    const s = stream();
    const calls: { onChange: (docs?: readonly Run[]) => void; onError: (e: unknown) => void }[] =
      [];
    const read = sinon.spy((() => Promise.resolve({ payload: 1 })) as LiveRead);
    serve(read, s, (onChange, onError) => {
      calls.push({ onChange, onError });
      return () => undefined;
    });
    await clock.tickAsync(0);
    assert.equal(read.firstCall.args[0], undefined, 'the first read, before the feed called');
    const docs = [emptyRun('x')];
    calls[0]!.onChange(docs);
    await clock.tickAsync(LIVE_TIMING.gapMs);
    assert.equal(read.lastCall.args[0], docs);
    calls[0]!.onError(new Error('listener gone'));
    await clock.tickAsync(LIVE_TIMING.refreshMs);
    assert.equal(read.lastCall.args[0], undefined);
  });
});
