import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { chainPrefixes } from '../../../src/chain/job-name.js';
import { loadChains } from '../../../src/chain/load.js';
import {
  escapeRegex,
  matchesFilter,
  renderFilter,
  sinkFilter,
  type FilterNode,
} from '../../../src/deploy/sink-filter.js';
import { jobMessageEntry, type LogSource } from '../../../src/local/simulator/log-message.js';

const DAG = fileURLToPath(new URL('../../../dag/', import.meta.url));
const filter = sinkFilter(chainPrefixes(loadChains(DAG).values()));

function entry(jobName: string, launcherFailed = false): object {
  const source: LogSource = {
    jobId: '2026-11-21_21_55_23-649376001891440663',
    jobName,
    projectId: 'demo-proj',
    projectNumber: '123456789012',
    location: 'europe-west4',
  };
  return jobMessageEntry(source, launcherFailed, Date.UTC(2026, 10, 22), Date.UTC(2026, 10, 22));
}

describe('sink filter', () => {
  it('renders the Cloud Logging query for the chains of dag/', () => {
    assert.equal(
      renderFilter(filter),
      'resource.type="dataflow_step"' +
        ' AND logName:"/logs/dataflow.googleapis.com%2Fjob-message"' +
        ' AND (textPayload="Worker pool stopped." OR textPayload=~"^Error occurred in the launcher container: " OR textPayload:"Timeout in polling result file")' +
        ' AND resource.labels.job_name=~"^(ingest|publish|transform)-[0-9a-f]{12}$"',
    );
  });

  it("matches a dfchain job's completion and launcher-failure lines", () => {
    assert.equal(matchesFilter(filter, entry('ingest-ca1d70b529d5')), true);
    assert.equal(matchesFilter(filter, entry('publish-6cb60a6c967b', true)), true);
  });

  it('launcher failures: matches the launcher prefix whatever follows, and the polling timeout', () => {
    const line = (textPayload: string) => ({ ...entry('ingest-ca1d70b529d5'), textPayload });
    for (const text of [
      'Error occurred in the launcher container: Template launch failed. See console logs.',
      'Error occurred in the launcher container: could not determine py file from env',
      'Error occurred in the launcher container: file /template/main.py does not exist',
      'Timeout in polling result file: gs://b/staging/template_launches/x/operation_result. Possible causes are: …',
      'Error: Template launch failed: Timeout in polling result file: gs://b/x',
    ]) {
      assert.equal(matchesFilter(filter, line(text)), true, text);
    }
    for (const text of [
      'Worker pool started.',
      'Starting the launcher container',
      'error occurred in the launcher container: lower case is not the launcher',
      'Info: Error occurred in the launcher container: only at the start',
    ]) {
      assert.equal(matchesFilter(filter, line(text)), false, text);
    }
  });

  it("rejects other jobs' lines", () => {
    for (const name of [
      'nightly-export-ca1d70b529d5', // foreign prefix
      'ingest-CA1D70B529D5', // upper-case suffix
      'ingest-ca1d70b529d', // 11 characters
      'ingest-ca1d70b529d5x',
      'ingest-manual',
      'reingest-ca1d70b529d5',
      'ingest',
    ]) {
      assert.equal(matchesFilter(filter, entry(name)), false, name);
    }
    const started = { ...entry('ingest-ca1d70b529d5'), textPayload: 'Worker pool started.' };
    assert.equal(matchesFilter(filter, started), false);
    const other = {
      ...entry('ingest-ca1d70b529d5'),
      logName: 'projects/demo-proj/logs/dataflow.googleapis.com%2Fworker',
    };
    assert.equal(matchesFilter(filter, other), false);
  });

  it('rejects entries that are not Dataflow job messages, and the function’s own logs', () => {
    const own = {
      logName: 'projects/demo-proj/logs/run.googleapis.com%2Fstdout',
      resource: {
        type: 'cloud_run_revision',
        labels: { service_name: 'dfchain', location: 'europe-west4', project_id: 'demo-proj' },
      },
      jsonPayload: {
        event: 'run.started',
        message: 'run example-mwrfalen of chain example started',
        jobName: 'ingest-ca1d70b529d5',
      },
      labels: { 'dfchain.run': 'example-mwrfalen' },
      severity: 'NOTICE',
    };
    assert.equal(matchesFilter(filter, own), false);
    const gce = { ...entry('ingest-ca1d70b529d5'), resource: { type: 'gce_instance', labels: {} } };
    assert.equal(matchesFilter(filter, gce), false);
    assert.equal(matchesFilter(filter, {}), false);
  });

  it('implements =, : and =~ as Cloud Logging does, missing fields included', () => {
    const node = (op: '=' | ':' | '=~', value: string): FilterNode => ({ op, field: 'a.b', value });
    const doc = { a: { b: 'Worker Pool' } };
    assert.equal(matchesFilter(node('=', 'worker pool'), doc), true);
    assert.equal(matchesFilter(node('=', 'worker'), doc), false);
    assert.equal(matchesFilter(node(':', 'POOL'), doc), true);
    assert.equal(matchesFilter(node('=~', 'Pool$'), doc), true);
    assert.equal(matchesFilter(node('=~', 'pool'), doc), false);
    assert.equal(matchesFilter(node('=', 'x'), {}), false);
    assert.equal(matchesFilter({ op: 'not', arg: node('=', 'x') }, {}), true);
    assert.equal(
      renderFilter({ op: 'not', arg: node(':', 'say "hi" \\o/') }),
      'NOT a.b:"say \\"hi\\" \\\\o/"',
    );
  });

  it('escapes prefixes in the job-name pattern and refuses chains without a Task', () => {
    assert.equal(escapeRegex('a.b(c)|d'), 'a\\.b\\(c\\)\\|d');
    assert.throws(
      () => sinkFilter([]),
      /^ConfigError: the chains have no Task state, so no Dataflow job or Cloud Run execution of theirs can end: add a Task with Parameters\.jobName \(or a run:job Task with Parameters\.job\) before deploying the log sink$/,
    );
  });
});
