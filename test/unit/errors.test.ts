import { strict as assert } from 'node:assert';
import * as errors from '../../src/errors.js';
import {
  ChainValidationError,
  ChainsInvalidError,
  ConfigError,
  DataflowPermanentError,
  DataflowQuotaError,
  DataflowTransientError,
  DfchainError,
  ExecutionNotFoundError,
  JobAlreadyExistsError,
  JobNeverVisibleError,
  JobNotConfirmedError,
  JobNotFoundError,
  PathError,
  PoisonMessageError,
  RunConflictError,
  RunPermanentError,
  RunQuotaError,
  RunTransientError,
  StorePermanentError,
  TimerPermanentError,
  TimerTransientError,
  PublishPermanentError,
  PublishTransientError,
  StoreTransientError,
  StoragePermanentError,
  StorageTransientError,
  isRetryable,
} from '../../src/errors.js';

const details = { operation: 'jobs.get' };
const invalid = new ChainValidationError('daily.json', [{ path: 'StartAt', message: 'missing' }]);

/**
 * Every error class with the answer that decides a delivery's fate: retryable fails it so
 * Pub/Sub redelivers, non-retryable acknowledges it. Written out, so flipping one is visible.
 */
const TABLE: ReadonlyArray<readonly [error: DfchainError, code: string, retryable: boolean]> = [
  [new ConfigError('x'), 'CONFIG', false],
  [invalid, 'CHAIN_INVALID', false],
  [new ChainsInvalidError([invalid]), 'CHAIN_INVALID', false],
  [new PoisonMessageError('x'), 'POISON_MESSAGE', false],
  [new RunConflictError('r1'), 'RUN_CONFLICT', false],
  [new PathError('x'), 'PATH', false],
  [new DataflowTransientError('x', details), 'DATAFLOW_TRANSIENT', true],
  [new DataflowQuotaError('x', details), 'DATAFLOW_TRANSIENT', true],
  [new DataflowPermanentError('x', details), 'DATAFLOW_PERMANENT', false],
  [new JobNotFoundError('x', details), 'JOB_NOT_FOUND', true],
  [new JobAlreadyExistsError('x', details), 'JOB_ALREADY_EXISTS', true],
  [new JobNotConfirmedError('x'), 'JOB_NOT_CONFIRMED', true],
  [new StoreTransientError('x'), 'STORE_TRANSIENT', true],
  [new StorePermanentError('x'), 'STORE_PERMANENT', false],
  [new JobNeverVisibleError('x'), 'JOB_NEVER_VISIBLE', false],
  [new TimerTransientError('x'), 'TIMER_TRANSIENT', true],
  [new TimerPermanentError('x'), 'TIMER_PERMANENT', false],
  [new PublishTransientError('x'), 'PUBLISH_TRANSIENT', true],
  [new PublishPermanentError('x'), 'PUBLISH_PERMANENT', false],
  [new RunTransientError('x', details), 'RUN_TRANSIENT', true],
  [new RunQuotaError('x', details), 'RUN_TRANSIENT', true],
  [new RunPermanentError('x', details), 'RUN_PERMANENT', false],
  [new ExecutionNotFoundError('x', details), 'EXECUTION_NOT_FOUND', true],
  [new StorageTransientError('x'), 'STORAGE_TRANSIENT', true],
  [new StoragePermanentError('x', 'notFound'), 'STORAGE_PERMANENT', false],
];

describe('errors: retryability of every error class', () => {
  for (const [error, code, retryable] of TABLE) {
    it(`${error.name} (${code}) is ${retryable ? 'retried by Pub/Sub' : 'acknowledged, never retried'}`, () => {
      assert.equal(error.code, code);
      assert.equal(error.retryable, retryable);
      assert.equal(isRetryable(error), retryable);
    });
  }

  it('the table has a row for every concrete error class src/errors.ts exports', () => {
    const exported = Object.entries(errors)
      .filter(
        ([name, value]) =>
          typeof value === 'function' &&
          value.prototype instanceof DfchainError &&
          !['RetryableError', 'NonRetryableError'].includes(name),
      )
      .map(([name]) => name)
      .sort();
    assert.deepEqual(TABLE.map(([error]) => error.name).sort(), exported);
  });

  it('retries a failure that is not a dfchain error: dropping it would lose work', () => {
    assert.equal(isRetryable(new Error('socket closed')), true);
    assert.equal(isRetryable('a string'), true);
    assert.equal(isRetryable(undefined), true);
  });

  it('keeps the cause and names the error after its class', () => {
    const cause = new Error('root');
    const error = new StorePermanentError('too big', { cause });
    assert.equal(error.cause, cause);
    assert.equal(error.name, 'StorePermanentError');
    assert.equal(error.message, 'too big');
  });

  it('lists every problem of every file, with and without a JSON path', () => {
    const error = new ChainsInvalidError([
      new ChainValidationError('a.json', [
        { path: 'States.X.Next', message: 'unknown state' },
        { path: '', message: 'not JSON' },
      ]),
      invalid,
    ]);
    assert.equal(
      error.message,
      'a.json: States.X.Next: unknown state\na.json: not JSON\ndaily.json: StartAt: missing',
    );
  });
});
