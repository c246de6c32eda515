import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** Where the chain schema lives: two levels up from both src/chain and dist/chain. */
export const SCHEMA_URL = new URL('../../dag/schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

/** The compiled chain schema, read and compiled on first use only. */
export function chainSchemaValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
    // verbose: errors carry the offending data and their parent schema, to build messages.
    compiled = new Ajv({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
    }).compile(schema);
  }
  return compiled;
}
