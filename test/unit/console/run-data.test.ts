import { strict as assert } from 'node:assert';
import sinon from 'sinon';
import type { RunPayload } from '../../../src/console/api.js';
import { runPayload } from '../../../src/console/run-data.js';
import type { Run } from '../../../src/engine/run.js';
import { MemoryRunStore } from '../../../src/store/memory.js';
import { emptyRun } from '../../fixtures/runs.js';
import type { Kit } from '../handler/kit.js';
import { endJob, mixKit, startMix } from './engine-run.js';
import { consoleContext } from './kit.js';

/** The node ids the Mermaid text declares (`s_…[`, `s_…((`, `s_…[[`). */
function graphNodes(graph: string): Set<string> {
  return new Set([...graph.matchAll(/^\s*(s_\w+)[[(]/gm)].map((m) => m[1]!));
}

async function payload(kit: Kit, allowActions = false): Promise<RunPayload> {
  const read = await runPayload(consoleContext({ store: kit.store, allowActions }), 'r1');
  assert.ok(read, 'run r1 is found');
  return read;
}

describe('console run-data: the Run page of an engine run (Parallel of a Task and a Map)', () => {
  let kit: Kit;

  beforeEach(async () => {
    kit = mixKit();
    await startMix(kit);
  });

  it('gives every step the graph node of its state, as the Mermaid text names it', async () => {
    const read = await payload(kit);
    assert.ok(read.graph, 'a graph');
    const nodes = graphNodes(read.graph);
    assert.deepEqual(
      read.steps.map((s) => [s.state, s.scope, s.nodeId]),
      [
        ['Solo', 'Fan[0]', 's_Fan_z_0_z_Solo'],
        ['Work', 'Fan[1]/Each[0]', 's_Fan_z_1_z_Each_z_items_z_Work'],
        ['Work', 'Fan[1]/Each[1]', 's_Fan_z_1_z_Each_z_items_z_Work'],
      ],
    );
    for (const step of read.steps) assert.ok(nodes.has(step.nodeId!), `${step.nodeId} in graph`);
    for (const step of read.steps) {
      assert.equal(step.resource, 'Dataflow job');
      const launch = step.request as { launchParameter: { jobName: string } };
      assert.equal(launch.launchParameter.jobName, step.jobName, 'the request that started it');
    }
  });

  it('lists every state, nested scopes included, with status and how many scopes are in it now', async () => {
    const read = await payload(kit);
    const nodes = graphNodes(read.graph!);
    assert.deepEqual(
      read.states.map((s) => [s.nodeId, s.scope, s.name, s.status, s.now]),
      [
        ['s_Fan', '', 'Fan', 'running', 1],
        ['s_Fan_z_0_z_Solo', 'Fan/0', 'Solo', 'running', 1],
        ['s_Fan_z_1_z_Each', 'Fan/1', 'Each', 'running', 1],
        ['s_Fan_z_1_z_Each_z_items_z_Work', 'Fan/1/Each/items', 'Work', 'running', 2],
        ['s_Join', '', 'Join', undefined, 0],
      ],
    );
    for (const state of read.states) assert.ok(nodes.has(state.nodeId), `${state.nodeId} in graph`);
    const work = read.states.find((s) => s.name === 'Work');
    assert.ok(work?.input === 1 || work?.input === 2, 'a Work item input is an item');
    assert.deepEqual(read.states[0]!.input, { items: [1, 2, 3] });
  });

  it('a FAILED Map item is among the Map’s problems with its error, and the counts add up', async () => {
    await endJob(kit, 'work', 'JOB_STATE_FAILED', 0);
    const read = await payload(kit);
    assert.equal(read.run.status, 'RUNNING', 'one failed item is tolerated');
    assert.equal(read.maps.length, 1, 'the Map only (a Parallel is no Map)');
    const each = read.maps[0]!;
    assert.equal(each.nodeId, 's_Fan_z_1_z_Each');
    assert.ok(graphNodes(read.graph!).has(each.nodeId));
    assert.deepEqual([each.scope, each.state, each.total], ['Fan[1]', 'Each', 3]);
    assert.deepEqual([each.succeeded, each.failed, each.running, each.cancelled], [0, 1, 2, 0]);
    assert.ok(each.succeeded + each.failed + each.running + each.cancelled <= each.total);
    assert.equal(each.problems.length, 1);
    const [failed] = each.problems;
    assert.equal(failed!.index, 0);
    assert.equal(failed!.status, 'FAILED');
    assert.equal(failed!.error?.Error, 'Dataflow.JobFailed');
    assert.match(failed!.error?.Cause ?? '', /ended JOB_STATE_FAILED/);
    const work = read.states.find((s) => s.name === 'Work');
    assert.equal(work?.now, 2, 'the failed item left; item 2 took its lane');
  });

  it('counts items to the end: every item ended adds up to the total', async () => {
    await endJob(kit, 'work', 'JOB_STATE_FAILED', 0);
    await endJob(kit, 'work', 'JOB_STATE_DONE', 1);
    await endJob(kit, 'work', 'JOB_STATE_DONE', 2);
    const read = await payload(kit);
    const [each] = read.maps;
    assert.ok(each);
    assert.deepEqual(
      [each.total, each.succeeded, each.failed, each.running, each.cancelled],
      [3, 2, 1, 0, 0],
    );
    assert.equal(each.succeeded + each.failed + each.running + each.cancelled, each.total);
  });

  it('a RUNNING run: cancel allowed, redrive refused with why', async () => {
    const read = await payload(kit, true);
    assert.deepEqual(read.actions, {
      allowed: true,
      redrive: 'run r1 is RUNNING: only a FAILED or CANCELLED run can be redriven',
    });
  });

  it('a SUCCEEDED run: cancel refused with why; allowed follows --allow-actions', async () => {
    await endJob(kit, 'solo', 'JOB_STATE_DONE');
    for (const n of [0, 1, 2]) await endJob(kit, 'work', 'JOB_STATE_DONE', n);
    await endJob(kit, 'join', 'JOB_STATE_DONE');
    const read = await payload(kit);
    assert.equal(read.run.status, 'SUCCEEDED');
    assert.equal(read.actions.allowed, false);
    assert.equal(read.actions.cancel, 'run r1 is SUCCEEDED: only a RUNNING run can be cancelled');
    assert.match(read.actions.redrive ?? '', /SUCCEEDED/);
    assert.equal(read.states.find((s) => s.name === 'Join')?.status, 'succeeded');
  });

  it('links to the Logs Explorer query of the run', async () => {
    const read = await payload(kit);
    const url = new URL(read.links.logs);
    assert.equal(url.origin, 'https://console.cloud.google.com');
    assert.match(url.pathname, /^\/logs\/query;query=/);
    assert.equal(url.searchParams.get('project'), 'p');
    const query = decodeURIComponent(url.pathname.slice('/logs/query;query='.length));
    assert.match(query, /"r1"/);
    assert.match(query, /timestamp>="2026-11-22T10:00:00.000Z"/);
  });

  it('a run whose definition is not stored: graphProblem, no graph, no states', async () => {
    const store = new MemoryRunStore();
    await store.create({ ...emptyRun('lost'), definitionHash: 'gone' });
    const read = await runPayload(consoleContext({ store }), 'lost');
    assert.ok(read);
    assert.equal(read.graph, undefined);
    assert.match(read.graphProblem ?? '', /hash gone\) is not in the store/);
    assert.deepEqual([read.states, read.maps], [[], []]);
    assert.equal(read.run.id, 'lost');
  });

  it('no run of that id, and a part’s id, are undefined (not a run)', async () => {
    const ctx = consoleContext({ store: kit.store });
    assert.equal(await runPayload(ctx, 'nope'), undefined);
    const parts: Run[] = await kit.store.parts('r1');
    assert.ok(parts.length > 0);
    for (const part of parts) assert.equal(await runPayload(ctx, part.id), undefined, part.id);
  });
});

describe('console run-data: from the feed’s documents', () => {
  it('builds the same page from the run’s documents as from the store, reading only the history', async () => {
    const kit = mixKit();
    await startMix(kit);
    const ctx = consoleContext({ store: kit.store });
    const fromStore = await runPayload(ctx, 'r1');
    const docs = [(await kit.store.get('r1'))!, ...(await kit.store.parts('r1'))];
    const parts = sinon.spy(kit.store, 'parts');
    const get = sinon.spy(kit.store, 'get');
    const fromDocs = await runPayload(ctx, 'r1', docs);
    assert.deepEqual({ ...fromDocs, now: '' }, { ...fromStore, now: '' });
    sinon.assert.notCalled(parts);
    sinon.assert.notCalled(get);
    sinon.restore();
  });

  it('no document with that id among them: no run (the page says so until it starts)', async () => {
    const kit = mixKit();
    await startMix(kit);
    const docs = await kit.store.parts('r1');
    assert.equal(await runPayload(consoleContext({ store: kit.store }), 'r1', docs), undefined);
  });
});
