import { dataflow_v1b3 } from 'googleapis/build/src/apis/dataflow/index.js';
import type { Simulator, SimulatorOptions } from '../../../../src/local/simulator/index.js';
import { startSimulator } from '../../../../src/local/simulator/index.js';

export const PROJECT = 'proj-1';
export const LOCATION = 'europe-west4';
/** 2026-11-22T13:35:45Z, i.e. 05:35:45 in US Pacific time. */
export const T0 = Date.UTC(2026, 10, 22, 13, 35, 45);

/** A simulator and the real googleapis client pointed at it (no auth, no retries). */
export interface Harness {
  readonly sim: Simulator;
  readonly df: dataflow_v1b3.Dataflow;
  launch(
    jobName: string,
    environment?: dataflow_v1b3.Schema$FlexTemplateRuntimeEnvironment,
  ): Promise<dataflow_v1b3.Schema$Job>;
  /** `jobs.get` in `view` (the summary unless told; `null` sends no view at all). */
  get(jobId: string, view?: string | null, location?: string): Promise<dataflow_v1b3.Schema$Job>;
  /** `jobs.update` with `requestBody` (a cancel unless told) and the optional `updateMask`. */
  update(
    jobId: string,
    requestBody?: dataflow_v1b3.Schema$Job,
    updateMask?: string,
  ): Promise<dataflow_v1b3.Schema$Job>;
  list(params?: {
    name?: string;
    filter?: string;
    view?: string;
    location?: string;
  }): Promise<dataflow_v1b3.Schema$ListJobsResponse>;
}

/** Starts a simulator and wraps the calls tests make through the real client. */
export async function harness(options: SimulatorOptions = {}): Promise<Harness> {
  const sim = await startSimulator(options);
  const df = new dataflow_v1b3.Dataflow({ rootUrl: sim.rootUrl });
  return {
    sim,
    df,
    launch: async (jobName, environment) => {
      const res = await df.projects.locations.flexTemplates.launch(
        {
          projectId: PROJECT,
          location: LOCATION,
          requestBody: {
            launchParameter: { jobName, containerSpecGcsPath: 'gs://b/t.json', environment },
          },
        },
        { retry: false },
      );
      return res.data.job!;
    },
    get: async (jobId, view = 'JOB_VIEW_SUMMARY', location = LOCATION) =>
      (
        await df.projects.locations.jobs.get(
          { projectId: PROJECT, location, jobId, ...(view === null ? {} : { view }) },
          { retry: false },
        )
      ).data,
    update: async (jobId, requestBody = { requestedState: 'JOB_STATE_CANCELLED' }, updateMask) =>
      (
        await df.projects.locations.jobs.update(
          {
            projectId: PROJECT,
            location: LOCATION,
            jobId,
            requestBody,
            ...(updateMask === undefined ? {} : { updateMask }),
          },
          { retry: false },
        )
      ).data,
    list: async (params = {}) =>
      (
        await df.projects.locations.jobs.list(
          { projectId: PROJECT, location: LOCATION, ...params },
          { retry: false },
        )
      ).data,
  };
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<{
  code?: unknown;
  status?: number;
  message: string;
  response?: { data?: unknown };
}> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: unknown; status?: number; message: string };
  }
  throw new Error('expected a rejection');
}
