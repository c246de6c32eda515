import { checkKnownFields, field } from './fields.js';
import { ApiError } from './google-error.js';
import type { LaunchRequestBody } from './types.js';

const JOB_NAME = /^[a-z]([-a-z0-9]{0,1022}[a-z0-9])?$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;

/** A launch request that passed validation. */
export interface ValidLaunch {
  readonly jobName: string;
  readonly containerSpecGcsPath: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly validateOnly: boolean;
  readonly request: LaunchRequestBody;
}

function stringMap(value: unknown, at: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, `Invalid value at '${at}': expected a map of strings.`);
  }
  const map: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw new ApiError(
        400,
        `Invalid value at '${at}[${key}]' (TYPE_STRING), ${JSON.stringify(item)}`,
      );
    }
    map[key] = item;
  }
  return map;
}

function checkLabels(labels: Record<string, string>): void {
  const count = Object.keys(labels).length;
  if (count > MAX_LABELS) {
    throw new ApiError(
      400,
      `Too many labels: ${count}; a job may have at most ${MAX_LABELS} labels.`,
    );
  }
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_KEY.test(key)) {
      throw new ApiError(
        400,
        `Invalid label key "${key}": keys must start with a lowercase letter and hold only lowercase letters, digits, '_' and '-', 1 to 63 characters.`,
      );
    }
    if (!LABEL_VALUE.test(value)) {
      throw new ApiError(
        400,
        `Invalid value "${value}" for label "${key}": values hold only lowercase letters, digits, '_' and '-', at most 63 characters.`,
      );
    }
  }
}

/** Validates a flexTemplates:launch body as Dataflow does; throws an {@link ApiError} (400). */
export function validateLaunch(body: unknown): ValidLaunch {
  checkKnownFields(body);
  const request = (body ?? {}) as LaunchRequestBody;
  const parameter = field(request, 'launchParameter');
  if (parameter === undefined || parameter === null) {
    throw new ApiError(400, 'launch_parameter is required.');
  }
  const jobName = field(parameter, 'jobName');
  if (typeof jobName !== 'string' || !JOB_NAME.test(jobName)) {
    throw new ApiError(
      400,
      'JobName invalid; the name must consist of only the characters [-a-z0-9], starting with a letter and ending with a letter or number',
    );
  }
  const gcsPath = field(parameter, 'containerSpecGcsPath');
  if (typeof gcsPath !== 'string' || !/^gs:\/\/[^/]+\/.+/.test(gcsPath)) {
    throw new ApiError(
      400,
      `Invalid template file ${String(gcsPath)}: launch_parameter.container_spec_gcs_path must be a Cloud Storage path gs://bucket/object.`,
    );
  }
  stringMap(field(parameter, 'parameters'), 'launch_parameter.parameters');
  stringMap(field(parameter, 'launchOptions'), 'launch_parameter.launch_options');
  if (field(parameter, 'update') === true) {
    throw new ApiError(
      400,
      'Simulator: launch_parameter.update is not supported (batch jobs cannot be updated).',
    );
  }
  const environment = field(parameter, 'environment');
  const labels = stringMap(
    field(environment, 'additionalUserLabels'),
    'launch_parameter.environment.additional_user_labels',
  );
  checkLabels(labels);
  const validateOnly = field(request, 'validateOnly');
  if (validateOnly !== undefined && typeof validateOnly !== 'boolean') {
    throw new ApiError(
      400,
      `Invalid value at 'validate_only' (TYPE_BOOL), ${JSON.stringify(validateOnly)}`,
    );
  }
  return {
    jobName,
    containerSpecGcsPath: gcsPath,
    labels,
    validateOnly: validateOnly === true,
    request,
  };
}
