import { strict as assert } from 'node:assert';
import type { ChainDefinition } from '../../../src/chain/types.js';
import { cancelRun } from '../../../src/engine/cancel.js';
import { stoppedGroup } from '../../../src/engine/redrive.js';
import {
  cancelledForRedrive,
  laneWork,
  redriveDoc,
  redriveProblem,
  type RedriveMark,
} from '../../../src/engine/redrive.js';
import type { Children, Run } from '../../../src/engine/run.js';
import type { SpawnEffect } from '../../../src/engine/transition.js';
import {
  at,
  carryOut,
  endJob,
  launchAll,
  launchForest,
  partAt,
  rootOf,
  start,
  stepFor,
  task,
  type Forest,
} from './drive.js';
import { launchOf } from '../launch-of.js';

const MARK: RedriveMark = { count: 1, by: 'm-1' };

/** Ingest, then Publish, whose request carries $$.Execution.RedriveCount. */
const LINE: ChainDefinition = {
  StartAt: 'Ingest',
  TimeoutSeconds: 3600,
  States: {
    Ingest: task('ingest', { Next: 'Publish' }),
    Publish: task('publish', {
      Parameters: {
        jobName: 'publish',
        containerSpecGcsPath: 'gs://b/publish.json',
        parameters: { 'redrive.$': "States.Format('{}', $$.Execution.RedriveCount)" },
      },
    }),
  },
};

/** A Map over $.files, two at a time, one job per item. */
const EACH: ChainDefinition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.files',
      MaxConcurrency: 2,
      ItemProcessor: { StartAt: 'Load', States: { Load: task('load') } },
      End: true,
    },
  },
};

/** Runs LINE until Publish's job failed. */
function failedAtPublish(): Run {
  let run = launchAll(start(LINE).run, at(1));
  run = launchAll(endJob(LINE, run, stepFor(run, 'Ingest'), 'JOB_STATE_DONE', at(2)).run, at(3));
  const failed = endJob(LINE, run, stepFor(run, 'Publish'), 'JOB_STATE_FAILED', at(4)).run;
  assert.equal(failed.status, 'FAILED');
  return failed;
}

describe('redrive', () => {
  describe('an ended run keeps the frame it stopped in', () => {
    it('a failed run keeps the failed state, its input and visit', () => {
      const run = failedAtPublish();
      assert.equal(run.stopped?.state, 'Publish');
      assert.equal(run.stopped?.wait, 'job');
      assert.deepEqual(run.frames, {});
    });

    it('a cancelled run keeps the state it was cancelled in', () => {
      const run = launchAll(start(LINE).run, at(1));
      const cancelled = cancelRun(LINE, run, 'stop', at(2)).run;
      assert.equal(cancelled.stopped?.state, 'Ingest');
    });

    it('a succeeded run keeps none', () => {
      let run = launchAll(start(LINE).run, at(1));
      run = launchAll(
        endJob(LINE, run, stepFor(run, 'Ingest'), 'JOB_STATE_DONE', at(2)).run,
        at(3),
      );
      const done = endJob(LINE, run, stepFor(run, 'Publish'), 'JOB_STATE_DONE', at(4)).run;
      assert.equal(done.status, 'SUCCEEDED');
      assert.equal(done.stopped, undefined);
    });
  });

  describe('redriveProblem', () => {
    it('says why a running or succeeded run cannot be redriven', () => {
      const running = start(LINE).run;
      assert.match(redriveProblem(running) ?? '', /run r1 is RUNNING: only a FAILED or CANCELLED/);
      const succeeded: Run = { ...running, status: 'SUCCEEDED' };
      assert.match(redriveProblem(succeeded) ?? '', /is SUCCEEDED/);
    });

    it('refuses a run that kept no state to resume from', () => {
      const { stopped: _stopped, ...old } = failedAtPublish();
      assert.match(redriveProblem(old) ?? '', /kept no state to resume from .* start a new run/);
    });

    it('accepts a failed run', () => {
      assert.equal(redriveProblem(failedAtPublish()), undefined);
    });
  });

  describe('redriveDoc on a Task', () => {
    it('enters the failed state again under a new job name, keeps what succeeded and counts the redrive', () => {
      const failed = failedAtPublish();
      const t = redriveDoc(LINE, failed, [], at(10), MARK);
      const run = t.run;
      assert.equal(run.status, 'RUNNING');
      assert.equal(run.error, undefined);
      assert.equal(run.endTime, undefined);
      assert.equal(run.stopped, undefined);
      assert.equal(run.redriveCount, 1);
      assert.equal(run.redriven, 1);
      assert.equal(run.redrivenBy, 'm-1');
      const step = stepFor(run, 'Publish');
      assert.equal(step.status, 'INTENDED');
      assert.equal(step.attempt, 0);
      const before = failed.stopped?.jobName;
      assert.ok(before !== undefined && step.jobName !== before, 'a new job name');
      assert.deepEqual(launchOf(step.request)?.parameters, { redrive: '1' });
      assert.deepEqual(
        t.events.map((e) => e.event),
        ['run.redriven', 'step.intended'],
      );
      assert.equal(t.events[0]?.redriveCount, 1);
      assert.equal(Object.keys(run.steps).length, 1, 'Ingest is not launched again');
      const timers = Object.values(run.timers ?? {});
      assert.deepEqual(
        timers.map((timer) => [timer.kind, timer.dueAt]),
        [['run', at(3610)]],
      );
    });

    it('a second redrive names the job anew again', () => {
      const first = redriveDoc(LINE, failedAtPublish(), [], at(10), MARK).run;
      const launched = launchAll(first, at(11));
      const failedAgain = endJob(
        LINE,
        launched,
        stepFor(launched, 'Publish'),
        'JOB_STATE_FAILED',
        at(12),
      ).run;
      const second = redriveDoc(LINE, failedAgain, [], at(13), { count: 2 }).run;
      assert.equal(second.redriven, 2);
      assert.equal(second.redriveCount, 2);
      assert.notEqual(stepFor(second, 'Publish').jobName, stepFor(first, 'Publish').jobName);
    });

    it('changes nothing on a run that runs again (a redelivered command)', () => {
      const again = redriveDoc(
        LINE,
        redriveDoc(LINE, failedAtPublish(), [], at(10), MARK).run,
        [],
        at(11),
        MARK,
      );
      assert.equal(again.changed, false);
    });

    it('takes the slot it is given and never the one it gave back', () => {
      const failed: Run = { ...failedAtPublish(), slot: { pool: 'runs.c', index: 0 } };
      const slot = { pool: 'runs.c', index: 1 };
      assert.deepEqual(redriveDoc(LINE, failed, [], at(10), { ...MARK, slot }).run.slot, slot);
      assert.equal(redriveDoc(LINE, failed, [], at(10), MARK).run.slot, undefined);
    });
  });

  describe('cancelledForRedrive', () => {
    const doc = (status: Run['status'], part: boolean): Run =>
      ({
        id: 'r1.k',
        status,
        error: { Error: 'E', Cause: 'c' },
        ...(part ? { part: { index: 0 } } : {}),
      }) as unknown as Run;

    it('marks a failed part CANCELLED and keeps its error for the record', () => {
      const t = cancelledForRedrive(doc('FAILED', true));
      assert.equal(t.changed, true);
      assert.equal(t.run.status, 'CANCELLED');
      assert.deepEqual(t.run.error, { Error: 'E', Cause: 'c' });
      assert.deepEqual(t.effects, []);
    });

    it('leaves a run, and a part that did not fail, as they are', () => {
      assert.equal(cancelledForRedrive(doc('FAILED', false)).changed, false);
      assert.equal(cancelledForRedrive(doc('CANCELLED', true)).changed, false);
      assert.equal(cancelledForRedrive(doc('RUNNING', true)).changed, false);
    });
  });

  describe('laneWork', () => {
    const children: Children = {
      total: 6,
      started: 2,
      running: 2,
      failed: 0,
      outputs: {},
      parts: true,
      maxConcurrency: 2,
    };
    const part = (index: number, status: Run['status']): Run =>
      ({ id: `p${index}`, status, part: { index } }) as unknown as Run;

    it('walks each lane to its first unsuccessful child', () => {
      // lane 0: 0, 2, 4; lane 1: 1, 3, 5
      const work = laneWork(children, [
        part(0, 'SUCCEEDED'),
        part(2, 'FAILED'),
        part(1, 'SUCCEEDED'),
        part(3, 'SUCCEEDED'),
      ]);
      assert.deepEqual(
        work.redrive.map((p) => p.id),
        ['p2'],
      );
      assert.deepEqual(work.spawn, [5]);
      assert.equal(work.running, 0);
    });

    it('counts running children, redrives cancelled ones, spawns lanes never started', () => {
      const work = laneWork(children, [part(0, 'CANCELLED'), part(1, 'RUNNING')]);
      assert.deepEqual(
        work.redrive.map((p) => p.id),
        ['p0'],
      );
      assert.equal(work.running, 1);
      assert.deepEqual(laneWork(children, []).spawn, [0, 1]);
    });

    it('finds nothing to do when every child succeeded', () => {
      const all = [0, 1, 2, 3, 4, 5].map((i) => part(i, 'SUCCEEDED'));
      assert.deepEqual(laneWork(children, all), { redrive: [], running: 0, spawn: [] });
    });
  });

  describe('redriveDoc on a Map', () => {
    /** Item 2 (lane 0, after item 0) fails; item 1 is still running and is stopped. */
    function failedInMap(): Forest {
      const files = ['a', 'b', 'c', 'd'];
      let forest = launchForest(EACH, carryOut(EACH, start(EACH, { files }), at(0)), at(1));
      const first = partAt(forest, 'Each[0]');
      forest = carryOut(
        EACH,
        endJob(EACH, first, stepFor(first, 'Load'), 'JOB_STATE_DONE', at(2)),
        at(2),
        forest,
      );
      forest = launchForest(EACH, forest, at(3));
      const third = partAt(forest, 'Each[2]');
      forest = carryOut(
        EACH,
        endJob(EACH, third, stepFor(third, 'Load'), 'JOB_STATE_FAILED', at(4)),
        at(4),
        forest,
      );
      assert.equal(rootOf(forest).status, 'FAILED');
      assert.equal(partAt(forest, 'Each[1]').status, 'CANCELLED');
      return forest;
    }

    it('keeps the succeeded item, redrives the failed and the stopped ones, spawns the rest', () => {
      const forest = failedInMap();
      const root = rootOf(forest);
      const group = stoppedGroup(root);
      assert.ok(group !== undefined);
      const parts = [...forest.docs.values()].filter((doc) => doc.part?.group === group);
      const work = laneWork(root.stopped!.children!, parts);
      assert.deepEqual(work.redrive.map((p) => p.part?.scope).sort(), ['Each[1]', 'Each[2]']);
      assert.deepEqual(work.spawn, []);

      const redriven = work.redrive.map((p) => redriveDoc(EACH, p, [], at(10), { count: 1 }).run);
      for (const part of redriven) {
        assert.equal(part.status, 'RUNNING');
        assert.equal(part.redriveCount, 1);
        const before = parts.find((p) => p.id === part.id)!;
        // The stopped item's job is still being cancelled: it stays, abandoned, beside the new one.
        const fresh = Object.values(part.steps).filter((s) => s.abandoned !== true);
        assert.equal(fresh.length, 1);
        assert.equal(fresh[0]?.status, 'INTENDED');
        assert.notEqual(fresh[0]?.jobName, before.stopped?.jobName);
      }
      const now = parts.map((p) => redriven.find((r) => r.id === p.id) ?? p);
      const t = redriveDoc(EACH, root, now, at(10), MARK);
      assert.equal(t.run.status, 'RUNNING');
      const frame = t.run.frames?.[''];
      assert.equal(frame?.wait, 'children');
      assert.equal(frame?.children?.failed, 0);
      assert.equal(frame?.children?.failedItems, undefined);
      assert.deepEqual(
        t.effects.filter((e): e is SpawnEffect => e.kind === 'spawn'),
        [],
      );
      assert.equal(Object.keys(t.run.steps).length, 0);
    });

    it('spawns the items of lanes whose head was never created', () => {
      const forest = failedInMap();
      const root = rootOf(forest);
      const t = redriveDoc(EACH, root, [], at(10), MARK);
      const spawns = t.effects.filter((e): e is SpawnEffect => e.kind === 'spawn');
      assert.deepEqual(
        spawns.map((s) => s.part.scope),
        ['Each[0]', 'Each[1]'],
      );
    });
  });
});
