import { strict as assert } from 'node:assert';
import { taskResultShape, TASK_RESULT_FIELDS } from '../../../src/chain/task-results.js';
import { TASK_RESOURCES } from '../../../src/chain/types.js';
import { taskResult } from '../../../src/engine/job-ended.js';

describe('task result shapes', () => {
  it('name every field of the result the engine builds for dataflow:flexTemplate', () => {
    const result = taskResult({
      id: 'j',
      name: 'n',
      projectId: 'p',
      location: 'l',
      currentState: 'JOB_STATE_DONE',
      labels: {},
    });
    assert.deepEqual(
      [...(TASK_RESULT_FIELDS['dataflow:flexTemplate'] ?? [])].sort(),
      Object.keys(result).sort(),
    );
  });

  it('cover every Task resource', () => {
    assert.deepEqual(Object.keys(TASK_RESULT_FIELDS).sort(), [...TASK_RESOURCES].sort());
  });

  it('give a closed object named after its Task, and nothing for an unknown resource', () => {
    const shape = taskResultShape('Ingest', 'dataflow:flexTemplate');
    assert.equal(shape?.kind, 'object');
    assert.ok(shape.kind === 'object' && shape.closed);
    assert.equal(shape.origin, 'the result of Task Ingest (dataflow:flexTemplate)');
    assert.equal(taskResultShape('Ingest', 'lambda:invoke'), undefined);
    assert.equal(taskResultShape('Ingest', 'toString'), undefined);
    assert.equal(taskResultShape('Ingest', 7), undefined);
  });
});
