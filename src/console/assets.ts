import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the page (dist/web), from src/console or dist/console alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A file of the page, read from `root`. */
export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/**
 * The file `path` names under `root` (`console/web/main.js`), or undefined when there is none,
 * the path leaves `root`, or its type is not one the page uses.
 */
export async function readAsset(root: string, path: string): Promise<Asset | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed percent-encoding (`%E0%A4%A`) names no file.
    return undefined;
  }
  const file = normalize(join(root, decoded));
  const type = TYPES[extname(file)];
  if (type === undefined || !file.startsWith(root.endsWith(sep) ? root : root + sep))
    return undefined;
  try {
    return { type, body: await readFile(file) };
  } catch {
    return undefined;
  }
}
