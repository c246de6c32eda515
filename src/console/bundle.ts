import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Run by `npm run build` after tsc: the page's static files and Mermaid go beside the compiled
// page in dist/web, so the package serves everything itself (the console works offline).
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const target = join(root, 'dist', 'web');
const statics = join(root, 'src', 'console', 'static');

mkdirSync(target, { recursive: true });
// tsc emits every file the page's program reads, type-only imports included: the page loads
// only its own modules (it imports nothing else at run time), so the rest is dropped.
for (const name of readdirSync(target)) {
  if (name !== 'console') rmSync(join(target, name), { recursive: true, force: true });
}
for (const name of readdirSync(join(target, 'console'))) {
  if (name !== 'web') rmSync(join(target, 'console', name), { recursive: true, force: true });
}
for (const name of readdirSync(statics)) copyFileSync(join(statics, name), join(target, name));
// mermaid is a devDependency: only this build step reads it, from the package's own dist.
const require = createRequire(import.meta.url);
const mermaid = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');
copyFileSync(mermaid, join(target, 'mermaid.min.js'));
