import pRetry, { AbortError } from 'p-retry';
import { onPublished, addTokenHash } from '../engine/callback.js';
import { ERROR_NAMES } from '../engine/error-names.js';
import { dropAbandonedIntent, onLaunchFailed } from '../engine/launched.js';
import type { Run } from '../engine/run.js';
import type { PublishStep } from '../engine/step-kind.js';
import type { Transition } from '../engine/transition.js';
import { ConfigError, PublishPermanentError, PublishTransientError } from '../errors.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { LAUNCH_RETRY } from './lease-keep.js';
import { applyToRun } from './record.js';
import { releaseOwn } from './release.js';
import { newTaskToken, tokenHash, withToken } from './task-token.js';

/**
 * The message of a waiting step with a fresh token in it, once the token's hash is stored on
 * the step (under this invocation's lease): a callback that comes back at once finds it. Undefined
 * when the lease was lost meanwhile.
 */
async function withFreshToken(inv: Invocation, run: Run, step: PublishStep, text: string) {
  const placeholder = step.request.tokenPlaceholder;
  if (placeholder === undefined) return { text, attributes: { ...step.request.attributes } };
  const token = newTaskToken({ docId: run.id, jobName: step.jobName });
  const stored = await applyToRun(inv, run.id, (current) =>
    addTokenHash(current, step.jobName, tokenHash(token), inv.owner),
  );
  if (!stored?.changed) return undefined;
  return withToken(text, step.request.attributes, placeholder, token);
}

/** Fails the step with States.TaskFailed: Pub/Sub refused its message for good. */
async function failPublish(
  inv: Invocation,
  run: Run,
  step: PublishStep,
  error: PublishPermanentError,
  next: (t: Transition) => Promise<void>,
): Promise<void> {
  const now = inv.clock.now().toISOString();
  const failed = await applyToRun(inv, run.id, async (current) =>
    onLaunchFailed(
      await definitionFor(inv, current),
      current,
      step.jobName,
      { Error: ERROR_NAMES.taskFailed, Cause: `States.${step.state}: ${error.message}` },
      now,
    ),
  );
  if (failed?.changed) await next(failed);
}

/**
 * Publishes the message of a step whose lease this invocation holds. Pub/Sub has no idempotent
 * publish and no look-up of a message, so a publish made again after a crash or an unanswered
 * call sends the message again (at least once, as Pub/Sub delivers anyway): each message carries
 * the step's name in its attributes for the consumer to drop a repeat, and a waiting step accepts
 * the callback of any token it handed out, once. `next` carries out the recorded transition
 * (a plain publish ends its Task, and the next state may launch).
 */
export async function publishHeld(
  inv: Invocation,
  run: Run,
  step: PublishStep,
  next: (t: Transition) => Promise<void>,
): Promise<void> {
  const now = () => inv.clock.now().toISOString();
  if (step.abandoned) {
    await applyToRun(inv, run.id, (current) => dropAbandonedIntent(current, step.jobName, now()));
    return;
  }
  const publisher = inv.publisher;
  if (publisher === undefined) {
    throw new ConfigError(
      `run ${run.id} state ${step.state}: no Pub/Sub publisher is configured for pubsub:publish Tasks; build the handler's dependencies with createDeps`,
    );
  }
  const message = await withFreshToken(inv, run, step, JSON.stringify(step.request.data));
  if (message === undefined) return;
  // Stryker disable next-line OptionalChaining: the step came with its run from the store
  inv.uncalled.get(run.id)?.delete(step.jobName);
  let messageId: string;
  try {
    messageId = await pRetry(async () => {
      try {
        return await publisher.publish({
          topic: step.request.topic,
          data: Buffer.from(message.text, 'utf8'),
          attributes: message.attributes,
        });
      } catch (error) {
        throw error instanceof PublishTransientError ? error : new AbortError(error as Error);
      }
    }, LAUNCH_RETRY);
  } catch (error) {
    if (error instanceof PublishPermanentError) return failPublish(inv, run, step, error, next);
    // Redelivered, it publishes again at once instead of waiting out the lease.
    await releaseOwn(inv, run.id, [step.jobName]);
    throw error;
  }
  const recorded = await applyToRun(inv, run.id, async (current) =>
    onPublished(await definitionFor(inv, current), current, step.jobName, messageId, now()),
  );
  if (recorded?.changed) await next(recorded);
}
