import { jobNameFor } from '../chain/job-name.js';
import type { ChainDefinition, TaskResource } from '../chain/types.js';
import type { ClassicTemplateLaunch, FlexTemplateLaunch } from '../dataflow/job.js';
import type { DataflowDryRunPort } from '../dataflow/port.js';
import { jobLabels } from '../engine/labels.js';
import { classicLaunchRequest, launchRequest } from '../engine/launch-request.js';
import {
  publishRequest,
  tokenPlaceholder,
  type PublishRequest,
} from '../engine/publish-request.js';
import { stepPrefix, waitsForTaskToken } from '../chain/resources.js';
import { ConfigError, PublishPermanentError, RunPermanentError } from '../errors.js';
import type { CloudRunDryRunPort } from '../cloudrun/port.js';
import { runJobRef } from '../cloudrun/parameters.js';
import { runJobStepRequest, type RunJobStepRequest } from '../engine/run-job-request.js';
import { DRY_RUN_ID, type ResolvedTask } from './task-inputs.js';

/** The chain a Task belongs to, and the deployment's defaults its request takes. */
export interface DryRunChain {
  readonly chain: string;
  readonly definition: ChainDefinition;
  /** `DFCHAIN_WORKER_SERVICE_ACCOUNT`, which the function puts in each launch. */
  readonly workerServiceAccount?: string;
}

/** The dry runs `validate --remote` asks the APIs for: Dataflow's, and Cloud Run's when wired. */
export type DryRunPorts = DataflowDryRunPort & Partial<CloudRunDryRunPort>;

/** Asks the resource's API to check a Task's request without running it; throws its refusal. */
export type DryRun = (port: DryRunPorts, task: ResolvedTask, chain: DryRunChain) => Promise<void>;

/** How a request names its job and its run: a dry run's fixed names unless given. */
export interface LaunchNaming {
  readonly jobName: string;
  /** The `dfchain-run` label. */
  readonly runId: string;
  /** The `dfchain-part` label: the key of the branch or item that launches the job. */
  readonly part?: string;
}

type TaskRequestInput = Pick<ResolvedTask, 'place' | 'name' | 'state' | 'parameters'>;

/**
 * The names a dry run gives a Task's step: real ones (the APIs check a whole job name), from
 * the fixed dry-run id and no nonce.
 */
function dryRunNaming(task: TaskRequestInput, chain: DryRunChain): LaunchNaming {
  const jobName = jobNameFor(stepPrefix(task.state.Resource, task.state.Parameters.jobName), {
    chain: chain.chain,
    runId: DRY_RUN_ID,
    state: task.place,
    attempt: 0,
    nonce: '',
  });
  return { jobName, runId: DRY_RUN_ID };
}

/** A request built by the engine's code with the names the function would give it. */
function built<T>(
  build: typeof launchRequest | typeof classicLaunchRequest,
  task: TaskRequestInput,
  chain: DryRunChain,
  naming: LaunchNaming | undefined,
): T {
  const { jobName, runId, part } = naming ?? dryRunNaming(task, chain);
  return build(
    chain.definition.Defaults,
    task.parameters,
    jobName,
    jobLabels(runId, chain.chain, task.name, part),
    chain.workerServiceAccount,
  ) as T;
}

/** The `flexTemplates.launch` body the function would send for this Task, built by the engine's code. */
export function flexTemplateRequest(
  task: TaskRequestInput,
  chain: DryRunChain,
  naming?: LaunchNaming,
): FlexTemplateLaunch {
  return built<FlexTemplateLaunch>(launchRequest, task, chain, naming);
}

/** The classic `templates.launch` request (gcsPath and body) the function would send for this Task. */
export function classicTemplateRequest(
  task: TaskRequestInput,
  chain: DryRunChain,
  naming?: LaunchNaming,
): ClassicTemplateLaunch {
  return built<ClassicTemplateLaunch>(classicLaunchRequest, task, chain, naming);
}

/**
 * The Pub/Sub message a `pubsub:publish…` Task would publish, built by the engine's code; where
 * the run hands out its task token, the placeholder the function replaces with it.
 */
export function publishTaskRequest(
  task: TaskRequestInput,
  chain: DryRunChain,
  naming: LaunchNaming,
  projectId: string,
): PublishRequest {
  const waits = waitsForTaskToken(task.state.Resource);
  const ids = { runId: naming.runId, state: task.name, step: naming.jobName };
  return publishRequest(
    task.parameters,
    projectId,
    ids,
    waits ? tokenPlaceholder(naming.jobName) : undefined,
  );
}

/** Pub/Sub has no dry run: the topic must at least resolve to a full topic name. */
function checkTopic(task: ResolvedTask, chain: DryRunChain): Promise<void> {
  const naming = { jobName: 'publish-dry-run', runId: DRY_RUN_ID };
  const { topic } = publishTaskRequest(task, chain, naming, task.ref.projectId);
  if (!/^projects\/[^/]+\/topics\/[a-zA-Z][-\w.~+%]{2,254}$/.test(topic)) {
    throw new PublishPermanentError(
      `${task.place}.Parameters.topic: ${JSON.stringify(topic)} is not a Pub/Sub topic name (projects/P/topics/T, T 3 to 255 characters starting with a letter)`,
    );
  }
  return Promise.resolve();
}

/**
 * The `jobs.run` request a `run:job` Task would send, built by the engine's code, marked for
 * the step `naming` names.
 */
export function runJobTaskRequest(
  task: TaskRequestInput & Pick<ResolvedTask, 'ref'>,
  chain: DryRunChain,
  naming: LaunchNaming,
): RunJobStepRequest {
  const job = task.parameters['job'];
  const region = task.state.Region ?? chain.definition.Defaults?.Region;
  const ref =
    typeof job === 'string'
      ? runJobRef(job, task.ref.projectId, region)
      : `job ${JSON.stringify(job)} is not a string`;
  if (typeof ref === 'string')
    throw new RunPermanentError(`${task.place}.Parameters.job: ${ref}`, { operation: 'jobs.run' });
  const marker = {
    step: naming.jobName,
    run: naming.runId,
    chain: chain.chain,
    ...(naming.part ? { part: naming.part } : {}),
  };
  return runJobStepRequest(task.parameters, ref, marker);
}

/** Cloud Run's dry run of `jobs.run` (`validateOnly` in the body). */
function checkRunJob(port: DryRunPorts, task: ResolvedTask, chain: DryRunChain): Promise<void> {
  if (port.validateRunJob === undefined) {
    throw new ConfigError(
      'dfchain validate --remote: no Cloud Run client to validate run:job Tasks with',
    );
  }
  const { ref, body } = runJobTaskRequest(task, chain, dryRunNaming(task, chain));
  return port.validateRunJob(ref, body);
}

/**
 * The dry run of each Task resource. A Record, so a new resource does not compile without one:
 * classic templates call `templates.launch` with `validateOnly` as a query parameter; a resource
 * without a validating API (Pub/Sub) gets a dry run that resolves.
 */
export const DRY_RUNS: Readonly<Record<TaskResource, DryRun>> = {
  'dataflow:flexTemplate': (port, task, chain) =>
    port.validateFlexTemplate(task.ref, flexTemplateRequest(task, chain)),
  'dataflow:template': (port, task, chain) =>
    port.validateTemplate(task.ref, classicTemplateRequest(task, chain)),
  'pubsub:publish': (_port, task, chain) => checkTopic(task, chain),
  'pubsub:publish.waitForTaskToken': (_port, task, chain) => checkTopic(task, chain),
  'run:job': checkRunJob,
};
