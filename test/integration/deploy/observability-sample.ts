/**
 * Sample values of what the dry run of infra/deploy.sh reads at run time about the alert
 * policies (infra/observability.sh), for parseScript.
 */
export const POLICY_SAMPLE = {
  RUNS_FAILED_POLICY: 'projects/demo-proj/alertPolicies/111',
  RUNS_FAILED_CHANNELS: 'projects/demo-proj/notificationChannels/9',
  DEADLINE_MISSED_POLICY: 'projects/demo-proj/alertPolicies/222',
  DEADLINE_MISSED_CHANNELS: 'projects/demo-proj/notificationChannels/9',
} as const;
