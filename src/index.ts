import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { parseConfig } from './config.js';
import { handleEvent } from './handler/handle-event.js';
import { timedHandling } from './timing.js';
import { createDeps } from './wiring.js';

// At module load: a bad environment or an invalid chain fails the cold start, loudly, before
// any message is accepted and acknowledged.
const config = parseConfig();
const deps = createDeps(config);

functions.cloudEvent<unknown>(
  'dfchain',
  config.timing
    ? timedHandling(deps, handleEvent)
    : (event: CloudEvent<unknown>) => handleEvent(deps, event),
);
