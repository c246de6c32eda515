import { loadChains } from '../../chain/load.js';
import { chainStates } from '../../chain/graph.js';
import { isObject } from '../../json.js';
import { ApiError } from './google-error.js';

/**
 * Refuses a template file the simulator does not know, as Dataflow refuses one it cannot read:
 * 400 INVALID_ARGUMENT "Invalid template file gs://…" (the answer reported for a template path
 * Dataflow could not use, hashicorp/terraform-provider-google#14290 and #16496). `templates`
 * unset: every path is known.
 */
export function checkKnownTemplate(path: string, templates: readonly string[] | undefined): void {
  if (templates === undefined || templates.includes(path)) return;
  const known = templates.length === 0 ? 'none' : templates.join(', ');
  throw new ApiError(
    400,
    `Invalid template file ${path}: no such object. (Simulator: the templates it knows are ${known}.)`,
  );
}

/**
 * Every fixed template path of the chains in `dir` (a Flex Task's `containerSpecGcsPath`, a
 * classic one's `gcsPath`), for the simulator's `templates`; undefined (every path known) when a
 * Task computes its path (`containerSpecGcsPath.$`) or the folder does not load, since then no
 * list is complete.
 */
export function chainTemplates(dir: string): string[] | undefined {
  let chains;
  try {
    chains = loadChains(dir);
  } catch {
    return undefined;
  }
  const paths = new Set<string>();
  for (const chain of chains.values()) {
    for (const { state } of chainStates(chain.definition)) {
      if (state.Type !== 'Task') continue;
      const parameters = isObject(state.Parameters) ? state.Parameters : {};
      const path = parameters['containerSpecGcsPath'] ?? parameters['gcsPath'];
      if (typeof path !== 'string') return undefined;
      paths.add(path);
    }
  }
  return [...paths].sort();
}
