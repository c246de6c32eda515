import { el } from './dom.js';

/** The colour class of a run's, step's or state's status (as the graph's classDefs name them). */
export function statusClass(status: string | undefined): string {
  switch ((status ?? '').toUpperCase()) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'RUNNING':
    case 'LAUNCHED':
      return 'running';
    case 'QUEUED':
    case 'INTENDED':
      return 'queued';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'none';
  }
}

/** A coloured status badge; the text is the status itself, so colour is never the only cue. */
export function badge(status: string | undefined): HTMLElement {
  const text = status === undefined ? 'not reached' : status;
  return el('span', { class: `badge ${statusClass(status)}` }, text);
}
