import type { Config } from '../config.js';
import {
  ConfigError,
  DataflowPermanentError,
  DataflowTransientError,
  DfchainError,
  PublishPermanentError,
  RunPermanentError,
  RunTransientError,
  type ChainProblem,
} from '../errors.js';
import type { JsonObject } from '../json.js';
import { DRY_RUNS, type DryRunChain, type DryRunPorts } from './dry-run.js';
import { resolveTasks, type ResolvedTask } from './task-inputs.js';
import {
  checkChains,
  problemLine,
  reportChecked,
  warningLine,
  type ValidateOptions,
} from './validate.js';

/** What `dfchain validate --remote` checks, beyond what `dfchain validate` does. */
export interface RemoteValidateOptions extends ValidateOptions {
  /** The run input every Task is resolved with (`--input`). */
  readonly input: JsonObject;
  readonly projectId: string;
  readonly workerServiceAccount?: string;
}

/** A finding at a place of a chain file. */
interface Finding extends ChainProblem {
  readonly file: string;
}

// Dataflow answers a dry run in seconds (it reads the template): a few at once, not hundreds.
const CONCURRENT_DRY_RUNS = 4;

/** Applies `fn` to every item, `limit` at a time, results in the items' order. */
async function inOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * One Task's dry run: undefined when accepted, the refusal's text otherwise. An error without
 * an HTTP answer (no credentials, no network, wrong root URL) would strike every Task alike, so
 * it ends the command with one line saying what to do.
 */
async function dryRun(
  port: DryRunPorts,
  task: ResolvedTask,
  chain: DryRunChain,
): Promise<string | undefined> {
  try {
    await DRY_RUNS[task.state.Resource](port, task, chain);
    return undefined;
  } catch (error) {
    const answered =
      (error instanceof DataflowPermanentError || error instanceof DataflowTransientError) &&
      error.details.httpStatus !== undefined;
    if (
      !answered &&
      (error instanceof DataflowPermanentError || error instanceof DataflowTransientError)
    ) {
      throw new ConfigError(`dfchain validate --remote: ${error.message}`, { cause: error });
    }
    if (error instanceof DataflowTransientError)
      return `Dataflow did not validate it (run again): ${error.message}`;
    if (error instanceof PublishPermanentError) return `Pub/Sub would refuse it: ${error.message}`;
    if (error instanceof RunPermanentError) return `Cloud Run refused: ${error.message}`;
    if (error instanceof RunTransientError)
      return `Cloud Run did not validate it (run again): ${error.message}`;
    if (error instanceof DfchainError) return `Dataflow refused: ${error.message}`;
    throw error;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `dfchain validate --remote [--input JSON|@file]`: the local validation first (its output
 * unchanged); when every chain is valid, resolves every Task of every chain with the input
 * (see resolveTasks) and asks Dataflow to validate its launch without running it. Prints one
 * line `FILE: JSON.PATH: Dataflow refused: message` per refusal on `out`, places that cannot be
 * resolved without running the chain as warnings on `err`; with `json`, one object
 * `{valid, problems, warnings}` instead. Returns 0 when Dataflow accepted every resolved Task,
 * 1 otherwise. Throws ConfigError when Dataflow cannot be asked at all.
 */
export async function validateRemoteCommand(
  options: RemoteValidateOptions,
  port: DryRunPorts,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const checked = checkChains(options, err);
  const localLines: string[] = [];
  // With --json there is one object in the end: the local one only if the local check fails.
  const local = reportChecked(
    checked,
    options,
    options.json ? (l) => localLines.push(l) : out,
    err,
  );
  if (local !== 0) {
    localLines.forEach(out);
    err('remote validation skipped: fix the problems above first');
    return local;
  }
  const problems: Finding[] = [];
  // The local check's warnings too: with --json its own object is not printed.
  const warnings: Finding[] = checked.flatMap(({ file, warnings: local }) =>
    local.map((w) => ({ file, path: w.path, message: w.message })),
  );
  const localWarnings = warnings.length;
  let accepted = 0;
  let asked = 0;
  for (const { file, name, definition } of checked) {
    if (definition === undefined) continue;
    const chain: DryRunChain = {
      chain: name,
      definition,
      ...(options.workerServiceAccount
        ? { workerServiceAccount: options.workerServiceAccount }
        : {}),
    };
    const found = resolveTasks({
      chain: name,
      definition,
      input: options.input,
      projectId: options.projectId,
    });
    const tasks = found.filter((f): f is ResolvedTask => f.kind === 'resolved');
    for (const f of found)
      if (f.kind === 'unresolved') warnings.push({ file, path: f.place, message: f.message });
    const answers = await inOrder(tasks, CONCURRENT_DRY_RUNS, (task) => dryRun(port, task, chain));
    asked += tasks.length;
    answers.forEach((message, i) => {
      if (message === undefined) accepted += 1;
      else problems.push({ file, path: `${tasks[i]?.place ?? ''}.Parameters`, message });
    });
  }
  if (options.json) {
    const strip = ({ file, path, message }: Finding) => ({ file, path, message });
    out(
      JSON.stringify({
        valid: problems.length === 0,
        problems: problems.map(strip),
        warnings: warnings.map(strip),
      }),
    );
    return problems.length === 0 ? 0 : 1;
  }
  for (const p of problems) out(problemLine(p.file, p));
  // The local warnings were printed already, by reportChecked.
  for (const w of warnings.slice(localWarnings)) err(warningLine(w.file, w));
  const remote = warnings.length - localWarnings;
  const unresolved =
    remote > 0 ? `; ${plural(remote, 'place')} cannot be resolved without running` : '';
  // Dataflow and Cloud Run validate without running; a publish Task only has its topic checked.
  err(`the APIs accepted ${accepted} of ${plural(asked, 'Task')}${unresolved}`);
  return problems.length === 0 ? 0 : 1;
}

/** The Dataflow client of the function's configuration (`DFCHAIN_DATAFLOW_ROOT_URL`, timeout). */
export async function dryRunPortFor(config: Config): Promise<DryRunPorts> {
  // Loaded here only: the other commands need no Dataflow client (~110 ms to load).
  const { createDataflowPort } = await import('../dataflow/googleapis.js');
  const { createCloudRunPort } = await import('../cloudrun/googleapis.js');
  const dataflow = createDataflowPort({
    ...(config.dataflowRootUrl ? { rootUrl: config.dataflowRootUrl } : {}),
    timeoutMs: config.dataflowTimeoutMs,
  });
  const run = createCloudRunPort({
    ...(config.runRootUrl ? { rootUrl: config.runRootUrl } : {}),
    timeoutMs: config.dataflowTimeoutMs,
  });
  return {
    validateFlexTemplate: (ref, request) => dataflow.validateFlexTemplate(ref, request),
    validateTemplate: (ref, request) => dataflow.validateTemplate(ref, request),
    validateRunJob: (ref, request) => run.validateRunJob(ref, request),
  };
}
