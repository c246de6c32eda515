import { createHash } from 'node:crypto';
import { chainPrefixes } from './job-name.js';
import type { Chain, ChainDefinition } from './types.js';

/** Content hash of a definition: runs refer to the exact definition they started with. */
export function definitionHash(definition: ChainDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 32);
}

/** The chains loaded at cold start, indexed the ways the handler looks them up. */
export class ChainCatalog {
  private readonly byName: ReadonlyMap<string, Chain & { hash: string }>;
  private readonly byHash: ReadonlyMap<string, ChainDefinition>;
  /** Job-name prefixes of every chain: a job named otherwise is not dfchain's. */
  readonly prefixes: ReadonlySet<string>;

  constructor(chains: Iterable<Chain>) {
    const list = [...chains].map((chain) => ({ ...chain, hash: definitionHash(chain.definition) }));
    this.byName = new Map(list.map((chain) => [chain.name, chain]));
    this.byHash = new Map(list.map((chain) => [chain.hash, chain.definition]));
    this.prefixes = chainPrefixes(list);
  }

  /** The chain called `name`, with its definition hash. */
  get(name: string): (Chain & { hash: string }) | undefined {
    return this.byName.get(name);
  }

  /** A definition currently deployed with that hash (runs started before an edit miss here). */
  definition(hash: string): ChainDefinition | undefined {
    return this.byHash.get(hash);
  }

  /** Names of all chains, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
