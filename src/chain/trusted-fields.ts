import type { ChainProblem } from '../errors.js';
import type { UnknownObject } from '../json.js';

const CODE =
  'whoever starts a run could choose the code the workers run, as the worker service account';

/**
 * Launch environment fields that decide who the workers are, what code they run, where they
 * connect or which key protects the data. Whoever can publish a `start` command chooses the run
 * input, so a `.$` here would hand that control to them: these are set in the chain file only.
 */
export const TRUSTED_ENVIRONMENT_FIELDS: Readonly<Record<string, string>> = {
  serviceAccountEmail: `run input would choose the identity the workers act as, and with it every permission they use`,
  sdkContainerImage: `run input would choose the worker container image: ${CODE}`,
  network: 'run input would choose the network the workers join, and so what they can reach',
  subnetwork: 'run input would choose the subnetwork the workers join, and so what they can reach',
  kmsKeyName: "run input would choose the Cloud KMS key that protects the job's data",
  additionalPipelineOptions: `run input would add pipeline options, which can replace the worker image or account: ${CODE}`,
  additionalExperiments: `run input would enable Dataflow experiments, which can change how and where the workers run`,
};

/** A problem for each `.$` key in `environment` that names a trusted field. */
export function trustedFieldProblems(environment: UnknownObject, place: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const key of Object.keys(environment)) {
    const field = key.slice(0, -2);
    // hasOwn: a key such as "constructor.$" must not find Object.prototype's members.
    if (!key.endsWith('.$') || !Object.hasOwn(TRUSTED_ENVIRONMENT_FIELDS, field)) continue;
    problems.push({
      path: `${place}.${key}`,
      message: `${TRUSTED_ENVIRONMENT_FIELDS[field]!}; set it literally in the chain file`,
    });
  }
  return problems;
}
