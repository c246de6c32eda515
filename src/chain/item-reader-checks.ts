import type { ChainProblem } from '../errors.js';
import { isObject, type UnknownObject } from '../json.js';
import { compileGlob } from './gcs-glob.js';
import { chainStates } from './graph.js';
import { READER_PARAMETERS, type ItemReaderResource } from './item-reader.js';
import { templateProblems } from './task-checks.js';
import { bucketNameProblem } from './trigger-checks.js';

const KNOWN = new Set(
  Object.values(READER_PARAMETERS).flatMap(({ required, optional }) => [...required, ...optional]),
);

const isResource = (value: unknown): value is ItemReaderResource =>
  typeof value === 'string' && Object.hasOwn(READER_PARAMETERS, value);

/** Problems of the Parameters of a reader whose Resource is known. */
function parameterProblems(
  resource: ItemReaderResource,
  parameters: UnknownObject,
  at: string,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const { required, optional } = READER_PARAMETERS[resource];
  for (const name of required) {
    if (!Object.hasOwn(parameters, name) && !Object.hasOwn(parameters, `${name}.$`))
      problems.push({ path: at, message: `${resource} needs "${name}" (or "${name}.$", a path)` });
  }
  for (const key of Object.keys(parameters)) {
    const name = key.endsWith('.$') ? key.slice(0, -2) : key;
    // A name no resource takes is the schema's to report.
    if (required.includes(name) || optional.includes(name) || !KNOWN.has(name)) continue;
    const takes = [...required, ...optional].map((n) => `"${n}"`).join(', ');
    problems.push({
      path: `${at}.${key}`,
      message: `${resource} takes no "${name}" (it takes ${takes}); remove it`,
    });
  }
  const { bucket, matchGlob } = parameters;
  if (typeof bucket === 'string' && bucket !== '') {
    const problem = bucketNameProblem(bucket);
    if (problem !== undefined) problems.push({ path: `${at}.bucket`, message: problem });
  }
  if (resource === 'gcs:listObjects' && typeof matchGlob === 'string' && matchGlob !== '') {
    const compiled = compileGlob(matchGlob);
    if (!compiled.ok)
      problems.push({
        path: `${at}.matchGlob`,
        message: `${JSON.stringify(matchGlob)} is not a Cloud Storage glob: ${compiled.error}`,
      });
  }
  return [...problems, ...templateProblems(parameters, at)];
}

/** Problems of one Map's ItemReader, at `place` (the Map state). */
function readerProblems(state: UnknownObject, place: string): ChainProblem[] {
  const reader = state['ItemReader'];
  if (!isObject(reader)) return [];
  const at = `${place}.ItemReader`;
  const problems: ChainProblem[] = [];
  if (Object.hasOwn(state, 'ItemsPath')) {
    // As AWS: its CDK refuses "itemsPath" with "itemReader" (aws-cdk-lib aws-stepfunctions
    // DistributedMap.validateState: "Provide either `itemsPath` or `itemReader`, but not both").
    problems.push({
      path: `${place}.ItemsPath`,
      message:
        'a Map with "ItemReader" takes its items from the reader, not from its input; remove "ItemsPath" (or "ItemReader")',
    });
  }
  const resource = reader['Resource'];
  if (!isResource(resource)) return problems;
  const config = Object.hasOwn(reader, 'ReaderConfig');
  if (resource === 'gcs:getObject' && !config) {
    problems.push({
      path: at,
      message:
        'gcs:getObject needs "ReaderConfig": {"InputType": "JSON" | "JSONL" | "CSV"}, how the object is read',
    });
  }
  if (resource === 'gcs:listObjects' && config) {
    problems.push({
      path: `${at}.ReaderConfig`,
      message:
        'gcs:listObjects takes no ReaderConfig (each object is one item); remove it, or read a manifest with "gcs:getObject"',
    });
  }
  const parameters = reader['Parameters'];
  if (isObject(parameters))
    problems.push(...parameterProblems(resource, parameters, `${at}.Parameters`));
  return problems;
}

/**
 * Checks every Map's ItemReader beyond the schema: the Parameters its resource needs and takes,
 * a valid literal bucket name and matchGlob, paths that parse, a ReaderConfig exactly for
 * gcs:getObject, and no ItemsPath beside it. Values of the wrong type are the schema's to report.
 */
export function itemReaderProblems(chain: unknown): ChainProblem[] {
  return chainStates(chain).flatMap(({ state, place }) =>
    state.Type === 'Map' ? readerProblems(state, place) : [],
  );
}
