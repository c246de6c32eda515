import { checkClassicFields, checkKnownFields, field } from './fields.js';
import { ApiError } from './google-error.js';
import type { LaunchRequestBody } from './types.js';

const JOB_NAME = /^[a-z]([-a-z0-9]{0,1022}[a-z0-9])?$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const MAX_LABELS = 64;

/** A launch request that passed validation. */
export interface ValidLaunch {
  readonly jobName: string;
  /** The template file: a Flex `containerSpecGcsPath`, a classic `gcsPath`. */
  readonly templatePath: string;
  /** A classic `templates:launch` (no launcher VM). */
  readonly classic: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly validateOnly: boolean;
  /** The body; for a classic launch `{gcsPath, launchParameter: <LaunchTemplateParameters>}`. */
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

function checkJobName(jobName: unknown): string {
  if (typeof jobName !== 'string' || !JOB_NAME.test(jobName)) {
    throw new ApiError(
      400,
      'JobName invalid; the name must consist of only the characters [-a-z0-9], starting with a letter and ending with a letter or number',
    );
  }
  return jobName;
}

function checkGcsPath(path: unknown, name: string): string {
  if (typeof path !== 'string' || !/^gs:\/\/[^/]+\/.+/.test(path)) {
    throw new ApiError(
      400,
      `Invalid template file ${String(path)}: ${name} must be a Cloud Storage path gs://bucket/object.`,
    );
  }
  return path;
}

function noUpdate(parameter: unknown, at: string): void {
  if (field(parameter, 'update') === true) {
    throw new ApiError(
      400,
      `Simulator: ${at}.update is not supported (batch jobs cannot be updated).`,
    );
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
  const jobName = checkJobName(field(parameter, 'jobName'));
  const gcsPath = checkGcsPath(
    field(parameter, 'containerSpecGcsPath'),
    'launch_parameter.container_spec_gcs_path',
  );
  stringMap(field(parameter, 'parameters'), 'launch_parameter.parameters');
  stringMap(field(parameter, 'launchOptions'), 'launch_parameter.launch_options');
  noUpdate(parameter, 'launch_parameter');
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
    templatePath: gcsPath,
    classic: false,
    labels,
    validateOnly: validateOnly === true,
    request,
  };
}

/**
 * Validates a classic `templates:launch`: `gcsPath` and `validateOnly` from the query, the body a
 * LaunchTemplateParameters (https://cloud.google.com/dataflow/docs/reference/rest/v1b3/projects.locations.templates/launch).
 * Dynamic templates (`dynamicTemplate.*`) are not simulated.
 */
export function validateClassicLaunch(body: unknown, query: URLSearchParams): ValidLaunch {
  if (query.has('dynamicTemplate.gcsPath') || query.has('dynamicTemplate.stagingLocation')) {
    throw new ApiError(400, 'Simulator: dynamic templates (dynamicTemplate.*) are not supported.');
  }
  const gcsPath = checkGcsPath(query.get('gcsPath') ?? undefined, 'gcs_path');
  checkClassicFields(body);
  const parameters = (body ?? {}) as Record<string, unknown>;
  const jobName = checkJobName(field(parameters, 'jobName'));
  stringMap(field(parameters, 'parameters'), 'launch_parameters.parameters');
  noUpdate(parameters, 'launch_parameters');
  const labels = stringMap(
    field(field(parameters, 'environment'), 'additionalUserLabels'),
    'launch_parameters.environment.additional_user_labels',
  );
  checkLabels(labels);
  // A bool query parameter is "true" or "false" (proto3 JSON mapping of bool).
  const validateOnly = query.get('validateOnly');
  if (validateOnly !== null && validateOnly !== 'true' && validateOnly !== 'false') {
    throw new ApiError(400, `Invalid value at 'validate_only' (TYPE_BOOL), "${validateOnly}"`);
  }
  return {
    jobName,
    templatePath: gcsPath,
    classic: true,
    labels,
    validateOnly: validateOnly === 'true',
    request: { gcsPath, launchParameter: parameters },
  };
}
