import type { ChainProblem } from '../errors.js';
import { isObject } from '../json.js';
import { compileGlob } from './gcs-glob.js';

/** Longest object name, hence longest useful prefix, in bytes of UTF-8. */
const OBJECT_NAME_MAX_BYTES = 1024;

/**
 * What is wrong with a Cloud Storage bucket name, after
 * https://cloud.google.com/storage/docs/buckets#naming: lowercase letters, digits, `-`, `_`
 * and `.`; starts and ends with a letter or digit; 3–63 characters, or up to 222 with dots
 * when each dot-separated part has at most 63; not an IP address; no `goog` prefix and no
 * `google` in it.
 */
export function bucketNameProblem(bucket: string): string | undefined {
  const quoted = JSON.stringify(bucket);
  if (!/^[a-z0-9._-]+$/.test(bucket))
    return `bucket ${quoted} may hold only lowercase letters, digits, "-", "_" and "." (a bucket name, without gs://)`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket))
    return `bucket ${quoted} must start and end with a letter or a digit`;
  const dotted = bucket.includes('.');
  if (bucket.length < 3 || bucket.length > (dotted ? 222 : 63))
    return `bucket ${quoted} must be 3 to 63 characters long (up to 222 with dots), not ${bucket.length}`;
  const longPart = bucket.split('.').find((part) => part.length > 63);
  if (longPart !== undefined)
    return `bucket ${quoted} has a dot-separated part of ${longPart.length} characters; each may have at most 63`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket))
    return `bucket ${quoted} is an IP address, which Cloud Storage refuses as a bucket name`;
  if (bucket.startsWith('goog') || bucket.includes('google'))
    return `bucket ${quoted} may not start with "goog" nor contain "google"`;
  return undefined;
}

/**
 * Checks a chain's `Triggers` beyond the schema: each bucket is a valid bucket name, each
 * prefix fits an object name, each matchGlob parses as Cloud Storage reads it (gcs-glob.ts).
 * Values of the wrong type are the schema's to report.
 */
export function triggerProblems(chain: unknown): ChainProblem[] {
  if (!isObject(chain) || !Array.isArray(chain['Triggers'])) return [];
  const problems: ChainProblem[] = [];
  chain['Triggers'].forEach((trigger: unknown, i) => {
    if (!isObject(trigger) || !isObject(trigger['Gcs'])) return;
    const { bucket, prefix, matchGlob } = trigger['Gcs'];
    const at = `Triggers[${i}].Gcs`;
    if (typeof bucket === 'string' && bucket !== '') {
      const problem = bucketNameProblem(bucket);
      if (problem !== undefined) problems.push({ path: `${at}.bucket`, message: problem });
    }
    if (typeof prefix === 'string') {
      const bytes = Buffer.byteLength(prefix, 'utf8');
      if (bytes > OBJECT_NAME_MAX_BYTES)
        problems.push({
          path: `${at}.prefix`,
          message: `prefix is ${bytes} bytes of UTF-8; an object name has at most ${OBJECT_NAME_MAX_BYTES}, so no object would match`,
        });
      else if (/[\r\n]/.test(prefix))
        problems.push({
          path: `${at}.prefix`,
          message: 'prefix holds a carriage return or line feed, which no object name may hold',
        });
    }
    if (typeof matchGlob === 'string' && matchGlob !== '') {
      const compiled = compileGlob(matchGlob);
      if (!compiled.ok)
        problems.push({
          path: `${at}.matchGlob`,
          message: `${JSON.stringify(matchGlob)} is not a Cloud Storage glob: ${compiled.error}`,
        });
    }
  });
  return problems;
}
