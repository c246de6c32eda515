import type { ExecutionBehaviour } from '../../../src/local/simulator/index.js';
import { ERROR_OF, planMixed, type PlanOptions, type RunPlan } from './plans.js';
import type { Dice } from './scale.js';

/** The bucket relmix's ItemReader lists (test/fixtures/reliability-chains/relmix.json). */
export const MIX_BUCKET = 'rel-mix';

/** The topic relmix's SignOff publishes its task token on. */
export const MIX_TOPIC = 'rel-signoff';

/** The files a relmix run may find under its prefix; each run gets the first 2 to 4. */
const MIX_FILES = ['a.csv', 'b.csv', 'c.csv', 'd.csv'] as const;

/**
 * The key of a relmix Cloud Run execution: `convert:<file>`, the file its `FILE` env names (the
 * object the Map item listed), without the run's prefix.
 */
export function executionKeyOf(env: Readonly<Record<string, string>>): string {
  const file = env['FILE'] ?? '?';
  return `convert:${file.slice(file.lastIndexOf('/') + 1)}`;
}

/** Knobs of {@link planMixRuns} beyond the common ones. */
export interface MixOptions extends PlanOptions {
  /** Each SUCCEEDED callback goes out within this long of the message. */
  readonly callbackDelayMs: number;
}

/**
 * `count` relmix run plans, some failing at one random step (every fourth at an execution): a Cloud Run execution (FAILED, so
 * the Map and the run fail with Run.ExecutionFailed; the other items may or may not have started
 * by then, once at most) or the closing Flex Template.
 */
export function planMixRuns(count: number, dice: Dice, options: MixOptions): RunPlan[] {
  const plans: RunPlan[] = [];
  for (let i = 0; i < count; i++) {
    const runId = `${options.prefix}-mix-${String(i).padStart(4, '0')}`;
    const files = MIX_FILES.slice(0, dice.int(2, MIX_FILES.length));
    const keys = files.map((file) => `convert:${file}`);
    // 0..keys.length-1: that execution fails; keys.length: the Flex Template does. Every
    // fourth run (the second first) fails at an execution, so that even a short form with a
    // handful of relmix runs sees Run.ExecutionFailed and a Map abandoning its other items.
    const failAt =
      i % 4 === 1
        ? dice.int(0, keys.length - 1)
        : dice.chance(options.failShare)
          ? dice.int(0, keys.length)
          : -1;
    const dataflowOutcome = dice.pick(['FAILED', 'CANCELLED', 'LAUNCH_FAILED'] as const);
    const executions: Record<string, Partial<ExecutionBehaviour>> = {};
    keys.forEach((key, index) => {
      executions[key] = {
        outcome: index === failAt ? 'FAILED' : 'SUCCEEDED',
        failedTasks: 1,
        pendingMs: dice.int(...options.queuedMs),
        runMs: dice.int(...options.runMs),
        apiLagMs: dice.int(...options.apiLagMs),
      };
    });
    const load = {
      outcome: failAt === keys.length ? dataflowOutcome : ('DONE' as const),
      queuedMs: dice.int(...options.queuedMs),
      runMs: dice.int(...options.runMs),
      apiLagMs: dice.int(...options.apiLagMs),
    };
    const itemFails = failAt >= 0 && failAt < keys.length;
    const failing = keys[failAt] ?? '';
    // The failing item's siblings run up to three times longer, so that one is often still
    // running when the Map fails and dfchain has to cancel it (executions.cancel).
    for (const key of itemFails ? keys.filter((k) => k !== failing) : []) {
      const longest = options.runMs[1];
      executions[key] = { ...executions[key], runMs: dice.int(longest, 3 * longest) };
    }
    const callbacks = dice.int(1, 3);
    plans.push({
      runId,
      chain: 'relmix',
      input: { n: runId, prefix: `${runId}/` },
      jobs: { load },
      expected: itemFails
        ? 'FAILED:Run.ExecutionFailed'
        : failAt < 0
          ? 'SUCCEEDED'
          : `FAILED:${ERROR_OF[dataflowOutcome]}`,
      launched: itemFails ? [failing] : [...keys, 'load'],
      mayLaunch: itemFails ? keys.filter((key) => key !== failing) : [],
      mix: {
        bucket: MIX_BUCKET,
        objects: files.map((file) => `${runId}/${file}`),
        executions,
        signsOff: !itemFails,
        callbackDelaysMs: Array.from({ length: callbacks }, () =>
          dice.int(0, options.callbackDelayMs),
        ),
        heartbeat: dice.chance(0.3),
      },
    });
  }
  return plans;
}

/**
 * `count` plans, `mixShare` of them (rounded) relmix runs spread evenly among the others, which
 * are drawn by {@link planMixed} first.
 */
export function planWithMix(
  count: number,
  dice: Dice,
  options: MixOptions,
  mixShare: number,
): RunPlan[] {
  const mixes = Math.round(count * mixShare);
  const others = planMixed(count - mixes, dice, options);
  const mix = planMixRuns(mixes, dice, options);
  const plans: RunPlan[] = [];
  for (let i = 0; i < count; i++) {
    // A relmix run whenever the share of them so far falls behind mixShare.
    const behind =
      plans.filter((plan) => plan.chain === 'relmix').length < ((i + 1) * mixes) / count;
    const next = behind ? mix.shift() : others.shift();
    const plan = next ?? mix.shift() ?? others.shift();
    if (plan) plans.push(plan);
  }
  return plans;
}
