import { matchesGlob } from './gcs-glob.js';
import type { ChainDefinition, GcsTrigger } from './types.js';

/** The object a trigger is matched against. */
export interface ObjectRef {
  readonly bucket: string;
  readonly name: string;
}

/** Why a trigger does not match an object, or undefined when it does. */
export function triggerMismatch(trigger: GcsTrigger, object: ObjectRef): string | undefined {
  if (trigger.bucket !== object.bucket) return `bucket is ${JSON.stringify(trigger.bucket)}`;
  const prefix = trigger.prefix ?? '';
  if (!object.name.startsWith(prefix)) return `name does not start with ${JSON.stringify(prefix)}`;
  if (trigger.matchGlob !== undefined && !matchesGlob(trigger.matchGlob, object.name))
    return `name does not match ${JSON.stringify(trigger.matchGlob)}`;
  return undefined;
}

/** True when one of the chain's Triggers matches the object (bucket, prefix and glob). */
export function triggeredBy(definition: ChainDefinition, object: ObjectRef): boolean {
  return (definition.Triggers ?? []).some(
    (trigger) => triggerMismatch(trigger.Gcs, object) === undefined,
  );
}
