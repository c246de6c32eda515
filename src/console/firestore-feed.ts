import type { Firestore } from '@google-cloud/firestore';
import { COLLECTIONS } from '../store/firestore.js';
import type { ChangeFeed } from './feed.js';

/**
 * Firestore listeners as the console's change feed: the runs started since a time (their Map
 * items' documents too: they share the collection and start later), or the documents whose
 * `root` is one run (the run and its parts). A step's history is written in the same atomic
 * write as its run's document, so the run's document tells of it. Single-field queries: no
 * index to deploy.
 */
export function firestoreFeed(db: Firestore): ChangeFeed {
  return {
    watch(topic, onChange, onError) {
      const runs = db.collection(COLLECTIONS.runs);
      const query =
        topic.kind === 'runs'
          ? runs.where('startTime', '>=', topic.since)
          : runs.where('root', '==', topic.runId);
      return query.onSnapshot(() => onChange(), onError);
    },
  };
}
