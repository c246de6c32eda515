import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readAsset } from '../../../src/console/assets.js';
import { webRootWithPage } from './kit.js';

describe('console assets: readAsset', () => {
  const { root, outside } = webRootWithPage();
  mkdirSync(join(root, 'console', 'web'), { recursive: true });
  writeFileSync(join(root, 'console', 'web', 'main.js'), 'main();\n');
  writeFileSync(join(root, 'style.css'), 'body {}\n');
  // A sibling folder whose name starts with the root's: never inside it.
  const sibling = `${root.slice(0, -1)}2`;
  mkdirSync(sibling);
  writeFileSync(join(sibling, 'x.js'), 'sibling();\n');

  it('a file of the page, with its type (root with or without a trailing separator)', async () => {
    for (const at of [root, root.slice(0, -1)]) {
      const asset = await readAsset(at, 'console/web/main.js');
      assert.equal(asset?.type, 'text/javascript; charset=utf-8');
      assert.equal(asset?.body.toString(), 'main();\n');
    }
    assert.equal((await readAsset(root, 'style.css'))?.type, 'text/css; charset=utf-8');
    assert.equal((await readAsset(root, 'index.html'))?.type, 'text/html; charset=utf-8');
    assert.equal((await readAsset(root, 'console%2Fweb%2Fmain.js'))?.body.toString(), 'main();\n');
  });

  it('nothing for a missing file, a folder, or a type the page does not use', async () => {
    assert.equal(await readAsset(root, 'missing.js'), undefined);
    assert.equal(await readAsset(root, 'x.txt'), undefined);
    assert.equal(await readAsset(root, 'console'), undefined);
    assert.equal(await readAsset(root, ''), undefined);
  });

  for (const path of [
    '../secret.js',
    '%2e%2e/secret.js',
    '..%2fsecret.js',
    'console/../../secret.js',
    `../${sibling.slice(dirname(sibling).length + 1)}/x.js`,
    `${outside}/secret.js`,
    '%2F..%2Fsecret.js',
  ]) {
    it(`nothing outside the root: ${path.startsWith('/') ? 'an absolute path' : path}`, async () => {
      assert.equal(await readAsset(root, path), undefined);
      assert.equal(await readAsset(root.slice(0, -1), path), undefined);
    });
  }

  it('malformed percent-encoding names no file (no throw)', async () => {
    assert.equal(await readAsset(root, '%E0%A4%A'), undefined);
    assert.equal(await readAsset(root, 'x%'), undefined);
  });
});
