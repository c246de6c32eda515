// The floor dfchain is measured against: a functions-framework CloudEvent function that does the
// least a chain step can do. It reads the completion LogEntry and, when DFCHAIN_DATAFLOW_ROOT_URL
// is set, launches `<job>-next` straight away: no confirmation, no store, no validation.
import * as functions from '@google-cloud/functions-framework';

const root = process.env.DFCHAIN_DATAFLOW_ROOT_URL;
const project = process.env.GOOGLE_CLOUD_PROJECT ?? 'dfchain-local';

functions.cloudEvent('dfchain', async (event) => {
  const data = event.data?.message?.data;
  if (!root || typeof data !== 'string') return;
  const entry = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  const labels = entry?.resource?.labels ?? {};
  if (entry?.textPayload !== 'Worker pool stopped.' || String(labels.job_name).endsWith('-next'))
    return;
  const url = `${root}v1b3/projects/${project}/locations/${labels.region}/flexTemplates:launch`;
  const launchParameter = {
    jobName: `${labels.job_name}-next`,
    containerSpecGcsPath: 'gs://floor/t.json',
  };
  const response = await fetch(url, { method: 'POST', body: JSON.stringify({ launchParameter }) });
  if (!response.ok) throw new Error(`launch answered ${response.status}`);
});
