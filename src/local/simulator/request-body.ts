import type { IncomingMessage } from 'node:http';
import { ApiError } from './google-error.js';

/** The request's JSON body; `{}` when empty, Google's 400 when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'Invalid JSON payload received. Unexpected token.');
  }
}
