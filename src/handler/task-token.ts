import { createHash, randomBytes } from 'node:crypto';
import { JOB_NAME_PATTERN } from '../chain/job-name.js';
import { DOC_ID_PATTERN } from '../events/command.js';

/** What a task token says of where its task is: the run or part document and the step. */
export interface TokenLocator {
  readonly docId: string;
  readonly jobName: string;
}

const VERSION = 'dfct1';
// 32 random bytes: 256 bits no one can guess; the locator in front only says where to look.
const SECRET_BYTES = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// A token is handed to a workload and comes back in a command: bound it so a huge one is refused early.
const MAX_TOKEN_LENGTH = 2048;

const encode = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/**
 * A fresh task token for step `jobName` of document `docId`:
 * `dfct1.<docId>.<jobName>.<secret>`, the two names base64url-encoded, the secret 32 random
 * bytes. Only its SHA-256 is stored, so a reader of the store cannot call back for a task.
 */
export function newTaskToken(locator: TokenLocator): string {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return `${VERSION}.${encode(locator.docId)}.${encode(locator.jobName)}.${secret}`;
}

/** The SHA-256 (hex) of a token: what the step stores and a callback is checked against. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Where a token points, or the reason it is not a dfchain task token at all. */
export function parseTaskToken(token: string): TokenLocator | string {
  if (token.length > MAX_TOKEN_LENGTH) return `it is longer than ${MAX_TOKEN_LENGTH} characters`;
  const parts = token.split('.');
  const [version, doc, job, secret] = parts;
  if (parts.length !== 4 || version !== VERSION || doc === undefined || job === undefined)
    return `it is not of the form ${VERSION}.<run>.<step>.<secret> that dfchain hands out as $$.Task.Token`;
  if (secret === undefined || !SECRET_PATTERN.test(secret))
    return 'its secret part is not 43 base64url characters';
  const docId = Buffer.from(doc, 'base64url').toString('utf8');
  const jobName = Buffer.from(job, 'base64url').toString('utf8');
  if (encode(docId) !== doc || encode(jobName) !== job)
    return 'its run or step part is not base64url-encoded text';
  if (!DOC_ID_PATTERN.test(docId) || !JOB_NAME_PATTERN.test(jobName))
    return 'its run or step part names no run document or step dfchain makes';
  return { docId, jobName };
}

/**
 * The message's JSON text and attributes with every occurrence of the placeholder that stands
 * for `$$.Task.Token` replaced by the token (JSON escapes none of either's characters).
 */
export function withToken(
  text: string,
  attributes: Readonly<Record<string, string>>,
  placeholder: string,
  token: string,
): { readonly text: string; readonly attributes: Record<string, string> } {
  const put = (value: string): string => value.split(placeholder).join(token);
  return {
    text: put(text),
    attributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, put(v)])),
  };
}
