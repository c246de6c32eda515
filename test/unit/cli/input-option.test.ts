import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputOption } from '../../../src/cli/input-option.js';
import { ConfigError } from '../../../src/errors.js';

describe('readInputOption', () => {
  it('reads a JSON object inline or from @file, and {} when absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfchain-input-'));
    try {
      writeFileSync(join(dir, 'in.json'), '{"date": "2024-01-31"}');
      assert.deepEqual(readInputOption(undefined), {});
      assert.deepEqual(readInputOption('{"a": [1]}'), { a: [1] });
      assert.deepEqual(readInputOption(`@${join(dir, 'in.json')}`), { date: '2024-01-31' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a JSON object with a ConfigError naming the option', () => {
    assert.throws(() => readInputOption('[1]'), {
      name: 'ConfigError',
      message: '--input must be a JSON object, the input a run starts with, got [1]',
    });
    assert.throws(
      () => readInputOption('{date'),
      (e: unknown) => e instanceof ConfigError && /^--input: not JSON \(/.test(e.message),
    );
    assert.throws(
      () => readInputOption('@/no/such/file.json'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith('--input @/no/such/file.json: cannot read the file (ENOENT'),
    );
  });
});
