import type { JobRecord } from './lifecycle.js';

/** What one worker has, by machine type: vCPUs and memory in MB. */
export interface MachineShape {
  readonly vcpus: number;
  readonly memoryMb: number;
}

/** GB of memory per vCPU of Compute Engine's predefined families (`{family}-{kind}-{vCPUs}`). */
const MEMORY_GB_PER_VCPU: Readonly<Record<string, number>> = {
  'n1-standard': 3.75,
  'n1-highmem': 6.5,
  'n1-highcpu': 0.9,
  'n2-standard': 4,
  'n2-highmem': 8,
  'n2-highcpu': 1,
  'n2d-standard': 4,
  'e2-standard': 4,
  'e2-highmem': 8,
  'e2-highcpu': 1,
  'c2-standard': 4,
};

/** The machine a batch job's workers get when the launch names none. */
export const DEFAULT_MACHINE = 'n1-standard-1';
/** Boot disk of a batch worker with Dataflow Shuffle (the batch default): 25 GB. */
export const DEFAULT_DISK_GB = 25;
/** Shuffle the simulator makes up: 1 MB per vCPU-second of work, so bigger jobs shuffle more. */
const SHUFFLE_GB_PER_VCPU_SECOND = 1 / 1024;

/** vCPUs and memory of `machineType`; an unknown or custom type counts as the default machine. */
export function machineShape(machineType: string | undefined): MachineShape {
  const match = /^([a-z0-9]+-[a-z]+)-(\d+)$/.exec(machineType ?? '');
  const perVcpu = match ? MEMORY_GB_PER_VCPU[match[1]!] : undefined;
  if (!match || perVcpu === undefined) return machineShape(DEFAULT_MACHINE);
  const vcpus = Number(match[2]);
  return { vcpus, memoryMb: Math.round(vcpus * perVcpu * 1024) };
}

function positive(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Seconds the job has had workers up to `now`: from RUNNING to its end (or to now, while it runs). */
export function workerSeconds(job: JobRecord, now: number): number {
  const running = job.history.find((change) => change.state === 'JOB_STATE_RUNNING');
  if (running === undefined) return 0;
  // An ended job's last change is its terminal state: workers stop there.
  const until = job.ended ? (job.history.at(-1)?.time ?? now) : now;
  return Math.max(0, (until - running.time) / 1000);
}

function metric(name: string, originalName: string, scalar: number, updateTime: string) {
  return {
    name: { origin: 'dataflow/v1b3', name, context: { original_name: originalName } },
    scalar,
    updateTime,
  };
}

/**
 * `jobs.getMetrics`' answer for a job: `{metricTime, metrics}` with the service's resource
 * totals (origin `dataflow/v1b3`, `context.original_name` as `gcloud dataflow metrics list`
 * shows them), made up from the time the job had workers and its launch environment
 * (`numWorkers`, default 1; `machineType`, default n1-standard-1; `diskSizeGb`, default 25).
 * A job that never started workers (its launcher failed) has no resource metrics, as Google's
 * JSON leaves out an empty list.
 */
export function jobMetrics(job: JobRecord, now: number): Record<string, unknown> {
  const metricTime = new Date(now).toISOString();
  const seconds = workerSeconds(job, now);
  if (seconds === 0) return { metricTime };
  const environment = job.request.launchParameter?.['environment'];
  const env = (typeof environment === 'object' && environment !== null ? environment : {}) as {
    readonly [key: string]: unknown;
  };
  const workers = Math.round(positive(env['numWorkers'], 1));
  const shape = machineShape(
    typeof env['machineType'] === 'string' ? env['machineType'] : undefined,
  );
  const diskGb = positive(env['diskSizeGb'], DEFAULT_DISK_GB);
  const vcpuSeconds = Math.round(workers * shape.vcpus * seconds);
  const shuffleGb = Math.round(vcpuSeconds * SHUFFLE_GB_PER_VCPU_SECOND * 1000) / 1000;
  return {
    metricTime,
    metrics: [
      metric('TotalVcpuTime', 'Service-cpu_num_seconds', vcpuSeconds, metricTime),
      metric(
        'TotalMemoryUsage',
        'Service-mem_mb_seconds',
        Math.round(workers * shape.memoryMb * seconds),
        metricTime,
      ),
      metric(
        'TotalPdUsage',
        'Service-pd_gb_seconds',
        Math.round(workers * diskGb * seconds),
        metricTime,
      ),
      metric('TotalSsdUsage', 'Service-pd_ssd_gb_seconds', 0, metricTime),
      metric(
        'TotalShuffleDataProcessed',
        'Service-shuffle_service_actual_gb',
        shuffleGb,
        metricTime,
      ),
      metric(
        'BillableShuffleDataProcessed',
        'Service-shuffle_service_chargeable_gb',
        shuffleGb,
        metricTime,
      ),
      metric('TotalStreamingDataProcessed', 'Service-streaming_service_gb', 0, metricTime),
      metric(
        'CurrentVcpuCount',
        'Service-cpu_num',
        job.ended ? 0 : workers * shape.vcpus,
        metricTime,
      ),
    ],
  };
}
