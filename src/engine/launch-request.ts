import type { ChainDefaults } from '../chain/types.js';
import type { FlexTemplateLaunch } from '../dataflow/job.js';
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
  const userLabels = {
    ...(isObject(defaultEnv['additionalUserLabels']) ? defaultEnv['additionalUserLabels'] : {}),
    ...(isObject(taskEnv['additionalUserLabels']) ? taskEnv['additionalUserLabels'] : {}),
  };
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
      environment: {
        // Without it Dataflow would run the workers as the Compute Engine default account.
        ...(workerServiceAccount ? { serviceAccountEmail: workerServiceAccount } : {}),
        ...defaultEnv,
        ...taskEnv,
        additionalUserLabels: { ...userLabels, ...labels },
      },
    },
  };
}
