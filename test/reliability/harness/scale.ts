import { mulberry32 } from '../../../src/local/random.js';

/** `DFCHAIN_RELIABILITY=full`: the sizes of the issue; otherwise the short form CI runs. */
export const FULL = process.env['DFCHAIN_RELIABILITY'] === 'full';

/** The full or the short size of a scenario. */
export function size(full: number, short: number): number {
  return FULL ? full : short;
}

/** A seed from `DFCHAIN_RELIABILITY_SEED`, else a fresh one; printed so a failure replays. */
export function seedFor(scenario: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['DFCHAIN_RELIABILITY_SEED'];
  const seed =
    raw !== undefined && raw !== '' ? Number(raw) >>> 0 : Math.floor(Math.random() * 2 ** 31);
  console.log(
    `[reliability] ${scenario}: seed ${seed} (${FULL ? 'full' : 'short'} form; replay with DFCHAIN_RELIABILITY_SEED=${seed})`,
  );
  return seed;
}

/** A seeded random source with the helpers scenarios use. */
export class Dice {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** An integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.min(items.length - 1, Math.floor(this.next() * items.length))];
    if (item === undefined) throw new RangeError('Dice.pick: no items to pick from');
    return item;
  }
}
