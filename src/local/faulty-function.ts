// The local-testing twin of src/index.ts, kept apart (as functions-framework keeps testing.ts
// apart) so that production never imports src/local. The local stack serves this module instead
// of the package's main when DFCHAIN_LOCAL_FAULTS is set.
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { parseConfig } from '../config.js';
import { handleEvent } from '../handler/handle-event.js';
import { createDeps } from '../wiring.js';
import { withLocalFaults } from './faulty-deps.js';

const { localFaults, ...config } = parseConfig();
// At module load, as in src/index.ts: a bad environment fails the cold start, loudly. The
// faults are taken out of the config first: createDeps refuses them, as production must.
const base = createDeps(config);
const deps = localFaults === undefined ? base : withLocalFaults(base, localFaults);

functions.cloudEvent<unknown>('dfchain', (event: CloudEvent<unknown>) => handleEvent(deps, event));
