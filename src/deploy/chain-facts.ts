import type { Chain } from '../chain/types.js';
import { RUNTIME_ENVIRONMENT_FIELDS } from '../engine/launch-request.js';
import { scheduleZone } from '../schedule/ticks.js';

/** One Cloud Scheduler job to create: a chain's Schedule and the exact message it publishes. */
export interface ScheduleFact {
  readonly chain: string;
  /** unix-cron, as validated (Schedule.Cron). */
  readonly cron: string;
  /** IANA time zone; `Etc/UTC` when the Schedule names none (Cloud Scheduler's default). */
  readonly timeZone: string;
  /**
   * The exact JSON body the job publishes on the events topic: the fixed scheduled trigger
   * `{"dfchain":"start","chain":CHAIN,"scheduled":true}` (a Pub/Sub target cannot vary it;
   * the function derives the tick from the message's publish time).
   */
  readonly message: string;
}

/** A chain's trigger on a bucket (Triggers[].Gcs): `prefix` is "" when the trigger has none. */
export interface TriggerFact {
  readonly chain: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly matchGlob?: string;
}

/**
 * One Cloud Storage notification to create on the events topic (OBJECT_FINALIZE, JSON_API_V1):
 * a bucket and an object-name prefix ("" for every object). A notification takes one prefix
 * only (notifications.insert `object_name_prefix`), so globs are applied by the function.
 */
export interface NotificationFact {
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * What a deployment must grant or create for a set of chains, read from the chain files the
 * way the sink filter is: the regions that need an Eventarc trigger, the service accounts the
 * function must act as, and the buckets the function and the workers read.
 */
export interface ChainFacts {
  /** Dataflow regions the chains launch jobs in (each needs its own Eventarc trigger). */
  readonly regions: readonly string[];
  /** Worker service accounts the chains name: the function needs `actAs` on each. */
  readonly serviceAccounts: readonly string[];
  /** Buckets of literal template paths: the launch reads the template spec from them. */
  readonly templateBuckets: readonly string[];
  /** Buckets of `tempLocation` and `stagingLocation`: the workers write there. */
  readonly workBuckets: readonly string[];
  /** Tasks whose template path is computed at run time (`.$`): its bucket must be named by hand. */
  readonly computedTemplatePaths: readonly string[];
  /** Buckets Map ItemReaders name literally: the function lists and reads objects there. */
  readonly readerBuckets: readonly string[];
  /** Maps whose ItemReader bucket is computed at run time (`bucket.$`): granted by hand. */
  readonly computedReaderBuckets: readonly string[];
  /** Tasks whose worker service account is computed at run time: it must be granted by hand. */
  readonly computedServiceAccounts: readonly string[];
  /** Tasks that name no worker service account: Dataflow runs them as its default one. */
  readonly defaultServiceAccountTasks: readonly string[];
  /** The chains' Schedules, by chain name: one Cloud Scheduler job each. */
  readonly schedules: readonly ScheduleFact[];
  /** The chains' Triggers, by chain, bucket and prefix. */
  readonly triggers: readonly TriggerFact[];
  /**
   * The bucket notifications the Triggers need, by bucket and prefix: one per distinct prefix,
   * leaving out a prefix that a shorter one on the same bucket already covers (it would only
   * deliver the same object twice).
   */
  readonly notifications: readonly NotificationFact[];
  /**
   * Cloud Run jobs the `run:job` Tasks name, by short name (the sink selects their completion
   * entries by `resource.labels.job_name`; the function needs roles/run.developer on them).
   */
  readonly runJobs: readonly string[];
  /** `run:job` Tasks whose job is computed at run time (`job.$`): the sink cannot name it. */
  readonly computedRunJobs: readonly string[];
  /**
   * Topics the `pubsub:publish…` Tasks name, as written (`T` in the function's project, or
   * `projects/P/topics/T`): the function needs roles/pubsub.publisher on each.
   */
  readonly publishTopics: readonly string[];
  /** `pubsub:publish…` Tasks whose topic is computed at run time (`topic.$`): granted by hand. */
  readonly computedPublishTopics: readonly string[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The Triggers of `chain`, as deploy facts. */
export function triggerFacts(chain: Chain): TriggerFact[] {
  return (chain.definition.Triggers ?? []).map(({ Gcs }) => ({
    chain: chain.name,
    bucket: Gcs.bucket,
    prefix: Gcs.prefix ?? '',
    ...(Gcs.matchGlob === undefined ? {} : { matchGlob: Gcs.matchGlob }),
  }));
}

/** The notifications `triggers` need: per bucket, the prefixes no shorter one covers. */
export function notificationFacts(triggers: readonly TriggerFact[]): NotificationFact[] {
  const sortedPairs = [...new Set(triggers.map((t) => JSON.stringify([t.bucket, t.prefix])))]
    .map((pair) => JSON.parse(pair) as [string, string])
    .sort(([b1, p1], [b2, p2]) => byText(b1, b2) || byText(p1, p2));
  const kept: NotificationFact[] = [];
  for (const [bucket, prefix] of sortedPairs) {
    // Sorted, a covering prefix comes before every prefix it covers.
    const covered = kept.some((n) => n.bucket === bucket && prefix.startsWith(n.prefix));
    if (!covered) kept.push({ bucket, prefix });
  }
  return kept;
}

/** The Cloud Scheduler job of `chain`'s Schedule, or undefined when it has none. */
export function scheduleFact(chain: Chain): ScheduleFact | undefined {
  const schedule = chain.definition.Schedule;
  if (schedule === undefined) return undefined;
  return {
    chain: chain.name,
    cron: schedule.Cron,
    timeZone: scheduleZone(schedule),
    message: JSON.stringify({ dfchain: 'start', chain: chain.name, scheduled: true }),
  };
}

/** A chain state as this reader sees it: any JSON object, since it only looks for a few keys. */
type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The bucket of a `gs://bucket/path` URL, or undefined for anything else. */
export function gcsBucket(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  return /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/|$)/.exec(url)?.[1];
}

/** How a field of a Task is given: a literal value, a path computed at run time, or not at all. */
type Given = { readonly literal: unknown } | 'computed' | undefined;

/** The field `key` of `fields`, literal or `key.$`. */
function given(fields: Fields | undefined, key: string): Given {
  if (fields === undefined) return undefined;
  if (Object.hasOwn(fields, `${key}.$`)) return 'computed';
  return Object.hasOwn(fields, key) ? { literal: fields[key] } : undefined;
}

/**
 * Every state of type `type` of a chain with its place (`chain: States.Name`), walking into the
 * nested `States` of Parallel branches and Map processors too, so a chain language that grows
 * them is still read whole.
 */
function statesOf(chain: Chain, type: string): { place: string; state: Fields }[] {
  const found: { place: string; state: Fields }[] = [];
  const walk = (states: unknown, prefix: string): void => {
    if (!isFields(states)) return;
    for (const [name, state] of Object.entries(states)) {
      if (!isFields(state)) continue;
      const place = `${prefix}States.${name}`;
      if (state['Type'] === type) found.push({ place: `${chain.name}: ${place}`, state });
      const branches = Array.isArray(state['Branches']) ? state['Branches'] : [];
      branches.forEach((branch: unknown, i) => {
        if (isFields(branch)) walk(branch['States'], `${place}.Branches[${i}].`);
      });
      for (const key of ['ItemProcessor', 'Iterator']) {
        const inner = state[key];
        if (isFields(inner)) walk(inner['States'], `${place}.${key}.`);
      }
    }
  };
  walk(chain.definition.States, '');
  return found;
}

// Values end up as words of gcloud commands: anything odd is left out here (validation or the
// launch reports it) rather than passed on to a shell.
const REGION = /^[a-z][a-z0-9-]{0,62}$/;
const EMAIL = /^[a-z0-9][a-z0-9._+-]*@[a-z0-9][a-z0-9.-]*$/i;

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** The Task resource of a Cloud Run job execution (ARCHITECTURE.md §2.1). */
export const RUN_JOB_RESOURCE = 'run:job';
/** A Cloud Run job's short name, or its full name `projects/P/locations/L/jobs/J` (docs/cloud-run.md §6). */
const RUN_JOB =
  /^(?:projects\/[^/]+\/locations\/[^/]+\/jobs\/)?([a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)$/;

/** The short name of the job a `run:job` Task names; 'computed' for `job.$`; undefined when odd. */
function runJobFact(state: Fields): { readonly job: string } | 'computed' | undefined {
  const parameters = isFields(state['Parameters']) ? state['Parameters'] : {};
  const job = given(parameters, 'job');
  if (job === 'computed') return 'computed';
  const short = typeof job?.literal === 'string' ? RUN_JOB.exec(job.literal)?.[1] : undefined;
  return short === undefined ? undefined : { job: short };
}

/** A topic as a `pubsub:publish` Task may name it (dag/schema.json publishParameters.topic). */
const TOPIC =
  /^(?:projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/)?[a-zA-Z][-a-zA-Z0-9._~+%]{2,254}$/;

/** The topic a `pubsub:publish…` Task names; 'computed' for `topic.$`; undefined when odd. */
function publishTopicFact(state: Fields): { readonly topic: string } | 'computed' | undefined {
  const parameters = isFields(state['Parameters']) ? state['Parameters'] : {};
  const topic = given(parameters, 'topic');
  if (topic === 'computed') return 'computed';
  return typeof topic?.literal === 'string' && TOPIC.test(topic.literal)
    ? { topic: topic.literal }
    : undefined;
}

// A literal bucket of an ItemReader, as validation accepts it (src/chain/trigger-checks.ts).
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** The buckets the Map ItemReaders of `chain` name (`found`), and those computed (`computed`). */
function readers(chain: Chain, found: string[], computed: string[]): void {
  for (const { place, state } of statesOf(chain, 'Map')) {
    const reader = isFields(state['ItemReader']) ? state['ItemReader'] : undefined;
    const parameters = isFields(reader?.['Parameters']) ? reader['Parameters'] : undefined;
    const bucket = given(parameters, 'bucket');
    if (bucket === 'computed') computed.push(place);
    else if (typeof bucket?.literal === 'string' && BUCKET.test(bucket.literal))
      found.push(bucket.literal);
  }
}

/** The deployment facts of `chains`: Dataflow, Cloud Run and Pub/Sub Tasks, and Map ItemReaders. */
export function chainFacts(chains: Iterable<Chain>): ChainFacts {
  const regions: string[] = [];
  const serviceAccounts: string[] = [];
  const templateBuckets: string[] = [];
  const workBuckets: string[] = [];
  const computedTemplatePaths: string[] = [];
  const readerBuckets: string[] = [];
  const computedReaderBuckets: string[] = [];
  const computedServiceAccounts: string[] = [];
  const defaultServiceAccountTasks: string[] = [];
  const schedules: ScheduleFact[] = [];
  const triggers: TriggerFact[] = [];
  const runJobs: string[] = [];
  const computedRunJobs: string[] = [];
  const publishTopics: string[] = [];
  const computedPublishTopics: string[] = [];
  for (const chain of chains) {
    triggers.push(...triggerFacts(chain));
    const schedule = scheduleFact(chain);
    if (schedule !== undefined) schedules.push(schedule);
    const defaults: Fields = isFields(chain.definition.Defaults) ? chain.definition.Defaults : {};
    const defaultEnv = isFields(defaults['Environment']) ? defaults['Environment'] : undefined;
    readers(chain, readerBuckets, computedReaderBuckets);
    for (const { place, state } of statesOf(chain, 'Task')) {
      const resource = state['Resource'];
      if (resource === RUN_JOB_RESOURCE) {
        const job = runJobFact(state);
        if (job === 'computed') computedRunJobs.push(place);
        else if (job !== undefined) runJobs.push(job.job);
        continue;
      }
      if (typeof resource === 'string' && resource.startsWith('pubsub:publish')) {
        const topic = publishTopicFact(state);
        if (topic === 'computed') computedPublishTopics.push(place);
        else if (topic !== undefined) publishTopics.push(topic.topic);
        continue;
      }
      if (typeof resource !== 'string' || !resource.startsWith('dataflow:')) continue;
      const region = state['Region'] ?? defaults['Region'];
      if (typeof region === 'string' && REGION.test(region)) regions.push(region);
      const parameters = isFields(state['Parameters']) ? state['Parameters'] : {};
      // A flex template names its spec in containerSpecGcsPath, a classic one in gcsPath.
      const template =
        given(parameters, 'containerSpecGcsPath') ?? given(parameters, 'gcsPath') ?? undefined;
      if (template === 'computed') computedTemplatePaths.push(place);
      else if (template !== undefined) {
        const bucket = gcsBucket(template.literal);
        if (bucket !== undefined) templateBuckets.push(bucket);
      }
      // The Task's environment is merged over Defaults.Environment key by key (the Task wins);
      // a computed environment as a whole hides every key.
      const taskEnvGiven = given(parameters, 'environment');
      const taskEnv =
        taskEnvGiven !== undefined && taskEnvGiven !== 'computed' && isFields(taskEnvGiven.literal)
          ? taskEnvGiven.literal
          : undefined;
      // A classic launch gets only the RuntimeEnvironment fields of Defaults.Environment (the
      // engine drops Flex-only ones such as stagingLocation), so only those can need a grant.
      const classic = resource === 'dataflow:template';
      const fromDefaults = (key: string): Given =>
        classic && !RUNTIME_ENVIRONMENT_FIELDS.includes(key) ? undefined : given(defaultEnv, key);
      const envField = (key: string): Given =>
        taskEnvGiven === 'computed' ? 'computed' : (given(taskEnv, key) ?? fromDefaults(key));
      const account = envField('serviceAccountEmail');
      if (account === 'computed') computedServiceAccounts.push(place);
      else if (account === undefined) defaultServiceAccountTasks.push(place);
      else if (typeof account.literal === 'string' && EMAIL.test(account.literal)) {
        serviceAccounts.push(account.literal);
      }
      for (const key of ['tempLocation', 'stagingLocation']) {
        const location = envField(key);
        const bucket =
          location !== undefined && location !== 'computed'
            ? gcsBucket(location.literal)
            : undefined;
        if (bucket !== undefined) workBuckets.push(bucket);
      }
    }
  }
  return {
    regions: sorted(regions),
    serviceAccounts: sorted(serviceAccounts),
    templateBuckets: sorted(templateBuckets),
    workBuckets: sorted(workBuckets),
    computedTemplatePaths: sorted(computedTemplatePaths),
    readerBuckets: sorted(readerBuckets),
    computedReaderBuckets: sorted(computedReaderBuckets),
    computedServiceAccounts: sorted(computedServiceAccounts),
    defaultServiceAccountTasks: sorted(defaultServiceAccountTasks),
    schedules: schedules.sort((a, b) => (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0)),
    triggers: triggers.sort(
      (a, b) =>
        byText(a.chain, b.chain) || byText(a.bucket, b.bucket) || byText(a.prefix, b.prefix),
    ),
    notifications: notificationFacts(triggers),
    runJobs: sorted(runJobs),
    computedRunJobs: sorted(computedRunJobs),
    publishTopics: sorted(publishTopics),
    computedPublishTopics: sorted(computedPublishTopics),
  };
}

/** Line kinds of the plain-text form, one `kind value` pair a line, for the deploy script. */
export const FACT_KINDS = {
  region: 'regions',
  'service-account': 'serviceAccounts',
  'template-bucket': 'templateBuckets',
  'work-bucket': 'workBuckets',
  'computed-template-path': 'computedTemplatePaths',
  'reader-bucket': 'readerBuckets',
  'computed-reader-bucket': 'computedReaderBuckets',
  'computed-service-account': 'computedServiceAccounts',
  'default-service-account': 'defaultServiceAccountTasks',
  'run-job': 'runJobs',
  'computed-run-job': 'computedRunJobs',
  'publish-topic': 'publishTopics',
  'computed-publish-topic': 'computedPublishTopics',
} as const satisfies Record<
  string,
  Exclude<keyof ChainFacts, 'schedules' | 'triggers' | 'notifications'>
>;

/**
 * The facts as `kind value` lines (values hold no newline), in FACT_KINDS order, then one
 * `schedule CHAIN TIMEZONE CRON` line per schedule (the cron last: it holds spaces), then one
 * `notification BUCKET PREFIX` line per bucket notification (the prefix as JSON, last: it may
 * hold spaces or be empty).
 */
export function renderFacts(facts: ChainFacts): string[] {
  return [
    ...Object.entries(FACT_KINDS).flatMap(([kind, key]) =>
      facts[key].map((value) => `${kind} ${value}`),
    ),
    ...facts.schedules.map((s) => `schedule ${s.chain} ${s.timeZone} ${s.cron}`),
    ...facts.notifications.map((n) => `notification ${n.bucket} ${JSON.stringify(n.prefix)}`),
  ];
}
