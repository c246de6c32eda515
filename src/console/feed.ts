import type { Run } from '../engine/run.js';

/** What a live view watches: the runs started since a time, or one run with its parts. */
export type FeedTopic =
  | { readonly kind: 'runs'; readonly since: string }
  | { readonly kind: 'run'; readonly runId: string };

/**
 * Tells a live view that the store changed under it, with every document the topic covers as
 * they are now (runs and their parts) when the feed has them: the view builds its payload from
 * them instead of reading the store again. Called once at the start and after each change.
 * `onError`: the watch failed for good (the view reads the store on its own timer).
 */
export interface ChangeFeed {
  watch(
    topic: FeedTopic,
    onChange: (docs?: readonly Run[]) => void,
    onError: (error: unknown) => void,
  ): () => void;
}

/** A feed that never calls: the views read on their own timer only. */
export const NO_FEED: ChangeFeed = { watch: () => () => undefined };
