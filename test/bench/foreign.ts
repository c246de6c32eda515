import { decodeEvent } from '../../src/events/decode.js';
import { handleEvent } from '../../src/handler/handle-event.js';
import { threeSteps } from '../fixtures/chains.js';
import { completionEntry, pubsubEvent } from './events.js';
import { BENCH_PROJECT, CountingRunStore, FakeDataflow, benchDeps } from './fakes.js';
import { figure, type Figure } from './figures.js';
import { measure, microsPerCall } from './measure.js';

const FOREIGN_JOB = {
  jobId: '2026-11-22_02_00_00-4242424242424242424',
  jobName: 'someone-else-job',
  projectId: BENCH_PROJECT,
  location: 'europe-west4',
};

/**
 * Completion lines of jobs no chain launched, through handleEvent: the time each costs and the
 * Dataflow and store calls they make (dfchain should make none).
 */
export async function foreignFigures(events: number): Promise<Figure[]> {
  const dataflow = new FakeDataflow();
  const store = new CountingRunStore();
  const deps = benchDeps({ daily: threeSteps }, dataflow, store);
  const event = pubsubEvent(completionEntry(FOREIGN_JOB), 'foreign-1');
  for (let i = 0; i < Math.min(2_000, events); i++) await handleEvent(deps, event);
  const sample = await measure(async () => {
    for (let i = 0; i < events; i++) await handleEvent(deps, event);
  });
  const dataflowCalls = dataflow.calls.get + dataflow.calls.list + dataflow.calls.launch;
  const storeCalls = Object.values(store.calls).reduce((sum, count) => sum + count, 0);
  const note = `${events} "${FOREIGN_JOB.jobName}" LogEntries, warm-up included in counts`;
  return [
    figure('foreign.wall', (sample.wallMs * 1000) / events, 'µs/event', note),
    figure('foreign.cpu', (sample.cpuMs * 1000) / events, 'µs/event', 'CPU'),
    figure('foreign.dataflow_calls', dataflowCalls, 'calls', 'get + list + launch, all events'),
    figure('foreign.store_calls', storeCalls, 'calls', 'all events'),
  ];
}

/** decodeEvent on a valid completion message (base64 + JSON + LogEntry checks). */
export function decodeFigures(minMs: number): Figure[] {
  const job = { ...FOREIGN_JOB, jobName: 'ingest-0123456789ab' };
  const event = pubsubEvent(completionEntry(job), 'decode-1');
  const signal = decodeEvent(event);
  if (signal.kind !== 'jobEnded')
    throw new Error(`bench decode: expected jobEnded, got ${signal.kind}`);
  const micros = microsPerCall(() => decodeEvent(event), {
    minMs,
    minIterations: 5_000,
    maxIterations: 2_000_000,
  });
  return [figure('decode.completion', micros, 'µs/decode', 'Pub/Sub CloudEvent → jobEnded')];
}
