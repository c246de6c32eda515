import { ChainCatalog } from '../../../src/chain/catalog.js';
import type { ChainDefinition, TaskState } from '../../../src/chain/types.js';
import { handleEvent } from '../../../src/handler/handle-event.js';
import { createKit, jobEndedEvent, startEvent, type Kit } from '../handler/kit.js';

function task(prefix: string): TaskState {
  return {
    Type: 'Task',
    Resource: 'dataflow:flexTemplate',
    Region: 'europe-west4',
    Parameters: { jobName: prefix, containerSpecGcsPath: `gs://b/${prefix}.json` },
    End: true,
  };
}

/**
 * "mix": a Parallel whose first branch runs one Task (Solo) and whose second runs a Map (Each)
 * of a Task (Work) over `$.items`, two items at once, one failed item tolerated; then Join.
 */
export const MIX: ChainDefinition = {
  StartAt: 'Fan',
  States: {
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Solo', States: { Solo: task('solo') } },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 2,
              ToleratedFailureCount: 1,
              ItemProcessor: { StartAt: 'Work', States: { Work: task('work') } },
              End: true,
            },
          },
        },
      ],
      Next: 'Join',
    },
    Join: task('join'),
  },
};

/** The kit with chain "mix" deployed. */
export function mixKit(): Kit {
  return createKit({
    chains: new ChainCatalog([{ name: 'mix', file: 'mix.json', definition: MIX }]),
  });
}

/** Starts run r1 of "mix" over three items. */
export async function startMix(kit: Kit): Promise<void> {
  await handleEvent(kit.deps, startEvent({ chain: 'mix', input: { items: [1, 2, 3] } }));
}

/** Ends the newest job whose name starts with `prefix` in `state`, and delivers its end. */
export async function endJob(kit: Kit, prefix: string, state: string, nth = 0): Promise<void> {
  const job = kit.dataflow.jobs.filter((j) => j.name.startsWith(prefix))[nth];
  if (!job)
    throw new Error(`no job ${prefix} #${nth}: ${kit.dataflow.jobs.map((j) => j.name).join(', ')}`);
  job.currentState = state;
  await handleEvent(kit.deps, jobEndedEvent(job, `m-end-${job.name}`));
}
