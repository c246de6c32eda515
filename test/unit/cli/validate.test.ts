import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { validateCommand } from '../../../src/cli/validate.js';
import { ChainsInvalidError } from '../../../src/errors.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));

describe('dfchain validate', () => {
  it('lists each valid chain', () => {
    const lines: string[] = [];
    assert.equal(
      validateCommand(fixture('e2e-chains'), (l) => lines.push(l)),
      0,
    );
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^ok {2}sales {2}\(.*sales\.json: 3 states, starts at Ingest\)$/);
  });

  it('throws every problem of an invalid folder', () => {
    assert.throws(
      () => validateCommand(fixture('invalid-chains'), () => undefined),
      ChainsInvalidError,
    );
  });
});
