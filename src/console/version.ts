import { readFileSync } from 'node:fs';

/** dfchain's version, from the package's own package.json (the same file from src/ and dist/). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
