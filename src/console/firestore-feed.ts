import type { Firestore } from '@google-cloud/firestore';
import { COLLECTIONS, fromSnapshot } from '../store/firestore.js';
import type { ChangeFeed } from './feed.js';

/**
 * Firestore listeners as the console's change feed: the documents started since a time (runs
 * and their Map items' and branches' parts: they share the collection), or the documents whose
 * `root` is one run (the run and its parts). Each snapshot hands the view every document as it
 * is, so a change costs no new query of the collection (Firestore bills reads by the
 * document, https://cloud.google.com/firestore/pricing). A step's
 * history is written in the same atomic write as its run's document, so the run's document
 * tells of it. Single-field queries: no index to deploy.
 */
export function firestoreFeed(db: Firestore): ChangeFeed {
  return {
    watch(topic, onChange, onError) {
      const runs = db.collection(COLLECTIONS.runs);
      const query =
        topic.kind === 'runs'
          ? runs.where('startTime', '>=', topic.since)
          : runs.where('root', '==', topic.runId);
      return query.onSnapshot((snapshot) => onChange(snapshot.docs.map(fromSnapshot)), onError);
    },
  };
}
