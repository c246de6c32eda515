import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { chainPrefixes } from '../../../src/chain/job-name.js';
import { loadChains } from '../../../src/chain/load.js';
import type { Chain } from '../../../src/chain/types.js';
import { chainFacts } from '../../../src/deploy/chain-facts.js';
import { matchesFilter, sinkFilter } from '../../../src/deploy/sink-filter.js';
import { jobMessageEntry } from '../../../src/local/simulator/log-message.js';

const E2E = fileURLToPath(new URL('../../fixtures/e2e-chains/', import.meta.url));
const classic = [...loadChains(E2E).values()].filter((chain) => chain.name === 'classic');

describe('deploy: a chain with a classic template Task', () => {
  it('grants the bucket of the classic gcsPath as a template bucket, beside the Flex one', () => {
    const facts = chainFacts(classic);
    assert.deepEqual(facts.templateBuckets, ['e2e']);
    assert.deepEqual(facts.computedTemplatePaths, []);
    assert.deepEqual(facts.regions, ['europe-west4']);
  });

  it('grants no bucket for a Flex-only Defaults field that a classic launch leaves out', () => {
    const definition = {
      StartAt: 'Export',
      Defaults: {
        Region: 'europe-west4',
        Environment: { tempLocation: 'gs://tmp-bucket/t', stagingLocation: 'gs://flex-stage/s' },
      },
      States: {
        Export: {
          Type: 'Task',
          Resource: 'dataflow:template',
          Parameters: { jobName: 'export', gcsPath: 'gs://tpl/export' },
          End: true,
        },
      },
    };
    const facts = chainFacts([{ name: 'c', file: 'c.json', definition } as unknown as Chain]);
    assert.deepEqual(facts.workBuckets, ['tmp-bucket']);
    assert.deepEqual(facts.templateBuckets, ['tpl']);
    const flex = {
      ...definition,
      States: {
        Export: {
          ...definition.States.Export,
          Resource: 'dataflow:flexTemplate',
          Parameters: { jobName: 'export', containerSpecGcsPath: 'gs://tpl/export.json' },
        },
      },
    };
    const flexFacts = chainFacts([
      { name: 'c', file: 'c.json', definition: flex } as unknown as Chain,
    ]);
    assert.deepEqual(flexFacts.workBuckets, ['flex-stage', 'tmp-bucket']);
  });

  it("the sink filter's job-name prefixes include the classic Task's, so its end reaches the function", () => {
    assert.deepEqual([...chainPrefixes(classic)].sort(), ['cl-export', 'cl-ingest']);
    const filter = sinkFilter(chainPrefixes(classic));
    const entry = (jobName: string) =>
      jobMessageEntry(
        {
          jobId: '2026-11-21_21_55_23-649376001891440663',
          jobName,
          projectId: 'demo-proj',
          projectNumber: '123456789012',
          location: 'europe-west4',
        },
        false,
        Date.UTC(2026, 10, 22),
        Date.UTC(2026, 10, 22),
      );
    assert.equal(matchesFilter(filter, entry('cl-export-ca1d70b529d5')), true);
    assert.equal(matchesFilter(filter, entry('cl-exports-ca1d70b529d5')), false);
  });
});
