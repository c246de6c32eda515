import { writeFileSync } from 'node:fs';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, PRECOMPILED_URL, compileChainSchema } from './schema.js';

/**
 * Part of `npm run build`: writes dag/schema.json's validator as code (ajv standalone) beside
 * the built files, so a cold start loads it instead of compiling the schema. CommonJS, because
 * ajv's generated code requires its runtime helpers.
 */
export function precompileChainSchema(): string {
  const { ajv, validate } = compileChainSchema({ ...AJV_OPTIONS, code: { source: true } });
  // A CommonJS module seen from ESM: its `default` export sits on the default import.
  writeFileSync(PRECOMPILED_URL, standalone.default(ajv, validate));
  return PRECOMPILED_URL.pathname;
}

console.log(`wrote ${precompileChainSchema()}`);
