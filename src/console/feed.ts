/** What a live view watches: the runs started since a time, or one run with its parts. */
export type FeedTopic =
  | { readonly kind: 'runs'; readonly since: string }
  | { readonly kind: 'run'; readonly runId: string };

/**
 * Tells a live view that the store changed under it. `onChange` may be called for changes the
 * view does not show, and once at the start; the view reads again and sends only what changed.
 * `onError`: the watch failed for good (the view falls back to reading on its own timer).
 */
export interface ChangeFeed {
  watch(topic: FeedTopic, onChange: () => void, onError: (error: unknown) => void): () => void;
}

/** A feed that never calls: the views read on their own timer only. */
export const NO_FEED: ChangeFeed = { watch: () => () => undefined };
