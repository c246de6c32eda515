import { JOB_NAME_SUFFIX_LENGTH } from '../chain/job-name.js';
import { ConfigError } from '../errors.js';
import { WORKER_POOL_STOPPED } from '../events/log-entry.js';
import {
  CLOUD_RUN_JOB_RESOURCE,
  RUN_JOB_METHOD,
  SYSTEM_EVENT_LOG_SUFFIX,
} from '../events/run-log-entry.js';

/**
 * The Log Router sink filter exists once, as this small AST: the text given to Cloud Logging and
 * the matcher the tests run against sample LogEntries are both generated from it, so they cannot
 * drift apart.
 */

/** Comparison operators of the Logging query language that dfchain uses. */
export const FILTER_OPERATORS = ['=', ':', '=~'] as const;
/** Comparison operators of the Logging query language that dfchain uses. */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One comparison: `field op "value"`, with `field` a dotted LogEntry path. */
export interface FilterComparison {
  readonly op: FilterOperator;
  readonly field: string;
  readonly value: string;
}

/** A node of a Logging query: comparisons combined with AND, OR and NOT. */
export type FilterNode =
  | FilterComparison
  | { readonly op: 'and' | 'or'; readonly args: readonly FilterNode[] }
  | { readonly op: 'not'; readonly arg: FilterNode };

/**
 * Start of every flex template launcher failure: what follows varies ("Template launch failed…",
 * "could not determine py file from env", "file … does not exist", …), so only the prefix is
 * matched (ARCHITECTURE.md §4; issue 7).
 */
export const LAUNCHER_FAILURE_PREFIX = 'Error occurred in the launcher container: ';

/** A launcher that never wrote its result ends the job with this text, matched anywhere. */
export const LAUNCHER_TIMEOUT_TEXT = 'Timeout in polling result file';

/** Log that holds Dataflow's job messages (logName is URL-encoded there). */
export const JOB_MESSAGE_LOG_SUFFIX = '/logs/dataflow.googleapis.com%2Fjob-message';

/** `value` as a Logging query string literal. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `text` as an RE2 (and JavaScript) pattern that matches it literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/** Renders the AST as Cloud Logging query language text, parenthesising every nested group. */
export function renderFilter(node: FilterNode, nested = false): string {
  switch (node.op) {
    case 'and':
    case 'or': {
      const text = node.args
        .map((arg) => renderFilter(arg, true))
        .join(node.op === 'and' ? ' AND ' : ' OR ');
      // The language binds OR tighter than AND: explicit parentheses keep the meaning obvious.
      return nested && node.args.length > 1 ? `(${text})` : text;
    }
    case 'not':
      return `NOT ${renderFilter(node.arg, true)}`;
    default:
      return `${node.field}${node.op}${quote(node.value)}`;
  }
}

/** The string at a dotted path of a LogEntry-like object; undefined when absent or not scalar. */
function fieldValue(entry: unknown, field: string): string | undefined {
  let value: unknown = entry;
  for (const key of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/**
 * Evaluates the AST against a LogEntry as Cloud Logging does: `=` compares whole strings and
 * `:` finds a substring, both ignoring case; `=~` is a case-sensitive, unanchored regular
 * expression search; a comparison on a missing field is false, so its NOT is true.
 */
export function matchesFilter(node: FilterNode, entry: unknown): boolean {
  switch (node.op) {
    case 'and':
      return node.args.every((arg) => matchesFilter(arg, entry));
    case 'or':
      return node.args.some((arg) => matchesFilter(arg, entry));
    case 'not':
      return !matchesFilter(node.arg, entry);
    default: {
      const actual = fieldValue(entry, node.field);
      if (actual === undefined) return false;
      if (node.op === '=~') return new RegExp(node.value, 'u').test(actual);
      const [have, want] = [actual.toLowerCase(), node.value.toLowerCase()];
      return node.op === '=' ? have === want : have.includes(want);
    }
  }
}

/**
 * The Dataflow part of the sink filter: job messages that end a job ("Worker pool stopped.", a
 * flex template launcher failure, or a launcher that timed out) of jobs named
 * `<prefix>-<12 hex>` for a chain's prefix.
 */
function dataflowFilter(prefixes: readonly string[]): FilterNode {
  const jobName = `^(${prefixes.map(escapeRegex).join('|')})-[0-9a-f]{${JOB_NAME_SUFFIX_LENGTH}}$`;
  return {
    op: 'and',
    args: [
      { op: '=', field: 'resource.type', value: 'dataflow_step' },
      { op: ':', field: 'logName', value: JOB_MESSAGE_LOG_SUFFIX },
      {
        op: 'or',
        args: [
          { op: '=', field: 'textPayload', value: WORKER_POOL_STOPPED },
          { op: '=~', field: 'textPayload', value: `^${escapeRegex(LAUNCHER_FAILURE_PREFIX)}` },
          { op: ':', field: 'textPayload', value: LAUNCHER_TIMEOUT_TEXT },
        ],
      },
      { op: '=~', field: 'resource.labels.job_name', value: jobName },
    ],
  };
}

/**
 * The Cloud Run part: the RunJob completion entry (System Event audit log, docs/cloud-run.md §3)
 * of the jobs the chains name, by exact job name (a job's name is fixed; its executions' are not).
 */
function runFilter(jobs: readonly string[]): FilterNode {
  return {
    op: 'and',
    args: [
      { op: '=', field: 'resource.type', value: CLOUD_RUN_JOB_RESOURCE },
      { op: ':', field: 'logName', value: SYSTEM_EVENT_LOG_SUFFIX },
      { op: '=', field: 'protoPayload.methodName', value: RUN_JOB_METHOD },
      {
        op: '=~',
        field: 'resource.labels.job_name',
        value: `^(${jobs.map(escapeRegex).join('|')})$`,
      },
    ],
  };
}

/**
 * The sink filter: the entries that end a Dataflow job of a chain's job-name prefix, or a Cloud
 * Run execution of a job a `run:job` Task names. Requiring `resource.type` `dataflow_step` or
 * `cloud_run_job` is what keeps the function's own logs (cloud_run_revision) out, so the
 * function can never feed on itself.
 */
export function sinkFilter(prefixes: Iterable<string>, runJobs: Iterable<string> = []): FilterNode {
  const sorted = [...new Set(prefixes)].sort();
  const jobs = [...new Set(runJobs)].sort();
  if (sorted.length === 0 && jobs.length === 0) {
    throw new ConfigError(
      'the chains have no Task state, so no Dataflow job or Cloud Run execution of theirs can end: add a Task with Parameters.jobName (or a run:job Task with Parameters.job) before deploying the log sink',
    );
  }
  if (jobs.length === 0) return dataflowFilter(sorted);
  if (sorted.length === 0) return runFilter(jobs);
  return { op: 'or', args: [dataflowFilter(sorted), runFilter(jobs)] };
}
