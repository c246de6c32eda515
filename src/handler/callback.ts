import { onCallback, onHeartbeat } from '../engine/callback.js';
import { runIdOf } from '../engine/part-names.js';
import { tokenProblem, type TokenRefusal } from '../engine/token-check.js';
import type { CallbackSignal, HeartbeatSignal } from '../events/signal.js';
import { definitionFor } from './definition.js';
import type { Invocation } from './deps.js';
import { carryOut } from './effects.js';
import { applyToRun } from './record.js';
import { parseTaskToken, tokenHash, type TokenLocator } from './task-token.js';

/** Logs a callback or heartbeat that has no effect, and why: it is acknowledged, never retried. */
function refuse(
  inv: Invocation,
  verb: 'callback' | 'heartbeat',
  reason: TokenRefusal | 'malformed' | 'unknown_run',
  detail: string,
  where: Partial<TokenLocator> & { runId?: string; chain?: string; state?: string } = {},
): void {
  inv.logger.write({
    severity: 'WARNING',
    event: 'token.rejected',
    message: `${verb} refused (${reason}): ${detail}; it changed nothing`,
    verb,
    reason,
    ...where,
  });
}

/**
 * Applies a `callback` or `heartbeat` command: the token names the document and step; the
 * step must be in flight and hold the token's hash. A forged, reused or expired token is
 * logged (`token.rejected`) and acknowledged with no effect.
 */
async function handleToken(
  inv: Invocation,
  verb: 'callback' | 'heartbeat',
  token: string,
  apply: Parameters<typeof applyToRun>[2],
): Promise<void> {
  const locator = parseTaskToken(token);
  if (typeof locator === 'string') {
    refuse(inv, verb, 'malformed', `the token is not a dfchain task token: ${locator}`);
    return;
  }
  const hash = tokenHash(token);
  let refusal: ReturnType<typeof tokenProblem>;
  const transition = await applyToRun(inv, locator.docId, async (run) => {
    refusal = tokenProblem(run, locator.jobName, hash);
    return apply(run);
  });
  if (transition === undefined) {
    refuse(inv, verb, 'unknown_run', `no run is stored under ${locator.docId}`, locator);
    return;
  }
  const run = transition.run;
  if (refusal !== undefined) {
    refuse(inv, verb, refusal.reason, refusal.message, {
      ...locator,
      runId: runIdOf(run),
      chain: run.chain,
    });
    return;
  }
  await carryOut(inv, transition);
}

/** Handles a `callback` command: completes the waiting Task its token names. */
export async function handleCallback(inv: Invocation, signal: CallbackSignal): Promise<void> {
  const now = inv.clock.now().toISOString();
  const locator = parseTaskToken(signal.token);
  const jobName = typeof locator === 'string' ? '' : locator.jobName;
  const hash = tokenHash(signal.token);
  await handleToken(inv, 'callback', signal.token, async (run) =>
    onCallback(await definitionFor(inv, run), run, jobName, hash, signal.outcome, now),
  );
}

/** Handles a `heartbeat` command: re-arms the HeartbeatSeconds of the Task its token names. */
export async function handleHeartbeat(inv: Invocation, signal: HeartbeatSignal): Promise<void> {
  const now = inv.clock.now().toISOString();
  const locator = parseTaskToken(signal.token);
  const jobName = typeof locator === 'string' ? '' : locator.jobName;
  const hash = tokenHash(signal.token);
  await handleToken(inv, 'heartbeat', signal.token, async (run) =>
    onHeartbeat(await definitionFor(inv, run), run, jobName, hash, now),
  );
}
