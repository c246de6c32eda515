import { ApiError } from './google-error.js';

const REQUEST_FIELDS = ['launchParameter', 'validateOnly'];
const PARAMETER_FIELDS = [
  'jobName',
  'containerSpec',
  'containerSpecGcsPath',
  'parameters',
  'launchOptions',
  'environment',
  'update',
  'transformNameMappings',
];
const ENVIRONMENT_FIELDS = [
  'additionalExperiments',
  'additionalPipelineOptions',
  'additionalUserLabels',
  'autoscalingAlgorithm',
  'diskSizeGb',
  'dumpHeapOnOom',
  'enableLauncherVmSerialPortLogging',
  'enableStreamingEngine',
  'flexrsGoal',
  'ipConfiguration',
  'kmsKeyName',
  'launcherMachineType',
  'machineType',
  'maxWorkers',
  'network',
  'numWorkers',
  'saveHeapDumpsToGcsPath',
  'sdkContainerImage',
  'serviceAccountEmail',
  'stagingLocation',
  'streamingMode',
  'subnetwork',
  'tempLocation',
  'workerRegion',
  'workerZone',
  'zone',
];

// LaunchTemplateParameters, the body of a classic templates.launch, and its RuntimeEnvironment
// (googleapis' generated v1b3 Schema$LaunchTemplateParameters and Schema$RuntimeEnvironment;
// https://cloud.google.com/dataflow/docs/reference/rest/v1b3/LaunchTemplateParameters).
const CLASSIC_FIELDS = ['environment', 'jobName', 'parameters', 'transformNameMapping', 'update'];
const RUNTIME_ENVIRONMENT_FIELDS = [
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

// google.dataflow.v1beta3.Job, the body of jobs.update (googleapis' generated v1b3 Schema$Job).
const JOB_FIELDS = [
  'clientRequestId',
  'createTime',
  'createdFromSnapshotId',
  'currentState',
  'currentStateTime',
  'environment',
  'executionInfo',
  'id',
  'jobMetadata',
  'labels',
  'location',
  'name',
  'pausable',
  'pipelineDescription',
  'projectId',
  'replaceJobId',
  'replacedByJobId',
  'requestedState',
  'runtimeUpdatableParams',
  'satisfiesPzi',
  'satisfiesPzs',
  'serviceResources',
  'stageStates',
  'startTime',
  'steps',
  'stepsLocation',
  'tempFiles',
  'transformNameMapping',
  'type',
];

/** Proto field names (snake_case), as Google's JSON parser names them in errors. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Google's JSON parser accepts both the lowerCamel and the proto (snake_case) name. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * `value` as an object whose every field (snake_case or camelCase) is in `known`; `{}` for an
 * absent one; Google's 400 wording otherwise.
 */
export function checkObject(
  value: unknown,
  known: readonly string[],
  at: string,
): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(
      400,
      `Invalid JSON payload received. Expected an object at '${at || 'request'}'.`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(camel(key))) {
      const where = at ? ` at '${at}'` : '';
      throw new ApiError(
        400,
        `Invalid JSON payload received. Unknown name "${key}"${where}: Cannot find field.`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/** Rejects unknown fields the way Google's JSON parser does (a typo never passes silently). */
export function checkKnownFields(body: unknown): void {
  checkObject(body, REQUEST_FIELDS, '');
  const parameter = field(body, 'launchParameter');
  checkObject(parameter, PARAMETER_FIELDS, snake('launchParameter'));
  const environment = field(parameter, 'environment');
  checkObject(environment, ENVIRONMENT_FIELDS, 'launch_parameter.environment');
}

/**
 * Rejects unknown fields of a classic `templates.launch` body (LaunchTemplateParameters, the
 * request's `launch_parameters`): a Flex-only environment field such as flexrsGoal fails here.
 */
export function checkClassicFields(body: unknown): void {
  checkObject(body, CLASSIC_FIELDS, '');
  checkObject(
    field(body, 'environment'),
    RUNTIME_ENVIRONMENT_FIELDS,
    'launch_parameters.environment',
  );
}

/** Rejects unknown fields of a `jobs.update` body (a Job) as Google's JSON parser does. */
export function checkJobFields(body: unknown): void {
  checkObject(body, JOB_FIELDS, '');
}

/** Reads a field by its lowerCamel or snake_case name. */
export function field(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const record = object as Record<string, unknown>;
  return record[name] ?? record[snake(name)];
}
