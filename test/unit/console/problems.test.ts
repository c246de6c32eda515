import { strict as assert } from 'node:assert';
import { noRun, problem, storeProblem } from '../../../src/console/problems.js';
import { unavailable } from './kit.js';

describe('console problems', () => {
  it('each kind has its HTTP status', () => {
    assert.deepEqual(
      (['bad-request', 'forbidden', 'not-found', 'refused', 'unavailable'] as const).map(
        (kind) => problem(kind, 'why').status,
      ),
      [400, 403, 404, 409, 503],
    );
    assert.deepEqual(problem('refused', 'why').problem, { error: 'why', kind: 'refused' });
  });

  it('a store failure is worded as dfchain status words it, for Google or an emulator', () => {
    assert.deepEqual(
      storeProblem(unavailable(), { storeEndpoint: { service: 'firestore' }, projectId: 'p' }),
      {
        status: 503,
        problem: {
          kind: 'unavailable',
          error:
            'dfchain console: cannot reach Firestore at firestore.googleapis.com: no connection; check the network connection and proxy (HTTPS_PROXY), or set FIRESTORE_EMULATOR_HOST to use an emulator',
        },
      },
    );
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: no'), { code: 7 });
    assert.match(
      storeProblem(denied, { storeEndpoint: { service: 'firestore' }, projectId: 'p' }).problem
        .error,
      /^dfchain console: Firestore at firestore\.googleapis\.com denied the call for project p: grant /,
    );
  });

  it('no run: names the id, the store and the project', () => {
    assert.deepEqual(
      noRun('r9', {
        storeEndpoint: { service: 'firestore', emulator: '127.0.0.1:9' },
        projectId: 'p',
      }),
      {
        status: 404,
        problem: {
          kind: 'not-found',
          error:
            'No run "r9" in the Firestore emulator at 127.0.0.1:9 (FIRESTORE_EMULATOR_HOST) for project p: check the run id in the address; the Runs page lists the runs of the last day',
        },
      },
    );
  });
});
