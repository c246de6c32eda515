import { isObject } from '../json.js';
import type { ContainerOverride, ExecutionSummary, RunJobRequest } from './execution.js';

/**
 * The env var naming the step an execution was started for: `jobs.run` takes no request id and
 * executions take no labels, so dfchain finds an execution it may have started by this value in
 * the execution's `template.containers[].env` (docs/cloud-run.md §4).
 */
export const STEP_ENV = 'DFCHAIN_STEP';
/** The run id, for the workload's own logs. */
export const RUN_ENV = 'DFCHAIN_RUN';
/** The chain's name, for the workload's own logs. */
export const CHAIN_ENV = 'DFCHAIN_CHAIN';

/** Env names dfchain sets itself: a chain file may not set them. */
export const RESERVED_ENV = [STEP_ENV, RUN_ENV, CHAIN_ENV] as const;

/** What identifies the step an execution is started for. */
export interface StepMarker {
  /** Deterministic per run, scope path, state and attempt: the same on every replay. */
  readonly step: string;
  readonly run: string;
  readonly chain: string;
}

/** The reserved env names a request sets, at their `overrides.containerOverrides[i].env[j].name` paths. */
export function reservedEnvProblems(
  request: RunJobRequest,
): { readonly path: string; readonly message: string }[] {
  const problems: { path: string; message: string }[] = [];
  // The request may come straight from a chain file: anything that is not an object is skipped.
  const containers: readonly unknown[] = request.overrides?.containerOverrides ?? [];
  containers.forEach((override, i) => {
    const env: unknown = isObject(override) ? override['env'] : undefined;
    (Array.isArray(env) ? env : []).forEach((variable: unknown, j) => {
      const name = isObject(variable) ? variable['name'] : undefined;
      if (typeof name === 'string' && (RESERVED_ENV as readonly string[]).includes(name)) {
        problems.push({
          path: `overrides.containerOverrides[${i}].env[${j}].name`,
          message: `${name} is set by dfchain (it names the step); use another name`,
        });
      }
    });
  });
  return problems;
}

function marked(override: ContainerOverride, marker: StepMarker): ContainerOverride {
  const own = (override.env ?? []).filter(
    (variable) => !(RESERVED_ENV as readonly string[]).includes(variable.name),
  );
  return {
    ...override,
    env: [
      ...own,
      { name: STEP_ENV, value: marker.step },
      { name: RUN_ENV, value: marker.run },
      { name: CHAIN_ENV, value: marker.chain },
    ],
  };
}

/**
 * The request with the step marker in every container override's env, or in one unnamed
 * override when it has none (applied to the job's container; docs/cloud-run.md §1).
 */
export function markRequest(request: RunJobRequest, marker: StepMarker): RunJobRequest {
  const overrides = request.overrides ?? {};
  const containers = overrides.containerOverrides ?? [];
  const containerOverrides = (containers.length > 0 ? containers : [{}]).map((override) =>
    marked(override, marker),
  );
  return { ...request, overrides: { ...overrides, containerOverrides } };
}

/** The newest execution started for `step`, from a list of the job's executions. */
export function findMarked(
  executions: readonly ExecutionSummary[],
  step: string,
): ExecutionSummary | undefined {
  return executions
    .filter((execution) => execution.env[STEP_ENV] === step)
    .sort((a, b) => Date.parse(b.createTime || '0') - Date.parse(a.createTime || '0'))[0];
}
