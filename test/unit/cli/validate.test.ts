import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateCommand, type ValidateOptions } from '../../../src/cli/validate.js';
import { ConfigError } from '../../../src/errors.js';

/** What one run of the command printed and returned. */
interface Printed {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

function validate(options: Partial<ValidateOptions> & { dir: string }): Printed {
  const out: string[] = [];
  const err: string[] = [];
  const code = validateCommand(
    { files: [], json: false, ...options },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));

/** Chain files with one kind of problem each (and one valid chain), as the tests write them. */
const FILES: Readonly<Record<string, string>> = {
  'ok.json': '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}\n',
  'daily.json': `${JSON.stringify(
    {
      StartAt: 'Ingest',
      States: {
        Ingest: {
          Type: 'Task',
          Resource: 'dataflow:flexTemplate',
          Parameters: { jobName: 'Ingest_Job', containerSpecGcsPath: 'gs://b/t.json' },
          Next: 'Pubilsh',
        },
        Publish: { Type: 'Succeed' },
      },
    },
    null,
    2,
  )}\n`,
  'broken.json': '{\n  "StartAt": "A",\n  "States": }\n',
  'twice.json':
    '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}\n',
  'Bad Name.json': '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}\n',
  'deep.json': `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": ${'['.repeat(70)}${']'.repeat(70)}, "End": true}}}\n`,
  'schema.json': '{"$schema": "http://json-schema.org/draft-07/schema#"}\n',
};

/** The problems of each file in FILES, after `FILE: `. */
const PROBLEMS: Readonly<Record<string, readonly string[]>> = {
  'ok.json': [],
  'daily.json': [
    'States.Ingest.Region: required (or set Defaults.Region for every Task)',
    `States.Ingest.Parameters.jobName: "Ingest_Job" is not a valid job name prefix: start with a lowercase letter, then use lowercase letters, digits or '-'; such as "ingest-job"`,
    'States.Ingest.Next: "Pubilsh" is not a state (did you mean "Publish"?)',
    'States.Publish: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
  ],
  'broken.json': ['(root): invalid JSON at line 3, column 13: unexpected "}" (expected a value)'],
  'twice.json': [
    'States: "A" appears twice; JSON keeps only the last one, so rename or merge them',
  ],
  'Bad Name.json': [
    `(root): "Bad Name" is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "bad-name.json"`,
  ],
  'deep.json': [
    '(root): nested deeper than 64 levels at line 1, column 122; dfchain reads chain files up to 64 levels deep, so flatten it',
  ],
};

describe('dfchain validate', () => {
  let root: string;
  /** A folder holding every file of FILES. */
  let mixed: string;
  /** A folder holding ok.json alone. */
  let valid: string;
  /** Path of a file of `mixed` relative to the working directory: as a user types it. */
  const typed = (name: string) => relative(process.cwd(), join(mixed, name));

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'dfchain-validate-'));
    mixed = join(root, 'mixed');
    valid = join(root, 'valid');
    mkdirSync(mixed);
    mkdirSync(valid);
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(mixed, name), text);
    writeFileSync(join(valid, 'ok.json'), FILES['ok.json']!);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  const cases: {
    readonly name: string;
    readonly run: () => Printed;
    readonly expected: () => Printed;
  }[] = [
    {
      name: 'a valid folder: exit 0, nothing on stdout, each chain and a summary on stderr',
      run: () => validate({ dir: valid }),
      expected: () => ({
        code: 0,
        out: [],
        err: [
          `ok  ok  (${join(valid, 'ok.json')}: 1 state, starts at A)`,
          `1 chain valid in ${valid}`,
        ],
      }),
    },
    {
      name: 'a folder: every problem of every file, FILE being the path in the folder, files in name order',
      run: () => validate({ dir: mixed }),
      expected: () => ({
        code: 1,
        out: ['Bad Name.json', 'broken.json', 'daily.json', 'deep.json', 'twice.json'].flatMap(
          (name) => PROBLEMS[name]!.map((p) => `${join(mixed, name)}: ${p}`),
        ),
        err: [`5 chains invalid in ${mixed}`],
      }),
    },
    {
      name: 'files: only those, FILE as given, in the order given',
      run: () => validate({ dir: valid, files: [typed('twice.json'), typed('daily.json')] }),
      expected: () => ({
        code: 1,
        out: [
          `${typed('twice.json')}: ${PROBLEMS['twice.json']![0]!}`,
          ...PROBLEMS['daily.json']!.map((p) => `${typed('daily.json')}: ${p}`),
        ],
        err: ['2 of 2 chains invalid'],
      }),
    },
    {
      name: 'files: a valid one alone exits 0; --chains-dir is not read',
      run: () => validate({ dir: join(root, 'no-such-folder'), files: [typed('ok.json')] }),
      expected: () => ({
        code: 0,
        out: [],
        err: [`ok  ok  (${typed('ok.json')}: 1 state, starts at A)`, '1 chain valid'],
      }),
    },
    {
      name: 'files: a missing file is one problem; schema.json is skipped; a repeated file counts once',
      run: () =>
        validate({
          dir: valid,
          files: [typed('ok.json'), typed('nope.json'), typed('schema.json'), typed('ok.json')],
        }),
      expected: () => ({
        code: 1,
        out: [`${typed('nope.json')}: (root): no such file (ENOENT); check the path`],
        err: [
          `skipped ${typed('schema.json')}: the chain schema, not a chain (the function does not load it)`,
          `ok  ok  (${typed('ok.json')}: 1 state, starts at A)`,
          '1 of 2 chains invalid',
        ],
      }),
    },
    {
      name: 'files: a name that is not a chain name, even when the file does not end in .json',
      run: () => validate({ dir: valid, files: [join(valid, 'ok.json'), join(root, 'x.yaml')] }),
      expected: () => ({
        code: 1,
        out: [
          `${join(root, 'x.yaml')}: (root): "x.yaml" is not a valid chain name (it becomes a Dataflow label value): use lowercase letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters; rename the file to "x-yaml.json"`,
          `${join(root, 'x.yaml')}: (root): no such file (ENOENT); check the path`,
        ],
        err: [`ok  ok  (${join(valid, 'ok.json')}: 1 state, starts at A)`, '1 of 2 chains invalid'],
      }),
    },
    {
      name: '--json: one object on stdout, the raw path ("" for the whole file), nothing on stderr',
      run: () =>
        validate({ dir: valid, files: [typed('broken.json'), typed('twice.json')], json: true }),
      expected: () => ({
        code: 1,
        out: [
          JSON.stringify({
            valid: false,
            problems: [
              {
                file: typed('broken.json'),
                path: '',
                message: 'invalid JSON at line 3, column 13: unexpected "}" (expected a value)',
              },
              {
                file: typed('twice.json'),
                path: 'States',
                message: '"A" appears twice; JSON keeps only the last one, so rename or merge them',
              },
            ],
            warnings: [],
          }),
        ],
        err: [],
      }),
    },
    {
      name: '--json on a valid folder',
      run: () => validate({ dir: valid, json: true }),
      expected: () => ({
        code: 0,
        out: ['{"valid":true,"problems":[],"warnings":[]}'],
        err: [],
      }),
    },
  ];

  for (const { name, run, expected } of cases) {
    it(name, () => assert.deepEqual(run(), expected()));
  }

  it('reports a file named on the command line exactly as the folder load reports it', () => {
    const folder = validate({ dir: mixed }).out;
    for (const name of Object.keys(FILES).filter((n) => n !== 'schema.json')) {
      const file = join(mixed, name);
      const alone = validate({ dir: valid, files: [file] }).out;
      assert.deepEqual(
        alone,
        folder.filter((line) => line.startsWith(`${file}: `)),
        name,
      );
      assert.equal(alone.length, PROBLEMS[name]!.length, name);
    }
  });

  it('checks the e2e chains valid, as files and as a folder', () => {
    const dir = fixture('e2e-chains');
    const asFolder = validate({ dir });
    assert.equal(asFolder.code, 0);
    assert.deepEqual(asFolder.out, []);
    assert.match(
      asFolder.err[0]!,
      /^ok {2}branch {2}\(.*branch\.json: \d+ states?, starts at \w+\)$/,
    );
    assert.equal(
      asFolder.err.at(-1),
      `17 chains valid in ${dir}; 1 path cannot be checked before the run`,
    );
    const asFiles = validate({ dir: valid, files: [join(dir, 'sales.json')] });
    assert.deepEqual(asFiles, {
      code: 0,
      out: [],
      err: [`ok  sales  (${join(dir, 'sales.json')}: 3 states, starts at Ingest)`, '1 chain valid'],
    });
  });

  describe('warnings: paths that cannot be checked before the run', () => {
    /** A valid chain whose Alert reads the Catch of a Task; with a state never reached when `broken`. */
    const chain = (broken: boolean): string =>
      JSON.stringify({
        StartAt: 'Ingest',
        States: {
          Ingest: {
            Type: 'Task',
            Resource: 'dataflow:flexTemplate',
            Region: 'europe-west1',
            Parameters: { jobName: 'ingest', containerSpecGcsPath: 'gs://b/t.json' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Alert' }],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
          Alert: { Type: 'Fail', CausePath: '$.Cause' },
          ...(broken ? { Spare: { Type: 'Succeed' } } : {}),
        },
      });
    const WARNING =
      'States.Alert.CausePath: warning: "$.Cause" cannot be checked before the run: Alert is reached from a Catch of Ingest, whose output is not followed';
    let dir: string;
    before(() => {
      dir = join(root, 'warned');
      mkdirSync(dir);
      writeFileSync(join(dir, 'caught.json'), chain(false));
      writeFileSync(join(dir, 'typo.json'), chain(true));
    });
    const file = (name: string) => join(dir, name);

    it("on stderr, before the chain's line; stdout and the exit code as without them", () => {
      assert.deepEqual(validate({ dir: valid, files: [file('caught.json')] }), {
        code: 0,
        out: [],
        err: [
          `${file('caught.json')}: ${WARNING}`,
          `ok  caught  (${file('caught.json')}: 3 states, starts at Ingest)`,
          '1 chain valid; 1 path cannot be checked before the run',
        ],
      });
    });

    it('for an invalid chain too, as a file and in a folder', () => {
      const problem =
        'States.Spare: not reachable from StartAt "Ingest"; point a "Next" at it, or remove it';
      const asFile = validate({ dir: valid, files: [file('typo.json')] });
      assert.deepEqual(asFile.out, [`${file('typo.json')}: ${problem}`]);
      assert.deepEqual(asFile.err, [
        `${file('typo.json')}: ${WARNING}`,
        '1 of 1 chain invalid; 1 path cannot be checked before the run',
      ]);
      const asFolder = validate({ dir });
      assert.equal(asFolder.code, 1);
      // A folder with an invalid chain reports the invalid ones alone (as loadChains does).
      assert.deepEqual(asFolder.err, [
        `${file('typo.json')}: ${WARNING}`,
        `1 chain invalid in ${dir}; 1 path cannot be checked before the run`,
      ]);
    });

    it('--json: a warnings array beside the problems, nothing on stderr', () => {
      const warning = {
        path: 'States.Alert.CausePath',
        message:
          '"$.Cause" cannot be checked before the run: Alert is reached from a Catch of Ingest, whose output is not followed',
      };
      assert.deepEqual(validate({ dir: valid, files: [file('caught.json')], json: true }), {
        code: 0,
        out: [
          JSON.stringify({
            valid: true,
            problems: [],
            warnings: [{ file: file('caught.json'), ...warning }],
          }),
        ],
        err: [],
      });
      assert.deepEqual(validate({ dir, json: true }), {
        code: 1,
        out: [
          JSON.stringify({
            valid: false,
            problems: [
              {
                file: file('typo.json'),
                path: 'States.Spare',
                message: 'not reachable from StartAt "Ingest"; point a "Next" at it, or remove it',
              },
            ],
            warnings: [{ file: file('typo.json'), ...warning }],
          }),
        ],
        err: [],
      });
    });
  });

  it('throws ConfigError for a missing chains folder, as the cold start does', () => {
    assert.throws(() => validate({ dir: join(root, 'no-such-folder') }), ConfigError);
  });
});
