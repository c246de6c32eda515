/**
 * What the console's server answers and its page reads: the one contract between the two.
 * Types only (the page's build compiles this file too; nothing here may run).
 */
import type { CostEstimate } from '../cost/estimate.js';
import type { RunError, RunStatus } from '../engine/run.js';
import type { Json } from '../json.js';
import type { RunView, StepView } from '../cli/status-view.js';
import type { ScheduleView } from '../cli/status-extras.js';

/** Every failure the API answers: HTTP 4xx/5xx with this body, the message a person reads. */
export interface ApiProblem {
  /** One sentence naming what failed and what to do. */
  readonly error: string;
  /** What kind: the page picks its wording and whether to retry by it. */
  readonly kind: 'bad-request' | 'not-found' | 'forbidden' | 'refused' | 'unavailable';
}

/** The console's settings as the page needs them (GET /api/config). */
export interface ConsoleConfig {
  readonly projectId: string;
  /** Cancel and redrive buttons are shown and work only when the console was started with --allow-actions. */
  readonly allowActions: boolean;
  /** Where runs are read: `Firestore (project P, database D)` or the emulator's host. */
  readonly store: string;
  readonly version: string;
}

/** One row of the Runs page. */
export interface RunRow {
  readonly id: string;
  readonly chain: string;
  /** RUNNING, SUCCEEDED, FAILED, CANCELLED, or QUEUED for a run waiting for its chain's MaxConcurrentRuns. */
  readonly status: RunStatus | 'QUEUED';
  readonly startTime: string;
  readonly endTime?: string;
  readonly error?: RunError;
  /**
   * The estimated cost of the jobs that ended so far (docs/cost.md); absent when none recorded
   * usage. A running Map's items count once the Map joins.
   */
  readonly cost?: CostEstimate;
  readonly redriveCount?: number;
}

/** GET /api/runs?chain=&status=&since=&limit= (the query as `dfchain runs` takes it). */
export interface RunsPayload {
  readonly runs: readonly RunRow[];
  /** The query as checked: `since` an ISO time. */
  readonly query: {
    readonly chain?: string;
    readonly status?: string;
    readonly since: string;
    readonly limit: number;
  };
  /** True when `limit` runs came back: older ones may be left out. */
  readonly truncated: boolean;
  /** The chains of the chains folder, for the filter's choices. */
  readonly chains: readonly string[];
  /** The server's clock when read: durations of running runs count to it. */
  readonly now: string;
}

/** A step of the Run page: the `dfchain status --json` view, with what the page adds. */
export interface StepDetail extends StepView {
  /** The graph node of its state (`s_…` as in `graph`), when the definition has that state. */
  readonly nodeId?: string;
  /** What was sent to start it: the Flex Template launch, the message, the Cloud Run request. */
  readonly request: Json;
  /** What the step started: `Dataflow job`, `Cloud Run execution` or `Pub/Sub message`. */
  readonly resource: string;
  /** A publish step: the Pub/Sub message id of its (last) publish. */
  readonly messageId?: string;
  /** Succeeded: the state's output made of its result (kept up to 4 KiB of JSON). */
  readonly output?: Json;
  /** Succeeded with an output too large to keep: its size in characters of JSON. */
  readonly outputSize?: number;
}

/** A Map state's items in one scope of the run, and the ones that did not succeed. */
export interface MapItems {
  /** The graph node of the Map state. */
  readonly nodeId: string;
  /** The Map's scope path in the run (`''` at the top) and state name. */
  readonly scope: string;
  readonly state: string;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly running: number;
  readonly cancelled: number;
  /** Items that FAILED or were CANCELLED, index order, at most 50. */
  readonly problems: readonly {
    readonly index: number;
    readonly status: RunStatus;
    readonly error?: RunError;
  }[];
}

/** A state of the graph and where the run stands in it (for the list beside the graph). */
export interface StateEntry {
  readonly nodeId: string;
  /** Scope path in the chain (`Fan/0`, `Each/items`), `''` at the top. */
  readonly scope: string;
  readonly name: string;
  /** succeeded, failed, running, queued, cancelled; absent: not reached. */
  readonly status?: string;
  /** How many of the run's scopes are in it now (Map items count one each). */
  readonly now: number;
  /** Its input while a scope is in it, or where the run stopped in it. */
  readonly input?: Json;
}

/** GET /api/runs/:id. */
export interface RunPayload {
  readonly run: RunView;
  readonly steps: readonly StepDetail[];
  /** The Mermaid flowchart of the run's own definition, coloured; absent when the store lacks it. */
  readonly graph?: string;
  /** Why there is no graph. */
  readonly graphProblem?: string;
  readonly states: readonly StateEntry[];
  readonly maps: readonly MapItems[];
  readonly links: {
    /** The Logs Explorer query of the run's entries. */
    readonly logs: string;
  };
  readonly actions: {
    readonly allowed: boolean;
    /** Undefined: the run can be cancelled now; else why not. */
    readonly cancel?: string;
    /** Undefined: the run can be redriven now; else why not. */
    readonly redrive?: string;
  };
  readonly now: string;
}

/** One chain of the Chains page. */
export interface ChainEntry {
  readonly name: string;
  readonly comment?: string;
  readonly graph: string;
  readonly schedule?: ScheduleView;
  /** Its newest runs, at most 5. */
  readonly lastRuns: readonly RunRow[];
}

/** GET /api/chains. */
export interface ChainsPayload {
  readonly chains: readonly ChainEntry[];
  /** The chains folder read. */
  readonly dir: string;
  /** Files that could not be loaded, one line each (as `dfchain validate` prints them). */
  readonly problems: readonly string[];
  readonly now: string;
}

/** POST /api/runs/:id/cancel or /redrive, when published. */
export interface ActionDone {
  readonly message: string;
}

/**
 * GET /api/events?view=runs&… | view=run&id=… | view=chains: server-sent events. Each `data`
 * event is the payload the matching GET answers, sent at once and again whenever the store
 * changes; a `problem` event carries an {@link ApiProblem} (the stream stays open and recovers).
 */
export type LiveView = 'runs' | 'run' | 'chains';
