import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ChainsInvalidError, ConfigError } from '../../../src/errors.js';
import { loadChains } from '../../../src/chain/load.js';

const GOOD = JSON.stringify({
  StartAt: 'A',
  States: {
    A: {
      Type: 'Task',
      Resource: 'dataflow:flexTemplate',
      Region: 'europe-west4',
      Parameters: { jobName: 'a', containerSpecGcsPath: 'gs://b/t.json' },
      End: true,
    },
  },
});

describe('loadChains', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dfchain-load-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (files: Record<string, string>): void => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  };

  it('loads a chain whose path can only fail at run time (ASL: States.Runtime), which dfchain validate refuses', () => {
    const late = {
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Region: 'europe-west4',
          Parameters: { jobName: 'a', containerSpecGcsPath: 'gs://b/t.json' },
          OutputPath: '$.noSuchField',
          End: true,
        },
      },
    };
    write({ 'late.json': JSON.stringify(late) });
    assert.deepEqual([...loadChains(dir).keys()], ['late']);
    assert.throws(
      () => loadChains(dir, { paths: true }),
      (error: unknown) =>
        error instanceof ChainsInvalidError &&
        error.errors[0]?.problems[0]?.message.includes('"$.noSuchField" will not be found') ===
          true,
    );
  });
  const failure = (): ChainsInvalidError => {
    try {
      loadChains(dir);
    } catch (error) {
      assert.ok(error instanceof ChainsInvalidError, String(error));
      return error;
    }
    return assert.fail('loadChains did not throw');
  };

  it('loads every chain of a folder, named after its file', () => {
    const chains = loadChains('test/fixtures/chains/valid');
    assert.deepEqual([...chains.keys()], ['daily', 'weekly']);
    const daily = chains.get('daily')!;
    assert.equal(daily.name, 'daily');
    assert.equal(daily.file, join('test/fixtures/chains/valid', 'daily.json'));
    assert.equal(daily.definition.StartAt, 'Extract');
  });

  it('loads dag/, skipping schema.json and the examples folder', () => {
    assert.deepEqual([...loadChains('dag').keys()], ['example']);
  });

  it('skips schema.json, other files and folders', () => {
    write({ 'a.json': GOOD, 'schema.json': '{not json', 'notes.txt': 'x' });
    mkdirSync(join(dir, 'sub.json'));
    assert.deepEqual([...loadChains(dir).keys()], ['a']);
  });

  it('refuses a missing folder, naming it and DFCHAIN_CHAINS_DIR', () => {
    const missing = join(dir, 'nope');
    assert.throws(
      () => loadChains(missing),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          `chains folder "${missing}" (${resolve(missing)}) does not exist; create it, or set DFCHAIN_CHAINS_DIR to the folder that holds the chain files`,
        );
        return true;
      },
    );
  });

  it('refuses a file given as the folder', () => {
    write({ 'a.json': GOOD });
    const file = join(dir, 'a.json');
    assert.throws(() => loadChains(file), {
      name: 'ConfigError',
      message: `chains folder "${file}" is not a folder; set DFCHAIN_CHAINS_DIR to the folder that holds the chain files`,
    });
  });

  it('refuses a folder without chain files', () => {
    write({ 'schema.json': '{}', 'readme.md': '' });
    assert.throws(() => loadChains(dir), {
      name: 'ConfigError',
      message: `chains folder "${dir}" has no chain files (*.json other than schema.json); add one, or set DFCHAIN_CHAINS_DIR to the folder that holds the chain files`,
    });
  });

  it('refuses a file name that is not a valid chain name, suggesting one', () => {
    write({ 'Daily Sales.json': GOOD, '-x.json': GOOD });
    const error = failure();
    assert.equal(
      error.message,
      [
        `${join(dir, '-x.json')}: "-x" is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "x.json"`,
        `${join(dir, 'Daily Sales.json')}: "Daily Sales" is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "daily-sales.json"`,
      ].join('\n'),
    );
    assert.equal(error.errors.length, 2);
    assert.equal(error.code, 'CHAIN_INVALID');
    assert.equal(error.retryable, false);
  });

  const fixedNames: [string, string][] = [
    ['Sales  &  Report', 'sales-report'],
    ['__x', 'x'],
    ['!!!', 'chain'],
    ['X'.repeat(70), 'x'.repeat(63)],
  ];
  for (const [name, fixed] of fixedNames) {
    it(`suggests "${fixed}.json" for a chain file named "${name}.json"`, () => {
      write({ [`${name}.json`]: GOOD });
      assert.equal(
        failure().message,
        `${join(dir, `${name}.json`)}: ${JSON.stringify(name)} is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "${fixed}.json"`,
      );
    });
  }

  it('loads the chains in file name order, whatever order the folder lists them in', () => {
    write({ 'c.json': GOOD, 'a.json': GOOD, 'b.json': GOOD });
    assert.deepEqual([...loadChains(dir).keys()], ['a', 'b', 'c']);
  });

  it('reads a file that starts with a byte order mark, keeping one inside a string', () => {
    const json = JSON.parse(GOOD) as Record<string, unknown>;
    json.Comment = '\uFEFFnote';
    write({ 'a.json': `\uFEFF${JSON.stringify(json)}` });
    assert.equal(loadChains(dir).get('a')!.definition.Comment, '\uFEFFnote');
  });

  it('keeps a byte order mark inside a string when the file does not start with one', () => {
    const json = JSON.parse(GOOD) as Record<string, unknown>;
    json.Comment = '\uFEFFnote';
    write({ 'a.json': JSON.stringify(json) });
    assert.equal(loadChains(dir).get('a')!.definition.Comment, '\uFEFFnote');
  });

  it('keeps the file system error as the cause of a missing folder', () => {
    const missing = join(dir, 'nope');
    assert.throws(
      () => loadChains(missing),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
        return true;
      },
    );
  });

  const syntax: [string, string, string][] = [
    [
      'a missing comma',
      '{\n  "StartAt": "A",\n  "States": {}\n  "x": 1\n}',
      'line 4, column 3: unexpected "\\"" (expected "," or "}")',
    ],
    [
      'a trailing comma',
      '{\n  "StartAt": "A",\n}',
      'line 3, column 1: trailing comma before "}": remove it',
    ],
    [
      'a comment',
      '{\n  // first\n}',
      'line 2, column 3: comments are not allowed in JSON; remove it',
    ],
    [
      'a cut-off file',
      '{\n  "StartAt": ',
      'line 2, column 14: unexpected end of file (expected a value)',
    ],
    [
      'single quotes',
      "{'a': 1}",
      `line 1, column 2: unexpected "'" (expected a property name in double quotes)`,
    ],
    [
      'text after the value',
      '{}\n{}',
      'line 2, column 1: unexpected "{" after the end of the JSON value',
    ],
  ];
  for (const [name, text, where] of syntax) {
    it(`reports invalid JSON with line and column: ${name}`, () => {
      write({ 'c.json': text });
      assert.equal(failure().message, `${join(dir, 'c.json')}: invalid JSON at ${where}`);
    });
  }

  it('reports keys written twice, which JSON.parse would silently drop', () => {
    const twice = GOOD.replace('"States":{', '"States":{"A":{"Type":"Succeed"},');
    write({ 'c.json': twice });
    assert.equal(
      failure().message,
      `${join(dir, 'c.json')}: States: "A" appears twice; JSON keeps only the last one, so rename or merge them`,
    );
  });

  it('lists the problems of every invalid file, and nothing of the valid ones', () => {
    const bad = JSON.parse(GOOD) as { States: { A: { Next?: string } } };
    bad.States.A.Next = 'B';
    write({ 'a.json': GOOD, 'b.json': JSON.stringify(bad), 'c.json': '[', 'D.json': GOOD });
    const error = failure();
    assert.deepEqual(error.message.split('\n'), [
      `${join(dir, 'D.json')}: "D" is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "d.json"`,
      `${join(dir, 'b.json')}: States.A: has both "Next" and "End"; keep one`,
      `${join(dir, 'b.json')}: States.A.Next: "B" is not a state (the states are: A)`,
      `${join(dir, 'c.json')}: invalid JSON at line 1, column 2: unexpected end of file (expected a value)`,
    ]);
    assert.deepEqual(
      error.errors.map((e) => [e.file, e.problems.length]),
      [
        [join(dir, 'D.json'), 1],
        [join(dir, 'b.json'), 2],
        [join(dir, 'c.json'), 1],
      ],
    );
  });
});
