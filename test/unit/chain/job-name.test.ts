import { strict as assert } from 'node:assert';
import {
  JOB_NAME_PATTERN,
  JOB_NAME_SUFFIX_LENGTH,
  MAX_JOB_NAME_PREFIX_LENGTH,
  chainPrefixes,
  couldBeChainJob,
  isValidJobNamePrefix,
  jobNameFor,
  suggestJobNamePrefix,
} from '../../../src/chain/job-name.js';
import type { Chain, State } from '../../../src/chain/types.js';

const KEY = { chain: 'daily', runId: 'run-1', state: 'Ingest', attempt: 0, nonce: '' };

describe('job names', () => {
  it('appends the first 12 hex characters of sha256(chain, runId, state, attempt)', () => {
    // sha256("daily\nrun-1\nIngest\n0"), computed independently.
    assert.equal(jobNameFor('ingest', KEY), 'ingest-7690933235c6');
    assert.equal(JOB_NAME_SUFFIX_LENGTH, 12);
  });

  // Each sha256 computed independently (node -e with crypto), so a change of key format shows.
  const perPart: ReadonlyArray<readonly [part: string, key: typeof KEY, name: string]> = [
    ['chain', { ...KEY, chain: 'weekly' }, 'ingest-b9af9121ebeb'],
    ['run id', { ...KEY, runId: 'run-2' }, 'ingest-c7c4e75e1f65'],
    ['state', { ...KEY, state: 'Publish' }, 'ingest-2abbcf266d54'],
    ['attempt', { ...KEY, attempt: 1 }, 'ingest-4014935a5e2c'],
    ['nonce', { ...KEY, nonce: 'n0nce-2' }, 'ingest-c4f0c8d84048'],
  ];
  for (const [part, key, name] of perPart) {
    it(`another ${part} gives another name: ${name}`, () => {
      assert.equal(jobNameFor('ingest', key), name);
    });
  }

  it("job names are unguessable: the run's random nonce is part of the hash", () => {
    // sha256("daily\nrun-1\nIngest\n0\nn0nce-1"), computed independently.
    assert.equal(jobNameFor('ingest', { ...KEY, nonce: 'n0nce-1' }), 'ingest-4661a34d1e8a');
  });

  it('makes valid Dataflow job names from valid prefixes, up to the longest', () => {
    for (const prefix of ['a', 'ingest', 'a-', 'x'.repeat(MAX_JOB_NAME_PREFIX_LENGTH)]) {
      assert.ok(isValidJobNamePrefix(prefix), prefix);
      const name = jobNameFor(prefix, KEY);
      assert.match(name, JOB_NAME_PATTERN);
      assert.ok(name.length <= 1024);
    }
    assert.equal(jobNameFor('x'.repeat(MAX_JOB_NAME_PREFIX_LENGTH), KEY).length, 1024);
  });

  const invalid = [
    '',
    'Ingest',
    '1ingest',
    '-a',
    'a_b',
    'a b',
    'x'.repeat(MAX_JOB_NAME_PREFIX_LENGTH + 1),
  ];
  for (const prefix of invalid) {
    it(`refuses the prefix ${JSON.stringify(prefix.slice(0, 20))}`, () =>
      assert.ok(!isValidJobNamePrefix(prefix)));
  }

  const suggestions: [string, string][] = [
    ['Ingest', 'ingest'],
    ['Ingest_Sales 2024', 'ingest-sales-2024'],
    ['2024-ingest', 'ingest'],
    ['__', 'job'],
    ['Ingest  &  Sales', 'ingest-sales'],
    ['x'.repeat(2000), 'x'.repeat(MAX_JOB_NAME_PREFIX_LENGTH)],
  ];
  for (const [prefix, suggestion] of suggestions) {
    it(`suggests ${JSON.stringify(suggestion.slice(0, 20))} for ${JSON.stringify(prefix.slice(0, 20))}`, () => {
      assert.equal(suggestJobNamePrefix(prefix), suggestion);
      assert.ok(isValidJobNamePrefix(suggestion));
    });
  }
});

describe('couldBeChainJob', () => {
  const prefixes = new Set(['ingest', 'publish-daily']);
  const cases: [string, boolean][] = [
    [jobNameFor('ingest', KEY), true],
    ['ingest-0123456789ab', true],
    ['publish-daily-abcdefabcdef', true],
    ['ingest-0123456789AB', false],
    ['ingest-0123456789a', false],
    ['ingest-0123456789abc', false],
    ['ingest_0123456789ab', false],
    ['ingestx0123456789ab', false],
    ['other-0123456789ab', false],
    ['publish-0123456789ab', false],
    ['-0123456789ab', false],
    ['0123456789ab', false],
    ['ingest-0123456789ag', false],
    ['ingest-0123456789a/', false],
    ['ingest-0123456789a-', false],
    ['ingest-0123456789a`', false],
    ['', false],
  ];
  for (const [name, expected] of cases) {
    it(`${expected ? 'accepts' : 'rejects'} ${JSON.stringify(name)}`, () => {
      assert.equal(couldBeChainJob(name, prefixes), expected);
    });
  }
});

describe('couldBeChainJob: the prefix before the dash', () => {
  const cases: [string, string, boolean][] = [
    ['a-0123456789ab', 'a', true],
    ['-0123456789ab', '', false],
  ];
  for (const [name, prefix, expected] of cases) {
    it(`${expected ? 'accepts' : 'rejects'} ${JSON.stringify(name)} for the prefix ${JSON.stringify(prefix)}`, () =>
      assert.equal(couldBeChainJob(name, new Set([prefix])), expected));
  }
});

describe('chainPrefixes', () => {
  it('collects the jobName of every Task of every chain', () => {
    const chain = (name: string, jobNames: string[]): Chain => {
      const states: Record<string, State> = { Done: { Type: 'Succeed' } };
      jobNames.forEach((jobName, i) => {
        states[`S${i}`] = {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Parameters: { jobName, containerSpecGcsPath: 'gs://b/t.json' },
          Next: i + 1 < jobNames.length ? `S${i + 1}` : 'Done',
        };
      });
      return { name, file: `${name}.json`, definition: { StartAt: 'S0', States: states } };
    };
    assert.deepEqual(
      [...chainPrefixes([chain('a', ['ingest', 'publish']), chain('b', ['ingest', 'report'])])],
      ['ingest', 'publish', 'report'],
    );
  });

  it('finds the Tasks inside Parallel branches and Map item processors, at any depth', () => {
    const task = (jobName: string): State => ({
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Parameters: { jobName, containerSpecGcsPath: 'gs://b/t.json' },
      End: true,
    });
    const states: Record<string, State> = {
      Top: { ...task('top'), End: undefined, Next: 'Fan' } as State,
      Fan: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: task('branch-a') } },
          {
            StartAt: 'Each',
            States: {
              Each: {
                Type: 'Map',
                Iterator: { StartAt: 'Deep', States: { Deep: task('deep') } },
                End: true,
              },
            },
          },
        ],
        Next: 'Items',
      },
      Items: {
        Type: 'Map',
        ItemProcessor: { StartAt: 'Item', States: { Item: task('item') } },
        End: true,
      },
    };
    const chain: Chain = {
      name: 'n',
      file: 'n.json',
      definition: { StartAt: 'Top', States: states },
    };
    assert.deepEqual([...chainPrefixes([chain])], ['top', 'branch-a', 'deep', 'item']);
  });
});
