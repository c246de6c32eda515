import { endedJob, type JobRef } from '../dataflow/job.js';
import { runIdOf } from '../engine/part-names.js';
import { onJobEnded } from '../engine/job-ended.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import { onLaunchFailed } from '../engine/launched.js';
import { dueTimers, onTimer } from '../engine/timer.js';
import { isLeaseHeld } from '../engine/lease.js';
import { isParked } from '../engine/admission.js';
import { repairAdmission, type AdmissionRepair } from './admission-repair.js';
import type { Run, Step } from '../engine/run.js';
import { JobNotFoundError, isRetryable } from '../errors.js';
import { definitionFor } from './definition.js';
import { usageOf } from './job-ended.js';
import type { HandlerDeps, Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { takeOverLaunch } from './launch.js';
import { cancelJob } from './side-effects.js';
import { checkExecution } from './execution-ended.js';
import { isDataflowStep, isRunJobStep } from '../engine/step-kind.js';
import { repairParts } from './parts.js';
import { rereadItems } from './read-items.js';
import { applyToRun } from './record.js';
import { TICK_LIMITS, type TickLimits } from './tick-limits.js';

interface Work {
  readonly run: Run;
  readonly step: Step;
  /** When the step last changed: the oldest work is the most likely to be stuck. */
  readonly since: string;
}

function refOf(step: Step): JobRef {
  return { projectId: step.projectId, location: step.location };
}

/** Launched steps: those whose job the API no longer lists as active (one list call per region), and abandoned ones whose job still runs. */
async function launchedSteps(
  deps: HandlerDeps,
  runs: readonly Run[],
): Promise<{ ended: Work[]; uncancelled: Work[] }> {
  const launched = runs.flatMap((run) =>
    Object.values(run.steps)
      .filter(
        // Stryker disable next-line ConditionalExpression,LogicalOperator: a RUNNING run's steps are INTENDED (no jobId yet) or LAUNCHED (with its jobId; onLaunched sets both), ended steps leave run.steps for the history, so each half alone selects the same steps
        (step) => step.status === 'LAUNCHED' && step.jobId !== undefined && isDataflowStep(step),
      )
      .map((step) => ({ run, step, since: step.launchedAt ?? step.intendedAt })),
  );
  const regions = new Map(
    launched.map(({ step }) => [`${step.projectId}/${step.location}`, refOf(step)]),
  );
  const active = new Set<string>();
  for (const ref of regions.values()) {
    for (const job of await deps.dataflow.listActiveJobs(ref)) active.add(job.id);
  }
  // Stryker disable next-line StringLiteral: every launched item has a jobId (the filter above), so the fallback is never used
  const isActive = ({ step }: Work) => active.has(step.jobId ?? '');
  return {
    ended: launched.filter((item) => !isActive(item)),
    uncancelled: launched.filter((item) => isActive(item) && item.step.abandoned === true),
  };
}

async function checkLaunched(
  deps: Invocation,
  { run, step }: Work,
  limits: TickLimits,
): Promise<string> {
  const now = deps.clock.now();
  let job;
  try {
    // Stryker disable next-line StringLiteral: checkLaunched only gets items of endedCandidates, all with a jobId, so the fallback is never used
    job = await deps.dataflow.getJob(refOf(step), step.jobId ?? '');
  } catch (error) {
    if (!(error instanceof JobNotFoundError)) throw error;
    const age = now.getTime() - Date.parse(step.launchedAt ?? step.intendedAt);
    if (age < limits.launchVisibilityMs) return 'waiting';
    const cause = `States.${step.state}: job ${step.jobName} (${step.jobId}) was launched ${Math.round(age / 60_000)} min ago but the Dataflow API never showed it`;
    const failed = await applyToRun(deps, run.id, async (current) =>
      onLaunchFailed(
        await definitionFor(deps, current),
        current,
        step.jobName,
        { Error: ERROR_NAMES.launchFailed, Cause: cause },
        now.toISOString(),
      ),
    );
    // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored
    if (failed?.changed) await carryOut(deps, failed);
    return 'failed';
  }
  const ended = endedJob(job);
  if (ended === undefined) return 'waiting';
  const usage = await usageOf(deps, ended);
  const transition = await applyToRun(deps, run.id, async (current) =>
    onJobEnded(
      await definitionFor(deps, current),
      current,
      ended,
      deps.clock.now().toISOString(),
      usage,
    ),
  );
  // Stryker disable next-line OptionalChaining: applyToRun answers undefined only for a run that is not stored, and this run was just listed from the store, which has no delete
  if (transition?.changed) {
    await carryOut(deps, transition);
    return 'advanced';
  }
  return 'waiting';
}

/**
 * Fires every timer already due: the timer port delivers on time, and this catches the ones it
 * lost. Each is its own compare-and-set, so a delivery of the same timer meanwhile is harmless.
 */
async function fireDueTimers(inv: Invocation, runs: readonly Run[], now: string): Promise<number> {
  let fired = 0;
  for (const run of runs) {
    for (const name of dueTimers(run, now)) {
      const transition = await applyToRun(inv, run.id, async (current) =>
        onTimer(await definitionFor(inv, current), current, name, inv.clock.now().toISOString()),
      );
      if (transition?.changed) {
        fired++;
        await carryOut(inv, transition);
      }
    }
  }
  return fired;
}

/**
 * Repairs the Map item parts of every listed document (created, reported or stopped where a
 * crash left them); a running part is in the list already, so only anomalies cost a read.
 */
async function repairAllParts(
  inv: Invocation,
  runs: readonly Run[],
  failures: unknown[],
): Promise<number> {
  const listed = new Map(runs.map((run) => [run.id, run]));
  const docs = async (id: string) => listed.get(id) ?? (await inv.store.get(id));
  return repairParts(inv, runs, docs, failures);
}

/** repairAdmission, with a failure logged and kept in `failures` (the rest of the tick goes on). */
async function repairBudgets(
  inv: Invocation,
  runs: readonly Run[],
  failures: unknown[],
): Promise<AdmissionRepair> {
  try {
    return await repairAdmission(inv, runs);
  } catch (error) {
    failures.push(error);
    inv.logger.write({
      severity: 'WARNING',
      event: 'tick.failed',
      message: `tick: repairing the job and run budgets failed: ${error instanceof Error ? error.message : String(error)}`,
    });
    return { admitted: 0, dropped: 0, adopted: 0 };
  }
}

/** `work` turned so that this period's window of `size` items comes first. */
export function rotated<T>(work: readonly T[], size: number, nowMs: number, periodMs: number): T[] {
  // Stryker disable next-line EqualityOperator: `<` is equivalent: at work.length === size the offset (k * size) % size is 0, so the list is returned unturned either way
  if (work.length <= size) return [...work];
  const offset = (Math.floor(nowMs / periodMs) * size) % work.length;
  return [...work.slice(offset), ...work.slice(0, offset)];
}

async function reconcile(inv: Invocation, item: Work, limits: TickLimits): Promise<string> {
  if (item.step.status !== 'INTENDED' && isRunJobStep(item.step))
    return checkExecution(inv, item.step);
  if (item.step.status !== 'INTENDED') return checkLaunched(inv, item, limits);
  // Held: another delivery claimed it between the query and the claim; it is in good hands.
  const outcome = await takeOverLaunch(inv, item.run, item.step);
  return outcome === 'held' || outcome === 'settled' ? 'waiting' : 'relaunched';
}

/**
 * Handles `tick`: finds what events should have said and did not — jobs that ended without
 * their event, intents whose holder died, launches whose job never appeared, Map item reads
 * lost to a crash — and advances each
 * run exactly as the event would have. Cost: one Firestore query, one `jobs.list` per region
 * with launched jobs, and at most `limits.maxChecks` further Dataflow calls, in a window that
 * moves every `rotationPeriodMs`. Safe alongside events and other ticks: every change is a
 * compare-and-set, and only the holder of an intent's lease launches it.
 */
export async function handleTick(inv: Invocation): Promise<void> {
  const limits = inv.tickLimits ?? TICK_LIMITS;
  const runs = await inv.store.listRunning();
  const now = inv.clock.now();
  const intents: Work[] = runs.flatMap((run) =>
    Object.values(run.steps)
      .filter(
        (step) =>
          step.status === 'INTENDED' &&
          // In line or waiting out a quota refusal: admission and timers hand those back.
          (!isParked(step) || step.abandoned === true) &&
          !isLeaseHeld(step, now.toISOString(), inv.launchLeaseMs),
      )
      .map((step) => ({ run, step, since: step.intendedAt })),
  );
  const fired = await fireDueTimers(inv, runs, now.toISOString());
  const failures: unknown[] = [];
  // A Map's read lost to a crash: asked again once its first try surely ended (a lease's time).
  const reread = await rereadItems(inv, runs, inv.launchLeaseMs, failures);
  const parts = await repairAllParts(inv, runs, failures);
  const admission = await repairBudgets(inv, runs, failures);
  const launched = await launchedSteps(inv, runs);
  await Promise.all(launched.uncancelled.map(({ run, step }) => cancelJob(inv, run, step)));
  // A Cloud Run execution has no cheap list of the active ones: each costs a check in the window.
  const executions: Work[] = runs.flatMap((run) =>
    Object.values(run.steps)
      .filter((step) => step.status === 'LAUNCHED' && isRunJobStep(step))
      .map((step) => ({ run, step, since: step.launchedAt ?? step.intendedAt })),
  );
  const work = [...intents, ...launched.ended, ...executions].sort((a, b) =>
    a.since === b.since
      ? a.step.jobName.localeCompare(b.step.jobName)
      : a.since.localeCompare(b.since),
  );
  const window = rotated(work, limits.maxChecks, now.getTime(), limits.rotationPeriodMs).slice(
    0,
    limits.maxChecks,
  );
  const counts: Record<string, number> = { advanced: 0, relaunched: 0, failed: 0, waiting: 0 };
  for (const item of window) {
    try {
      const outcome = await reconcile(inv, item, limits);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    } catch (error) {
      // One broken run must not starve the others; transient failures fail the tick afterwards.
      failures.push(error);
      inv.logger.write({
        severity: 'WARNING',
        event: 'tick.failed',
        message: `tick: reconciling ${item.step.jobName} of run ${runIdOf(item.run)} failed: ${error instanceof Error ? error.message : String(error)}`,
        runId: runIdOf(item.run),
        chain: item.run.chain,
        state: item.step.state,
      });
    }
  }
  const deferred = work.length - window.length;
  // Runs, not documents: a run's Map items and Parallel branches are documents of their own.
  const running = new Set(runs.map(runIdOf)).size;
  inv.logger.write({
    severity: 'INFO',
    event: 'tick.done',
    message: `tick: ${running} running run(s); ${fired} overdue timer(s) fired, ${parts} Map item part(s) repaired, ${admission.admitted} waiter(s) admitted, ${admission.dropped} orphan slot(s) released, ${launched.uncancelled.length} abandoned job(s) cancelled again; ${counts['advanced']} advanced, ${counts['relaunched']} intent(s) taken over, ${counts['failed']} launch(es) never appeared, ${counts['waiting']} still waiting, ${failures.length} failed, ${deferred} deferred to a later tick`,
    runs: running,
    timersFired: fired,
    itemsReread: reread,
    partsRepaired: parts,
    admitted: admission.admitted,
    orphanSlots: admission.dropped,
    slotsAdopted: admission.adopted,
    ...counts,
    failures: failures.length,
    deferred,
  });
  const retryable = failures.find(isRetryable);
  // Caught errors are rethrown as they came; only their retryability decided to keep them.
  if (retryable !== undefined) throw retryable as Error;
}
