import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runProgram, type Outcome } from './shell-script.js';

/**
 * Sample values of what a dry run of infra/deploy.sh reads at run time (its ${NAME}s), for
 * parseScript: the project number, the sink's writer, the trigger and its subscription, and the
 * alert policies found by display name with their channels (infra/observability.sh), and the
 * Cloud Storage service agent (infra/triggers.sh).
 */
export const SAMPLE = {
  PROJECT_NUMBER: '123456789012',
  WRITER_IDENTITY: 'serviceAccount:service-123456789012@gcp-sa-logging.iam.gserviceaccount.com',
  EVENTARC_TRIGGER: 'dfchain-123456',
  TRIGGER_SUBSCRIPTION:
    'projects/demo-proj/subscriptions/eventarc-europe-west4-dfchain-123456-sub-001',
  RUNS_FAILED_POLICY: 'projects/demo-proj/alertPolicies/111',
  RUNS_FAILED_CHANNELS: 'projects/demo-proj/notificationChannels/9',
  DEADLINE_MISSED_POLICY: 'projects/demo-proj/alertPolicies/222',
  DEADLINE_MISSED_CHANNELS: 'projects/demo-proj/notificationChannels/9',
  STORAGE_AGENT: 'service-123456789012@gs-project-accounts.iam.gserviceaccount.com',
} as const;

/** Environment without any Google credentials or gcloud settings of the machine. */
export function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !key.startsWith('CLOUDSDK_') &&
        key !== 'GOOGLE_APPLICATION_CREDENTIALS' &&
        key !== 'GOOGLE_CLOUD_PROJECT',
    ),
  );
  return { ...env, ...extra };
}

/** Runs infra/deploy.sh from the repository's root. */
export function deploySh(args: string[], env: NodeJS.ProcessEnv = bareEnv()): Promise<Outcome> {
  return runProgram('bash', ['infra/deploy.sh', ...args], { cwd: ROOT, env });
}

/**
 * A stand-in gcloud on PATH: `cases` are bash `case "$*" in` arms (the first match answers),
 * anything else prints "value" and succeeds; every call is appended to the file `calls`.
 */
export function fakeGcloud(cases: readonly string[]) {
  const bin = mkdtempSync(join(tmpdir(), 'dfchain-fake-gcloud-'));
  const fake = join(bin, 'gcloud');
  writeFileSync(
    fake,
    [
      '#!/usr/bin/env bash',
      'echo "$*" >> "$(dirname "$0")/calls"',
      'case "$*" in',
      ...cases.map((arm) => `  ${arm}`),
      '  *) echo value ;;',
      'esac',
    ].join('\n'),
  );
  chmodSync(fake, 0o755);
  return {
    env: bareEnv({ PATH: `${bin}:${process.env['PATH'] ?? ''}` }),
    calls: () => (existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8') : ''),
    cleanup: () => rmSync(bin, { recursive: true, force: true }),
  };
}

/** Signed in, in a project that has the function's region and no dfchain database yet. */
export const SIGNED_IN = [
  '"config get-value account"*) echo deployer@example.com ;;',
  '"functions regions list"*) printf "europe-west1\\neurope-west4\\n" ;;',
];
