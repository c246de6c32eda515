import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type Options, type ValidateFunction } from 'ajv';

/** Where the chain schema lives: two levels up from both src/chain and dist/chain. */
export const SCHEMA_URL = new URL('../../dag/schema.json', import.meta.url);

/** The validator `npm run build` generates beside the built code (ajv standalone). */
export const PRECOMPILED_URL = new URL('./schema-validator.cjs', import.meta.url);

/**
 * verbose: errors carry the offending data and their parent schema, to build messages.
 * `markdownDescription` is an annotation for editors (VS Code shows it on hover).
 */
export const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  keywords: ['markdownDescription'],
  // Stryker disable next-line BooleanLiteral: dag/schema.json compiles cleanly in strict mode, so strict only turns a future schema mistake into a compile error; every chain validates the same
  strict: true,
};

let compiled: ValidateFunction | undefined;

/** Compiles the schema with ajv: what the build precompiles, and what runs from source. */
export function compileChainSchema(options: Options = AJV_OPTIONS): {
  ajv: Ajv;
  validate: ValidateFunction;
} {
  const ajv = new Ajv(options);
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
  return { ajv, validate: ajv.compile(schema) };
}

/**
 * The chain schema's validator. The built package loads the one generated at build time,
 * since compiling the schema is ~200 ms of every cold start; from source it compiles once.
 */
export function chainSchemaValidator(): ValidateFunction {
  if (!compiled) {
    compiled = existsSync(PRECOMPILED_URL)
      ? (createRequire(import.meta.url)(PRECOMPILED_URL.pathname) as ValidateFunction)
      : compileChainSchema().validate;
  }
  return compiled;
}
