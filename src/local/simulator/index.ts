import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { FaultPlan } from './faults.js';
import { JobTable } from './jobs.js';
import { ExecutionTable } from './run-executions.js';
import type { SimulatedExecution } from './run-types.js';
import { handle } from './server.js';
import { OPERATIONS } from './types.js';
import type { CallCounts, FaultInjection, SimulatedJob, SimulatorOptions } from './types.js';

export type { LogEntry } from './log-entry.js';
export type { RunLogEntry } from './run-log-entry.js';
export { DEFAULT_RUN_BEHAVIOUR } from './run-start.js';
export * from './run-types.js';
export { LAUNCHER_FAILED, WORKER_POOL_STOPPED } from './log-message.js';
export { DEFAULT_BEHAVIOUR } from './lifecycle.js';
export * from './types.js';

/** A running Dataflow REST API simulator. */
export interface Simulator {
  /** Pass as `rootUrl` to the googleapis Dataflow client, e.g. `http://127.0.0.1:PORT/`. */
  readonly rootUrl: string;
  /** Calls received per operation, faulted ones included (live counters). */
  readonly calls: Readonly<CallCounts>;
  /** Errors the sink threw or rejected with; the simulator carries on regardless. */
  readonly sinkErrors: readonly unknown[];
  /**
   * The most jobs one project ever had active at once (created and not yet really ended), and
   * how many launches the `activeJobQuota` refused (live counters).
   */
  readonly quota: { readonly peakActive: number; readonly refusals: number };
  /** Every launched job, oldest first, with its request and state history. */
  jobs(): SimulatedJob[];
  /** Every Cloud Run execution started, oldest first, with its request, env and ending. */
  executions(): SimulatedExecution[];
  /** Errors the Cloud Run sink (`runSink`) threw or rejected with. */
  readonly runSinkErrors: readonly unknown[];
  /**
   * Ends a running Cloud Run execution as cancelled now (by its full name, its completion entry
   * delivered), as a user cancelling in the console; false if unknown or ended.
   */
  cancelExecution(name: string): boolean;
  /** Changes options for calls and launches from now on (jobs already launched keep theirs). */
  configure(options: Partial<Omit<SimulatorOptions, 'port' | 'host'>>): void;
  /** The next `count` matching calls fail with `fault`. */
  injectFaults(injection: FaultInjection): void;
  /** Drops faults injected and not yet used. */
  clearFaults(): void;
  /**
   * Moves an active job to JOB_STATE_CANCELLED now (and logs it); false if unknown or ended. The
   * API's own cancel (`jobs.update`) passes JOB_STATE_CANCELLING for `cancelMs` first.
   */
  cancel(jobId: string): boolean;
  /** Clears every timer and closes every socket, held ones included. */
  stop(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 (a free port unless `options.port` is given). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let current: SimulatorOptions = { ...options };
  const jobs = new JobTable(() => current);
  const faults = new FaultPlan();
  const executions = new ExecutionTable(() => current);
  const calls = Object.fromEntries(
    [...OPERATIONS, 'other'].map((operation) => [operation, 0]),
  ) as CallCounts;
  const held = new Set<IncomingMessage>();
  const sockets = new Set<Socket>();
  const state = { jobs, executions, faults, calls, held, options: () => current };

  const server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      // Only a broken socket gets here: the request is lost, as on a real network.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`simulator: unexpected server address ${String(address)}`);
  }

  return {
    rootUrl: `http://${host}:${address.port}/`,
    calls,
    sinkErrors: jobs.sinkErrors,
    quota: jobs.quota,
    jobs: () => jobs.snapshot(),
    executions: () => executions.snapshot(),
    runSinkErrors: executions.sinkErrors,
    cancelExecution: (name) => executions.cancelNow(name),
    configure: (change) => {
      current = { ...current, ...change };
    },
    injectFaults: (injection) => faults.inject(injection),
    clearFaults: () => faults.clear(),
    cancel: (jobId) => jobs.cancel(jobId),
    stop: async () => {
      jobs.stop();
      executions.stop();
      held.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
