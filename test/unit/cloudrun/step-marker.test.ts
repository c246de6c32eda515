import { strict as assert } from 'node:assert';
import type { ExecutionSummary } from '../../../src/cloudrun/execution.js';
import { findMarked, markRequest, reservedEnvProblems } from '../../../src/cloudrun/step-marker.js';

const MARKER = { step: 'r1-0a1b2c3d4e5f', run: 'r1', chain: 'daily' };
const ENV = [
  { name: 'DFCHAIN_STEP', value: 'r1-0a1b2c3d4e5f' },
  { name: 'DFCHAIN_RUN', value: 'r1' },
  { name: 'DFCHAIN_CHAIN', value: 'daily' },
];

function execution(
  name: string,
  createTime: string,
  env: Record<string, string>,
): ExecutionSummary {
  return {
    name,
    ref: { projectId: 'p', location: 'l', job: 'j' },
    execution: name,
    outcome: 'RUNNING',
    taskCount: 1,
    runningCount: 1,
    succeededCount: 0,
    failedCount: 0,
    cancelledCount: 0,
    retriedCount: 0,
    createTime,
    env,
  };
}

describe('cloudrun: the step marker in the overrides', () => {
  it('adds the marker to every container override, keeping their own env, args and fields', () => {
    const request = markRequest(
      {
        overrides: {
          containerOverrides: [
            { name: 'main', args: ['--date', 'x'], env: [{ name: 'MODE', value: 'full' }] },
            { name: 'sidecar', clearArgs: true },
          ],
          taskCount: 4,
          timeout: '600s',
        },
      },
      MARKER,
    );
    assert.deepEqual(request, {
      overrides: {
        containerOverrides: [
          { name: 'main', args: ['--date', 'x'], env: [{ name: 'MODE', value: 'full' }, ...ENV] },
          { name: 'sidecar', clearArgs: true, env: ENV },
        ],
        taskCount: 4,
        timeout: '600s',
      },
    });
  });

  it('adds one unnamed override when the request has none, or no overrides at all', () => {
    assert.deepEqual(markRequest({}, MARKER), {
      overrides: { containerOverrides: [{ env: ENV }] },
    });
    assert.deepEqual(markRequest({ overrides: { containerOverrides: [], taskCount: 2 } }, MARKER), {
      overrides: { containerOverrides: [{ env: ENV }], taskCount: 2 },
    });
  });

  it('replaces a marker already there (a replayed request marks the same way)', () => {
    const once = markRequest({}, MARKER);
    assert.deepEqual(markRequest(once, MARKER), once);
  });

  it('names each reserved env var a chain file sets, by its place in the request', () => {
    assert.deepEqual(
      reservedEnvProblems({
        overrides: {
          containerOverrides: [
            { env: [{ name: 'MODE', value: 'x' }] },
            {
              env: [
                { name: 'A', value: '' },
                { name: 'DFCHAIN_STEP', value: 'forged' },
              ],
            },
          ],
        },
      }),
      [
        {
          path: 'overrides.containerOverrides[1].env[1].name',
          message: 'DFCHAIN_STEP is set by dfchain (it names the step); use another name',
        },
      ],
    );
    assert.deepEqual(reservedEnvProblems({}), []);
  });

  it("finds the newest execution carrying the step's marker, and none for another step", () => {
    const list = [
      execution('j-aaaaa', '2026-11-30T09:00:00Z', { DFCHAIN_STEP: 'r1-0a1b2c3d4e5f' }),
      execution('j-bbbbb', '2026-11-30T09:05:00Z', { DFCHAIN_STEP: 'r1-0a1b2c3d4e5f' }),
      execution('j-ccccc', '2026-11-30T09:10:00Z', { DFCHAIN_STEP: 'r2-000000000000' }),
      execution('j-ddddd', '2026-11-30T09:20:00Z', {}),
    ];
    assert.equal(findMarked(list, 'r1-0a1b2c3d4e5f')?.execution, 'j-bbbbb');
    assert.equal(findMarked(list, 'r3-000000000000'), undefined);
  });
});
