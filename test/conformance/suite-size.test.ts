import { strict as assert } from 'node:assert';
import type { ConformanceCase } from './cases.js';
import { CHOICE_CASES } from './choice.test.js';
import { DATA_FLOW_CASES } from './data-flow.test.js';
import { ERROR_CASES } from './errors.test.js';
import { INTRINSIC_CASES } from './intrinsics.test.js';
import { MAP_CASES } from './map.test.js';
import { PARALLEL_CASES } from './parallel.test.js';
import { TIMEOUT_CASES } from './timeouts.test.js';
import { WAIT_CASES } from './wait.test.js';

/** Every conformance table by file. */
const TABLES: Readonly<Record<string, readonly ConformanceCase[]>> = {
  'data-flow.test.ts': DATA_FLOW_CASES,
  'choice.test.ts': CHOICE_CASES,
  'intrinsics.test.ts': INTRINSIC_CASES,
  'wait.test.ts': WAIT_CASES,
  'parallel.test.ts': PARALLEL_CASES,
  'map.test.ts': MAP_CASES,
  'errors.test.ts': ERROR_CASES,
  'timeouts.test.ts': TIMEOUT_CASES,
};

const counts = Object.entries(TABLES).map(([file, cases]) => `${file} ${cases.length}`);
const total = Object.values(TABLES).reduce((sum, cases) => sum + cases.length, 0);

describe('conformance: suite size', () => {
  it(`${total} cases (${counts.join(', ')}): at least 150`, () => {
    assert.ok(total >= 150, `only ${total} conformance cases`);
  });
  it('every case title is unique', () => {
    const titles = Object.values(TABLES)
      .flat()
      .map((c) => c.it);
    assert.deepEqual(
      titles.filter((t, i) => titles.indexOf(t) !== i),
      [],
    );
  });
});
