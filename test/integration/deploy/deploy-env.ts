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

/** Offline, the real gcloud parses a command and then refuses it for lack of an account. */
const NO_ACCOUNT = /no active account|do not currently have an active account/;

/**
 * What the real gcloud refuses of `commands` (ARCHITECTURE §5: offline, a well-formed command
 * exits 1 for want of an account, a malformed one 2), one line per refusal, `limit` gcloud
 * processes at a time, under a throwaway config folder; `noAccount` is the refusal expected.
 */
export async function gcloudRefusals(
  commands: readonly (readonly string[])[],
  limit = 1,
  noAccount: RegExp = NO_ACCOUNT,
): Promise<string[]> {
  const config = mkdtempSync(join(tmpdir(), 'dfchain-gcloud-'));
  try {
    const env = bareEnv({ CLOUDSDK_CONFIG: config, CLOUDSDK_CORE_DISABLE_PROMPTS: '1' });
    const refusals: string[] = new Array<string>(commands.length).fill('');
    let next = 0;
    const worker = async () => {
      while (next < commands.length) {
        const index = next++;
        const command = commands[index]!;
        const outcome = await runProgram('gcloud', command.slice(1), { cwd: config, env });
        if (!(outcome.code === 1 && noAccount.test(outcome.stderr)))
          refusals[index] = `exit ${outcome.code}: ${command.join(' ')}\n${outcome.stderr}`;
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));
    return refusals.filter((line) => line !== '');
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}
