import { createHash } from 'node:crypto';
import { childScopeOf, entryKey } from './names.js';
import type { Frame, Part } from './run.js';

/** Separates a run's id from a part's key in the part's document id (run ids never hold it). */
export const PART_SEPARATOR = '.';

/** A Map item's key: a digest of its scope path, label-safe ([0-9a-f], 20 characters). */
export function partKey(scope: string): string {
  return createHash('sha256').update(scope).digest('hex').slice(0, 20);
}

/** What a part key looks like (a job's `dfchain-part` label is checked against it). */
export const PART_KEY_PATTERN = /^[0-9a-f]{20}$/;

/** The document id of a run's part: `{runId}.{key}`. */
export function partDocId(runId: string, key: string): string {
  return `${runId}${PART_SEPARATOR}${key}`;
}

/** The run a document's log lines name: the run itself, or the run a part belongs to. */
export function runIdOf(doc: {
  readonly id: string;
  readonly part?: { readonly root: string };
}): string {
  return doc.part?.root ?? doc.id;
}

/** The scope path of item `index` of the Map `frame` (in `scope`) stands on. */
export function itemScopeOf(scope: string, frame: Frame, index: number): string {
  return childScopeOf(entryKey(scope, frame.state, frame.visit), frame.attempt, index);
}

/** The group of the items of the Map entry `frame` (in `scope` of document `docId`) stands on. */
export function groupOf(docId: string, scope: string, frame: Frame): string {
  return `${docId}|${entryKey(scope, frame.state, frame.visit)}@${frame.attempt}`;
}

/**
 * True while the Map frame `frame` (the part's parent) still waits for this very item: same
 * entry, same attempt. Anything else (the Map failed, was caught, retried) is a stale part.
 */
export function spawnStillWanted(frame: Frame | undefined, part: Part): boolean {
  const children = frame?.children;
  if (frame === undefined || frame.wait !== 'children' || children === undefined) return false;
  return itemScopeOf(part.parent, frame, part.index) === part.scope && part.index < children.total;
}
