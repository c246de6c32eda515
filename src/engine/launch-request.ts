import type { ChainDefaults, TaskResource } from '../chain/types.js';
import type { ClassicTemplateLaunch, FlexTemplateLaunch, TemplateLaunch } from '../dataflow/job.js';
import { isObject as isPlainObject, type Json, type JsonObject } from '../json.js';

function isObject(value: Json | undefined): value is JsonObject {
  return isPlainObject(value);
}

/** Dataflow's `parameters` and `launchOptions` are `map<string, string>`: scalars become text, objects JSON. */
function stringMap(value: Json | undefined): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return out;
}

/**
 * The `flexTemplates.launch` body for a Task: its resolved Parameters, with `Defaults.Environment`
 * merged under `environment` (the Task wins), the deployment's worker account under both, and
 * dfchain's labels added last so no chain can overwrite them.
 */
export function launchRequest(
  defaults: ChainDefaults | undefined,
  resolved: JsonObject,
  jobName: string,
  labels: Record<string, string>,
  workerServiceAccount?: string,
): FlexTemplateLaunch {
  const defaultEnv = defaults?.Environment ?? {};
  const taskEnv = isObject(resolved['environment']) ? resolved['environment'] : {};
  const parameters = stringMap(resolved['parameters']);
  const launchOptions = stringMap(resolved['launchOptions']);
  const {
    jobName: _prefix,
    parameters: _p,
    environment: _e,
    launchOptions: _o,
    ...rest
  } = resolved;
  return {
    launchParameter: {
      ...rest,
      jobName,
      ...(parameters ? { parameters } : {}),
      ...(launchOptions ? { launchOptions } : {}),
      environment: environment(defaultEnv, taskEnv, labels, workerServiceAccount),
    },
  };
}

/**
 * `Defaults.Environment` under the Task's `environment`, the deployment's worker account under
 * both, and dfchain's labels added last so no chain can overwrite them.
 */
function environment(
  defaultEnv: JsonObject,
  taskEnv: JsonObject,
  labels: Record<string, string>,
  workerServiceAccount: string | undefined,
): Record<string, Json> {
  const userLabels = {
    ...(isObject(defaultEnv['additionalUserLabels']) ? defaultEnv['additionalUserLabels'] : {}),
    ...(isObject(taskEnv['additionalUserLabels']) ? taskEnv['additionalUserLabels'] : {}),
  };
  return {
    // Without it Dataflow would run the workers as the Compute Engine default account.
    ...(workerServiceAccount ? { serviceAccountEmail: workerServiceAccount } : {}),
    ...defaultEnv,
    ...taskEnv,
    additionalUserLabels: { ...userLabels, ...labels },
  };
}

/**
 * The fields of RuntimeEnvironment, the `environment` of a classic `templates.launch` (googleapis
 * v1b3 `Schema$RuntimeEnvironment`;
 * https://cloud.google.com/dataflow/docs/reference/rest/v1b3/RuntimeEnvironment). Flex-only fields
 * of `Defaults.Environment` (flexrsGoal, sdkContainerImage, launcherMachineType, …) would make
 * Dataflow refuse a classic launch, so only these reach one; the schema holds a classic Task's own
 * `environment` to them.
 */
export const RUNTIME_ENVIRONMENT_FIELDS: readonly string[] = [
  'additionalExperiments',
  'additionalPipelineOptions',
  'additionalUserLabels',
  'bypassTempDirValidation',
  'diskSizeGb',
  'enableStreamingEngine',
  'ipConfiguration',
  'kmsKeyName',
  'machineType',
  'maxWorkers',
  'network',
  'numWorkers',
  'serviceAccountEmail',
  'streamingMode',
  'subnetwork',
  'tempLocation',
  'workerRegion',
  'workerZone',
  'zone',
];

/**
 * The classic `templates.launch` request for a Task: `gcsPath` (sent as the query parameter) and
 * the LaunchTemplateParameters body `{jobName, parameters, environment}`, the environment merged
 * as for a Flex launch (labels in `environment.additionalUserLabels`, as RuntimeEnvironment names
 * them).
 */
export function classicLaunchRequest(
  defaults: ChainDefaults | undefined,
  resolved: JsonObject,
  jobName: string,
  labels: Record<string, string>,
  workerServiceAccount?: string,
): ClassicTemplateLaunch {
  const defaultEnv = Object.fromEntries(
    Object.entries(defaults?.Environment ?? {}).filter(([key]) =>
      RUNTIME_ENVIRONMENT_FIELDS.includes(key),
    ),
  );
  const taskEnv = isObject(resolved['environment']) ? resolved['environment'] : {};
  const parameters = stringMap(resolved['parameters']);
  const { jobName: _prefix, gcsPath, parameters: _p, environment: _e, ...rest } = resolved;
  return {
    kind: 'classic',
    // Stryker disable next-line StringLiteral: the schema requires a fixed gs:// gcsPath on a classic Task
    gcsPath: typeof gcsPath === 'string' ? gcsPath : '',
    launchParameter: {
      ...rest,
      jobName,
      ...(parameters ? { parameters } : {}),
      environment: environment(defaultEnv, taskEnv, labels, workerServiceAccount),
    },
  };
}

/** The launch request of a Task of this resource: a classic or a Flex template launch. */
export function taskLaunchRequest(
  resource: TaskResource,
  ...args: Parameters<typeof launchRequest>
): TemplateLaunch {
  return resource === 'dataflow:template' ? classicLaunchRequest(...args) : launchRequest(...args);
}
