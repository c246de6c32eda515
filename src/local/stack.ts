import { resolve as absolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LEASE_MARGIN_MS, LOCAL_PROJECT } from '../config.js';
import { ChaosSink, type SinkChaos, type SinkStats } from './chaos-sink.js';
import { directTransport } from './direct-transport.js';
import {
  emulatorUnavailable,
  startEmulator,
  type Emulator,
  type EmulatorKind,
} from './emulators.js';
import {
  functionSource,
  startFunction,
  type FunctionLine,
  type FunctionProcess,
} from './function-process.js';
import { pubsubTransport } from './pubsub-transport.js';
import { startLoggingStandIn, type LoggingStandIn } from './logging-stand-in.js';
import { startStorageStandIn, type StorageStandIn } from './storage-stand-in.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator/index.js';
import { chainTemplates } from './simulator/templates.js';
import type { Transport } from './transport.js';

/** The log events that end a run. */
const RUN_ENDS = ['run.succeeded', 'run.failed', 'run.cancelled'] as const;
/** The line that ends a run. */
export type RunEnd = (typeof RUN_ENDS)[number];

/** The package root, from src/local (tsx) and dist/local (built) alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `true`: required; `'auto'`: used when installed, else the stand-in (memory store, direct push). */
export type Use = boolean | 'auto';

/** How to assemble the local stack. */
export interface StackOptions {
  readonly chainsDir: string;
  readonly projectId?: string;
  readonly topic?: string;
  readonly pubsub?: Use;
  readonly firestore?: Use;
  readonly simulator?: Omit<SimulatorOptions, 'sink'>;
  /** Extra environment for the function process. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Count pushes and acknowledgements per message (`stack.transport.deliveries`): tests prove
   * "acknowledged once" from them. The direct transport always counts; with the Pub/Sub emulator
   * this puts a local relay before the function.
   */
  readonly countDeliveries?: boolean;
  /** Restart functions-framework on the same port whenever it dies (crash tests). */
  readonly restartFunction?: boolean;
  readonly onProgress?: (message: string) => void;
}

async function maybeEmulator(
  kind: EmulatorKind,
  use: Use,
  progress: (m: string) => void,
): Promise<Emulator | undefined> {
  if (use === false) return undefined;
  const missing = emulatorUnavailable(kind);
  if (missing) {
    if (use === true)
      throw new Error(`the ${kind} emulator is required but unavailable: ${missing}`);
    progress(`${kind} emulator not available (${missing}); using the built-in stand-in`);
    return undefined;
  }
  const emulator = await startEmulator(kind);
  progress(`${kind} emulator on ${emulator.host} (process group ${emulator.pgid ?? '?'})`);
  return emulator;
}

/**
 * The whole local stack: the Dataflow simulator, a Cloud Storage stand-in, the real
 * functions-framework serving the built dfchain, and the Pub/Sub and Firestore emulators when
 * present. Everything on free ports.
 */
export class LocalStack {
  private constructor(
    readonly projectId: string,
    readonly simulator: Simulator,
    readonly fn: FunctionProcess,
    readonly transport: Transport,
    private readonly emulators: Emulator[],
    readonly firestoreHost: string | undefined,
    private readonly sink: ChaosSink,
    /** The events topic the function is pushed from (created on the Pub/Sub emulator when used). */
    readonly topic: string,
    readonly chainsDir: string,
    readonly pubsubHost: string | undefined,
    private readonly logging: LoggingStandIn,
    /** The Cloud Storage stand-in Map ItemReaders read (tests put objects there). */
    readonly storage: StorageStandIn,
  ) {}

  /**
   * The environment under which `dfchain start`, `status` and `validate --remote` in another
   * shell reach this stack: the function's own project, emulators, chains, topic and simulator.
   * Undefined values mark what this stack lacks (no emulator: the stand-in is in this process).
   */
  clientEnv(): Record<string, string | undefined> {
    return {
      GOOGLE_CLOUD_PROJECT: this.projectId,
      PUBSUB_EMULATOR_HOST: this.pubsubHost,
      FIRESTORE_EMULATOR_HOST: this.firestoreHost,
      DFCHAIN_STORE: this.firestoreHost ? 'firestore' : undefined,
      // Absolute: the other shell may stand in another folder.
      DFCHAIN_CHAINS_DIR: absolute(this.chainsDir),
      DFCHAIN_TOPIC: this.topic,
      DFCHAIN_DATAFLOW_ROOT_URL: this.simulator.rootUrl,
      DFCHAIN_RUN_ROOT_URL: this.simulator.rootUrl,
      DFCHAIN_LOGGING_ROOT_URL: this.logging.rootUrl,
      STORAGE_EMULATOR_HOST: this.storage.host,
      METADATA_SERVER_DETECTION: 'none',
    };
  }

  /** How the sink duplicates, delays and drops job log entries; see {@link SinkChaos}. */
  get sinkChaos(): SinkChaos {
    return this.sink.chaos;
  }

  set sinkChaos(chaos: SinkChaos) {
    this.sink.chaos = chaos;
  }

  /** What the sink published and dropped so far. */
  get sinkStats(): Readonly<SinkStats> {
    return this.sink.stats;
  }

  /** Shorthand for `sinkChaos.copies = [n, n]`: every log entry published `n` times. */
  get sinkCopies(): number {
    return this.sink.chaos.copies[1];
  }

  set sinkCopies(copies: number) {
    this.sink.chaos = { ...this.sink.chaos, copies: [copies, copies] };
  }

  /** Starts every part; on failure, stops what already started. */
  static async start(options: StackOptions): Promise<LocalStack> {
    const progress = options.onProgress ?? (() => undefined);
    // Nothing local runs on GCE: spare the Google clients their metadata-server probe and warning.
    process.env['METADATA_SERVER_DETECTION'] ??= 'none';
    const projectId = options.projectId ?? LOCAL_PROJECT;
    const topic = options.topic ?? 'dfchain-events';
    const started: { stop(): Promise<void> }[] = [];
    try {
      const [pubsub, firestore] = await Promise.all([
        maybeEmulator('pubsub', options.pubsub ?? 'auto', progress),
        maybeEmulator('firestore', options.firestore ?? 'auto', progress),
      ]);
      const emulators = [pubsub, firestore].filter((e): e is Emulator => e !== undefined);
      started.push(...emulators);
      const sink = new ChaosSink();
      // The chains' template files exist there, so `dfchain validate --remote` passes on them.
      const templates = options.simulator?.templates ?? chainTemplates(options.chainsDir);
      const simulator = await startSimulator({
        ...(templates ? { templates } : {}),
        ...options.simulator,
        sink: (entry) => sink.deliver(entry),
        // Cloud Run completion entries reach the topic through the same sink.
        runSink: (entry) => sink.deliver(entry),
      });
      started.push(simulator);
      progress(`Dataflow simulator on ${simulator.rootUrl}`);
      const storage = await startStorageStandIn();
      started.push(storage);
      progress(`Cloud Storage stand-in on ${storage.host}`);
      const fnEnv: NodeJS.ProcessEnv = {
        GOOGLE_CLOUD_PROJECT: projectId,
        DFCHAIN_CHAINS_DIR: options.chainsDir,
        DFCHAIN_DATAFLOW_ROOT_URL: simulator.rootUrl,
        // The simulator serves the Cloud Run Admin API subset on the same port.
        DFCHAIN_RUN_ROOT_URL: simulator.rootUrl,
        DFCHAIN_STORE: firestore ? 'firestore' : 'memory',
        ...(firestore ? { FIRESTORE_EMULATOR_HOST: firestore.host } : {}),
        METADATA_SERVER_DETECTION: 'none',
        // Short: the simulator answers at once, and a held socket must not stall a delivery.
        DFCHAIN_DATAFLOW_TIMEOUT_SECONDS: '10',
        // Timers wait in the function process and publish on the stack's topic when due, through
        // the Pub/Sub emulator. Without it they cannot reach the function: only a tick fires them.
        DFCHAIN_TIMERS: 'local',
        DFCHAIN_TOPIC: topic,
        // The simulator's quota frees as soon as a job ends: a quota refusal waits 1 s, not 30.
        DFCHAIN_QUOTA_RETRY_SECONDS: '1',
        // @google-cloud/storage takes it as its API root (and sends no credentials there).
        STORAGE_EMULATOR_HOST: storage.host,
        ...(pubsub ? { PUBSUB_EMULATOR_HOST: pubsub.host } : {}),
        ...options.env,
      };
      // Short, so a crashed holder's launch is taken over soon and local runs do not idle, yet
      // room for a launch call beyond the minimum, so a fresh intent's holder need not renew.
      fnEnv['DFCHAIN_LAUNCH_LEASE_SECONDS'] ??= String(
        2 * Number(fnEnv['DFCHAIN_DATAFLOW_TIMEOUT_SECONDS']) + (2 * LEASE_MARGIN_MS) / 1000,
      );
      // DFCHAIN_LOCAL_FAULTS selects the fault-injecting local entry instead of the package's main.
      const fn = await startFunction(functionSource(PACKAGE_ROOT, fnEnv), fnEnv, undefined, {
        restart: options.restartFunction ?? false,
      });
      started.push(fn);
      progress(
        `functions-framework serving dfchain on ${fn.url} (process group ${fn.pgid ?? '?'})`,
      );
      const transport = pubsub
        ? await pubsubTransport(pubsub.host, projectId, topic, fn.url, {
            countDeliveries: options.countDeliveries ?? false,
          })
        : directTransport(projectId, topic, fn.url);
      sink.transport = transport;
      const logging = await startLoggingStandIn(fn);
      started.push(logging);
      progress(`messages reach the function through ${transport.kind}`);
      return new LocalStack(
        projectId,
        simulator,
        fn,
        transport,
        emulators,
        firestore?.host,
        sink,
        topic,
        options.chainsDir,
        pubsub?.host,
        logging,
        storage,
      );
    } catch (error) {
      await Promise.allSettled(started.reverse().map((part) => part.stop()));
      throw error;
    }
  }

  /** Publishes a JSON message on the events topic, with `attributes` when given. */
  publish(message: unknown, attributes?: Readonly<Record<string, string>>): Promise<string> {
    return this.transport.publish(Buffer.from(JSON.stringify(message)), attributes);
  }

  /** Resolves with the first function line (past or future) matching `predicate`. */
  waitForLine(
    predicate: (line: FunctionLine) => boolean,
    timeoutMs = 30_000,
  ): Promise<FunctionLine> {
    const seen = this.fn.lines.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching function log line within ${timeoutMs} ms`));
      }, timeoutMs);
      // Unsubscribed once settled: a long-lived stack (npm start -- --keep) waits many times.
      const off = this.fn.onLine((line) => {
        if (!predicate(line)) return;
        off();
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  /** Resolves with the event of the run's final line (succeeded, failed, cancelled) once logged. */
  async waitForRunEnd(runId: string, timeoutMs = 60_000): Promise<RunEnd> {
    const isEnd = (event: unknown): event is RunEnd => RUN_ENDS.some((end) => end === event);
    const line = await this.waitForLine(
      (l) => l.json?.['runId'] === runId && isEnd(l.json['event']),
      timeoutMs,
    );
    const event = line.json?.['event'];
    // The predicate matched it: only a change of waitForLine could break this.
    if (!isEnd(event))
      throw new Error(`waitForRunEnd matched a line that ends no run: ${String(event)}`);
    return event;
  }

  /** Structured log lines of one run, in order. */
  runLines(runId: string): Record<string, unknown>[] {
    return this.fn.lines.flatMap((line) => (line.json?.['runId'] === runId ? [line.json] : []));
  }

  /** Deletes every document in the Firestore emulator, between tests. */
  async clearFirestore(): Promise<void> {
    if (!this.firestoreHost) return;
    const url = `http://${this.firestoreHost}/emulator/v1/projects/${this.projectId}/databases/(default)/documents`;
    await fetch(url, { method: 'DELETE' });
  }

  /** Stops everything, in reverse order of start. */
  async stop(): Promise<void> {
    this.sink.stop();
    await this.logging.stop();
    await this.transport.stop();
    await this.fn.stop();
    await this.simulator.stop();
    await this.storage.stop();
    await Promise.allSettled(this.emulators.map((emulator) => emulator.stop()));
  }
}
