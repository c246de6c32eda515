/**
 * Every error name dfchain raises or matches, in one place: no handler spells one out itself.
 * The `States.` names are ASL's; the others name what went wrong with a resource.
 */
export const ERROR_NAMES = {
  all: 'States.ALL',
  taskFailed: 'States.TaskFailed',
  timeout: 'States.Timeout',
  heartbeatTimeout: 'States.HeartbeatTimeout',
  runtime: 'States.Runtime',
  dataLimitExceeded: 'States.DataLimitExceeded',
  noChoiceMatched: 'States.NoChoiceMatched',
  intrinsicFailure: 'States.IntrinsicFailure',
  parameterPathFailure: 'States.ParameterPathFailure',
  resultPathMatchFailure: 'States.ResultPathMatchFailure',
  exceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  branchFailed: 'States.BranchFailed',
  /** A Map's ItemReader could not read its items (docs/item-reader.md). */
  itemReaderFailed: 'States.ItemReaderFailed',
  /** A Fail state without Error. */
  fail: 'States.Fail',
  jobFailed: 'Dataflow.JobFailed',
  jobCancelled: 'Dataflow.JobCancelled',
  launchFailed: 'Dataflow.LaunchFailed',
  executionFailed: 'Run.ExecutionFailed',
  executionCancelled: 'Run.ExecutionCancelled',
  runLaunchFailed: 'Run.LaunchFailed',
  /** A run ended by the `cancel` command (see engine/cancel.ts for why this name). */
  cancelled: 'States.Cancelled',
} as const;

/** An error name dfchain itself raises. */
export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];
