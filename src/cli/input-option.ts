import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { isObject, type JsonObject } from '../json.js';

/**
 * The value of `--input JSON|@file`: a JSON object given inline or, after `@`, read from a file.
 * Absent means `{}`, the input of a run started without one. Anything else is a ConfigError
 * naming the option and what to write instead.
 */
export function readInputOption(text: string | undefined): JsonObject {
  if (text === undefined) return {};
  const fromFile = text.startsWith('@');
  const source = fromFile ? `--input ${text}` : '--input';
  let json: string;
  try {
    json = fromFile ? readFileSync(text.slice(1), 'utf8') : text;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${source}: cannot read the file (${reason})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `${source}: not JSON (${reason}); give a JSON object such as '{"date":"2024-01-31"}'`,
      {
        cause: error,
      },
    );
  }
  if (!isObject(value)) {
    throw new ConfigError(
      `${source} must be a JSON object, the input a run starts with, got ${JSON.stringify(value)}`,
    );
  }
  return value as JsonObject;
}
