import type { Draft } from './draft.js';
import type { RouteStep } from './run.js';
import { ROOT_SCOPE } from './scope.js';

/**
 * The route from the chain's top to `scope`: the Parallel or Map state and branch or item index
 * of each scope above it. In a part, the walk ends at the item, whose route the part keeps.
 */
export function routeOf(d: Draft, scope: string): RouteStep[] {
  const steps: RouteStep[] = [];
  let path = scope;
  while (path !== ROOT_SCOPE) {
    if (d.part !== undefined && path === d.part.scope) return [...d.part.route, ...steps.reverse()];
    const frame = d.frame(path);
    const parent = frame?.parent === undefined ? undefined : d.frame(frame.parent);
    if (frame?.parent === undefined || parent === undefined) break;
    steps.push({ state: parent.state, index: frame.index ?? 0 });
    path = frame.parent;
  }
  return steps.reverse();
}
