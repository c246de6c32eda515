import { waitingEntries, type QueueEntry } from '../engine/admission.js';
import type { Run } from '../engine/run.js';
import type { RunStore } from '../store/port.js';

/** A run or a launch waiting in its pool's line, as `dfchain status --json` shows it. */
export interface QueuedView {
  readonly pool: string;
  /** ISO time it joined the line. */
  readonly since: string;
  /** 1 = next to be admitted; absent when the line was not read (runView without places). */
  readonly position?: number;
}

/** A launch Dataflow refused for quota (429), waiting for its retry timer. */
export interface QuotaWaitView {
  readonly dueAt: string;
  /** How many such waits the step has had, this one included. */
  readonly waits: number;
}

/** Places in line by {@link placeKey}, 1 = next. */
export type Places = ReadonlyMap<string, number>;

/** What status reads beyond the run's documents to tell where its waiters stand. */
export interface AdmissionFacts {
  readonly places: Places;
  /** The chain's MaxConcurrentRuns from the run's own definition, read for a queued run only. */
  readonly runSlots?: number;
}

/** The key of a waiter in {@link Places}: the document that records it, and the step's job name. */
export function placeKey(doc: string, jobName?: string): string {
  return `${doc}/${jobName ?? ''}`;
}

/** Look-ups in flight at once: a Map with many items waiting must not open thousands of reads. */
const PLACES_AT_ONCE = 16;

/**
 * Reads the place in line of every waiter of the run and its parts (one count each), and, for
 * a run waiting for its chain's MaxConcurrentRuns, that limit from the run's stored definition
 * (the chain file may have changed since the run started; the run keeps its own).
 */
export async function readAdmission(
  store: RunStore,
  run: Run,
  parts: readonly Run[],
): Promise<AdmissionFacts> {
  const entries: QueueEntry[] = [run, ...parts].flatMap(waitingEntries);
  const places = new Map<string, number>();
  for (let i = 0; i < entries.length; i += PLACES_AT_ONCE) {
    const batch = entries.slice(i, i + PLACES_AT_ONCE);
    const ahead = await Promise.all(batch.map((entry) => store.placeInLine(entry)));
    batch.forEach((entry, j) => places.set(placeKey(entry.doc, entry.jobName), ahead[j]! + 1));
  }
  if (!(run.queued && run.status === 'RUNNING')) return { places };
  const definition = await store.getDefinition(run.definitionHash);
  const runSlots = definition?.MaxConcurrentRuns;
  return runSlots === undefined ? { places } : { places, runSlots };
}

/** `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `112th`. */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function inLine(queued: QueuedView): string {
  return queued.position === undefined ? '' : `, ${ordinal(queued.position)} in line`;
}

/**
 * The human line of a run waiting for a slot of its chain's MaxConcurrentRuns; `runSlots` is
 * that limit, unknown when the run's definition could not be read.
 */
export function queuedRunLine(chain: string, queued: QueuedView, runSlots?: number): string {
  const slots =
    runSlots === undefined
      ? `a run slot of chain ${chain}`
      : runSlots === 1
        ? `chain ${chain}'s one run slot`
        : `one of chain ${chain}'s ${runSlots} run slots`;
  return `queued: waiting for ${slots} (MaxConcurrentRuns)${inLine(queued)} since ${queued.since}`;
}

/** Why an in-flight step is not launched yet (waiting in line, or for a quota retry); '' if neither. */
export function launchNote(step: {
  readonly queued?: QueuedView;
  readonly quotaWait?: QuotaWaitView;
}): string {
  const notes: string[] = [];
  if (step.queued) {
    notes.push(
      `waiting for a slot of ${step.queued.pool} (DFCHAIN_MAX_ACTIVE_JOBS)${inLine(step.queued)}`,
    );
  }
  if (step.quotaWait) {
    const { dueAt, waits } = step.quotaWait;
    notes.push(`launch refused for quota (429), retrying at ${dueAt} (wait ${waits})`);
  }
  return notes.join('; ');
}
