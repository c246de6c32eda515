import { isObject, type UnknownObject } from '../json.js';
import { PathError, type ChainProblem } from '../errors.js';
import type { Json } from '../json.js';
import {
  DFCHAIN_LABEL_KEYS,
  MAX_USER_LABELS,
  RESERVED_LABEL_PREFIX,
  isValidLabelKey,
  isValidLabelValue,
  suggestLabelKey,
  suggestLabelValue,
} from './labels.js';
import { chainStates } from './graph.js';
import { dynamicEntries } from './parameters.js';
import { parsePathExpression } from './paths.js';
import { describe } from './schema-problems.js';
import { trustedFieldProblems } from './trusted-fields.js';
import { isDataflowResource } from './resources.js';

const asUnknownObject = (value: unknown): UnknownObject | undefined =>
  isObject(value) ? value : undefined;

/**
 * Checks what the schema cannot, for every Task of the chain (those in Parallel branches and Map
 * item processors too): each has a region, jobName prefixes are unique in the whole chain (a
 * prefix maps a job back to its Task), labels obey Dataflow's rules and leave dfchain's alone,
 * every `.$` value parses, and no `.$` hands a trusted launch environment field to run input.
 */
export function taskProblems(chain: unknown): ChainProblem[] {
  const root = asUnknownObject(chain);
  const states = asUnknownObject(root?.States);
  if (!root || !states) return [];
  const defaults = asUnknownObject(root.Defaults);
  const defaultEnvironment = asUnknownObject(defaults?.Environment);
  const defaultLabels = asUnknownObject(defaultEnvironment?.additionalUserLabels);
  const problems: ChainProblem[] = [];
  if (defaultEnvironment) {
    problems.push(...templateProblems(defaultEnvironment, 'Defaults.Environment'));
    problems.push(...trustedFieldProblems(defaultEnvironment, 'Defaults.Environment'));
  }
  if (defaultLabels)
    problems.push(...labelProblems(defaultLabels, 'Defaults.Environment.additionalUserLabels'));

  const prefixes = new Map<string, string>();
  for (const { state, place } of chainStates(root)) {
    if (state.Type !== 'Task') continue;
    // A published message has no region: only Dataflow Tasks need one.
    const dataflow = isDataflowResource(state.Resource);
    if (dataflow && !Object.hasOwn(state, 'Region') && defaults?.Region === undefined) {
      problems.push({
        path: `${place}.Region`,
        message: 'required (or set Defaults.Region for every Task)',
      });
    }
    const parameters = asUnknownObject(state.Parameters);
    if (!parameters) continue;
    const jobName = parameters.jobName;
    if (typeof jobName === 'string') {
      const owner = prefixes.get(jobName);
      if (owner === undefined) prefixes.set(jobName, place);
      else {
        problems.push({
          path: `${place}.Parameters.jobName`,
          message: `"${jobName}" is also the jobName of ${owner}; rename one so that their Dataflow jobs can be told apart`,
        });
      }
    }
    problems.push(...templateProblems(parameters, `${place}.Parameters`));
    const environment = asUnknownObject(parameters.environment);
    if (environment)
      problems.push(...trustedFieldProblems(environment, `${place}.Parameters.environment`));
    const labels = asUnknownObject(environment?.additionalUserLabels);
    if (labels)
      problems.push(
        ...labelProblems(labels, `${place}.Parameters.environment.additionalUserLabels`),
      );
    const keys = new Set(
      [...Object.keys(defaultLabels ?? {}), ...Object.keys(labels ?? {})].map(labelName),
    );
    if (keys.size > MAX_USER_LABELS) {
      problems.push({
        path: `${place}.Parameters.environment.additionalUserLabels`,
        message: `sets ${keys.size} labels (with Defaults); Dataflow allows 64 per job and dfchain adds up to ${DFCHAIN_LABEL_KEYS.length}, so use at most ${MAX_USER_LABELS}`,
      });
    }
  }
  return problems;
}

const labelName = (key: string): string => (key.endsWith('.$') ? key.slice(0, -2) : key);

/**
 * Problems of a payload template (ASL "Payload Template"): each `.$` value is a string that
 * parses as a path or an intrinsic, and no object sets a key both as itself and as `key.$`
 * (ASL: no duplicate field names once ".$" is stripped).
 */
export function templateProblems(template: UnknownObject, place: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const entry of dynamicEntries(template as Json, place)) {
    if (typeof entry.value !== 'string') {
      // The same text as the schema's, where it types the key: the two are merged.
      problems.push({
        path: entry.place,
        message: `must be a string holding a path or an intrinsic (got ${describe(entry.value)}); for a fixed value, drop ".$" from the key`,
      });
      continue;
    }
    try {
      parsePathExpression(entry.value);
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      problems.push({ path: entry.place, message: error.message });
    }
  }
  const clash = (node: unknown, at: string): void => {
    const fields = asUnknownObject(node);
    if (Array.isArray(node)) node.forEach((item, i) => clash(item, `${at}[${i}]`));
    if (!fields) return;
    for (const [key, value] of Object.entries(fields)) {
      if (key.endsWith('.$') && Object.hasOwn(fields, key.slice(0, -2))) {
        problems.push({
          path: at,
          message: `"${key.slice(0, -2)}" and "${key}" both set "${key.slice(0, -2)}"; keep one`,
        });
      }
      clash(value, `${at}.${key}`);
    }
  };
  clash(template, place);
  return problems;
}

function labelProblems(labels: UnknownObject, place: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const [key, value] of Object.entries(labels)) {
    const name = labelName(key);
    const here = `${place}.${key}`;
    if (name.startsWith(RESERVED_LABEL_PREFIX)) {
      problems.push({
        path: here,
        message: `label keys starting with "${RESERVED_LABEL_PREFIX}" are reserved (dfchain sets dfchain-run, dfchain-chain and dfchain-state); rename it`,
      });
    } else if (!isValidLabelKey(name)) {
      problems.push({
        path: here,
        message: `${JSON.stringify(name)} is not a valid Dataflow label key: start with a lowercase letter, then use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as ${JSON.stringify(suggestLabelKey(name))}`,
      });
    }
    if (name === key && typeof value === 'string' && !isValidLabelValue(value)) {
      problems.push({
        path: here,
        message: `${JSON.stringify(value)} is not a valid Dataflow label value: use lowercase letters, digits, '_' or '-', at most 63 characters and 128 bytes; such as ${JSON.stringify(suggestLabelValue(value))}`,
      });
    }
  }
  return problems;
}
