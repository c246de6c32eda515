import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStack } from '../../src/local/stack.js';
import type { ConformanceCase } from '../conformance/cases.js';
import { CHOICE_CASES } from '../conformance/choice.test.js';
import { DATA_FLOW_CASES } from '../conformance/data-flow.test.js';
import { ERROR_CASES } from '../conformance/errors.test.js';
import { runChain } from '../conformance/harness.js';
import { INTRINSIC_CASES } from '../conformance/intrinsics.test.js';
import { MAP_CASES } from '../conformance/map.test.js';
import { PARALLEL_CASES } from '../conformance/parallel.test.js';
import { WAIT_CASES } from '../conformance/wait.test.js';
import type { ChainDefinition } from '../../src/chain/types.js';

/** Cases whose result does not depend on job ids or on how jobs end, and that last ≤ 3 s. */
function portable(c: ConformanceCase): boolean {
  if (c.outcomes !== undefined || typeof c.output === 'function') return false;
  if (JSON.stringify(c.output ?? null).includes('job-')) return false;
  const result = runChain(c.definition as unknown as ChainDefinition, c.input ?? {});
  return result.seconds <= 3;
}

/** Every `every`-th portable case of each table: a sample across the whole suite. */
function sample(every: number): ConformanceCase[] {
  const tables = [
    DATA_FLOW_CASES,
    CHOICE_CASES,
    INTRINSIC_CASES,
    WAIT_CASES,
    PARALLEL_CASES,
    MAP_CASES,
    ERROR_CASES,
  ];
  return tables.flatMap((table) => table.filter(portable).filter((_, i) => i % every === 0));
}

describe('e2e: a sample of the conformance suite through the whole local stack', function () {
  this.timeout(300_000);
  const cases = sample(6);
  const dir = mkdtempSync(join(tmpdir(), 'dfchain-conformance-'));
  cases.forEach((c, i) => {
    writeFileSync(join(dir, `conf-${i}.json`), JSON.stringify(c.definition));
  });
  let stack: LocalStack;

  before(async () => {
    stack = await LocalStack.start({
      chainsDir: dir,
      pubsub: true,
      firestore: true,
      simulator: { defaults: { queuedMs: 50, runMs: 100 } },
    });
  });

  after(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`the sample has cases of every table (${cases.length})`, () => {
    assert.ok(cases.length >= 25, `only ${cases.length} portable cases sampled`);
  });

  it('each sampled case ends as the pure engine says', async () => {
    await Promise.all(
      cases.map((_, i) =>
        stack.publish({
          dfchain: 'start',
          chain: `conf-${i}`,
          runId: `conf-${i}`,
          input: cases[i]!.input ?? {},
        }),
      ),
    );
    const wrong: string[] = [];
    for (const [i, c] of cases.entries()) {
      const end = await stack.waitForRunEnd(`conf-${i}`, 60_000);
      const line = stack.runLines(`conf-${i}`).find((l) => l['event'] === end);
      if (c.error !== undefined) {
        const error = line?.['error'] as { Error?: string } | undefined;
        if (end !== 'run.failed' || error?.Error !== c.error.Error)
          wrong.push(`${c.it}: expected ${c.error.Error}, got ${end} ${JSON.stringify(error)}`);
      } else if (end !== 'run.succeeded' || !sameJson(line?.['output'], c.output)) {
        wrong.push(
          `${c.it}: expected ${JSON.stringify(c.output)}, got ${end} ${JSON.stringify(line?.['output'] ?? line?.['error'])}`,
        );
      }
    }
    assert.deepEqual(wrong, []);
  });
});

function sameJson(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
