import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_BACKFILL_TICKS,
  planBackfill,
  type BackfillOptions,
  type BackfillPlan,
} from '../../../src/cli/backfill-plan.js';

const SCHEDULED = 'test/fixtures/schedule-chains';
const PLAIN = 'test/fixtures/e2e-chains';

function options(overrides: Partial<BackfillOptions>): BackfillOptions {
  return {
    chain: 'nightly',
    chainsDir: SCHEDULED,
    projectId: 'p',
    topic: 't',
    from: '2026-01-01',
    to: '2026-01-03',
    ...overrides,
  };
}

function plan(overrides: Partial<BackfillOptions>): BackfillPlan {
  const planned = planBackfill(options(overrides));
  if (typeof planned === 'string') assert.fail(planned);
  return planned;
}

describe('backfill plan', () => {
  it("one run per tick of the chain's Schedule, each under the scheduler's id, with Schedule.Input", () => {
    const planned = plan({});
    assert.deepEqual(
      [planned.chain, planned.cron, planned.zone, planned.scheduled, planned.concurrency],
      ['nightly', '0 4 * * *', 'Etc/UTC', true, 1],
    );
    assert.deepEqual(planned.ticks, [
      {
        runId: 'nightly-20260101t0400z',
        scheduledTime: '2026-01-01T04:00:00.000Z',
        input: { source: 'scheduler' },
      },
      {
        runId: 'nightly-20260102t0400z',
        scheduledTime: '2026-01-02T04:00:00.000Z',
        input: { source: 'scheduler' },
      },
      {
        runId: 'nightly-20260103t0400z',
        scheduledTime: '2026-01-03T04:00:00.000Z',
        input: { source: 'scheduler' },
      },
    ]);
  });

  it('one run a day at 00:00 UTC for a chain without Schedule; times bound exactly', () => {
    const planned = plan({
      chain: 'sales',
      chainsDir: PLAIN,
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-02T23:59:59Z',
      concurrency: '3',
      inputTemplate: '{"date":"{{date}}","at":["{{scheduledTime}}", 1, null],"keep":"{{ x"}',
    });
    assert.equal(planned.scheduled, false);
    assert.equal(planned.concurrency, 3);
    assert.deepEqual(planned.ticks, [
      {
        runId: 'sales-20260101t0000z',
        scheduledTime: '2026-01-01T00:00:00.000Z',
        input: { date: '2026-01-01', at: ['2026-01-01T00:00:00.000Z', 1, null], keep: '{{ x' },
      },
      {
        runId: 'sales-20260102t0000z',
        scheduledTime: '2026-01-02T00:00:00.000Z',
        input: { date: '2026-01-02', at: ['2026-01-02T00:00:00.000Z', 1, null], keep: '{{ x' },
      },
    ]);
  });

  it("reads dates as whole days in the Schedule's zone, and {{date}} there too", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfchain-backfill-'));
    try {
      writeFileSync(
        join(dir, 'paris.json'),
        JSON.stringify({
          StartAt: 'S',
          Schedule: { Cron: '30 0 * * *', TimeZone: 'Europe/Paris' },
          States: { S: { Type: 'Succeed' } },
        }),
      );
      const planned = plan({
        chain: 'paris',
        chainsDir: dir,
        from: '2026-01-05',
        to: '2026-01-05',
        inputTemplate: '{"day":"{{date}}"}',
      });
      // 00:30 in Paris on 5 January is 23:30 UTC on the 4th.
      assert.deepEqual(planned.ticks, [
        {
          runId: 'paris-20260104t2330z',
          scheduledTime: '2026-01-04T23:30:00.000Z',
          input: { day: '2026-01-05' },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refusals: [overrides: Partial<BackfillOptions>, line: string][] = [
    [
      { chain: 'nightyl' },
      `dfchain backfill: no chain "nightyl" in the chains folder "${SCHEDULED}" (chains: nightly); did you mean "nightly"? name one of those, or point --chains-dir (DFCHAIN_CHAINS_DIR) at the folder the function was deployed with`,
    ],
    [
      { from: undefined },
      "dfchain backfill: --from is required: write a date YYYY-MM-DD (that whole day, in the chain's Schedule.TimeZone) or an RFC 3339 time such as 2026-01-05T04:00:00Z",
    ],
    [
      { to: '2026-02-30' },
      `dfchain backfill: --to "2026-02-30" is neither a date nor a time: write a date YYYY-MM-DD (that whole day, in the chain's Schedule.TimeZone) or an RFC 3339 time such as 2026-01-05T04:00:00Z`,
    ],
    [
      { from: 'yesterday' },
      `dfchain backfill: --from "yesterday" is neither a date nor a time: write a date YYYY-MM-DD (that whole day, in the chain's Schedule.TimeZone) or an RFC 3339 time such as 2026-01-05T04:00:00Z`,
    ],
    [
      { from: '2026-01-10', to: '2026-01-01' },
      'dfchain backfill: --from 2026-01-10 is after --to 2026-01-01: give the earlier one as --from',
    ],
    [
      { from: '2026-01-01T05:00:00Z', to: '2026-01-02T03:59:59Z' },
      'dfchain backfill: no tick of "0 4 * * *" (Etc/UTC) from 2026-01-01T05:00:00Z to 2026-01-02T03:59:59Z: nothing to start; widen the range',
    ],
    [
      { from: '2020-01-01', to: '2026-01-01' },
      `dfchain backfill: more than ${MAX_BACKFILL_TICKS} ticks of "0 4 * * *" (Etc/UTC) from 2020-01-01 to 2026-01-01, the most one backfill starts: split the range (each part resumes on its own)`,
    ],
    [
      { concurrency: '0' },
      'dfchain backfill: --concurrency "0" must be a whole number from 1 to 100 (runs at once; default 1)',
    ],
    [
      { concurrency: '2.5' },
      'dfchain backfill: --concurrency "2.5" must be a whole number from 1 to 100 (runs at once; default 1)',
    ],
    [
      { inputTemplate: '{"date":' },
      `dfchain backfill: --input-template is not JSON (Unexpected end of JSON input); give a JSON object such as '{"date":"{{date}}"}'`,
    ],
    [
      { inputTemplate: '["{{date}}"]' },
      'dfchain backfill: --input-template must be a JSON object (each run\'s input), got ["{{date}}"]',
    ],
    [
      { inputTemplate: '{"a":{"b":["x","{{day}}"]}}' },
      "dfchain backfill: --input-template: unknown placeholder {{day}} at $.a.b[1]: use {{date}} (the tick's day in the schedule's time zone, YYYY-MM-DD) or {{scheduledTime}} (the tick, ISO UTC)",
    ],
    [
      { inputTemplate: JSON.stringify({ big: 'x'.repeat(300_000) }) },
      "dfchain backfill: the input of run nightly-20260101t0400z from --input-template: start.input is 300010 bytes as JSON, over dfchain's limit of 262144 (256 KiB); pass a reference to the data, such as a gs:// path, instead",
    ],
  ];
  for (const [overrides, line] of refusals)
    it(`refuses ${JSON.stringify(overrides).slice(0, 80)} in one line`, () =>
      assert.equal(planBackfill(options(overrides)), line));
});
