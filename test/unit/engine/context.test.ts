import { strict as assert } from 'node:assert';
import { contextObject } from '../../../src/engine/context.js';
import { emptyRun } from '../../fixtures/runs.js';

describe('engine: the context object ($$) a state sees', () => {
  it('names the execution, the state with its entry time and retry count, and the chain', () => {
    const run = emptyRun('r7');
    assert.deepEqual(contextObject(run, 'Ingest', '2026-11-22T10:01:00.000Z', 2), {
      Execution: {
        Id: 'r7',
        Name: 'r7',
        Input: { date: '2026-11-21' },
        StartTime: '2026-11-22T10:00:00.000Z',
        RedriveCount: 0,
      },
      State: { Name: 'Ingest', EnteredTime: '2026-11-22T10:01:00.000Z', RetryCount: 2 },
      StateMachine: { Id: 'daily', Name: 'daily' },
    });
  });
});
