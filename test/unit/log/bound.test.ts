import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import {
  MAX_LOG_DEPTH,
  MAX_LOG_ENTRY_BYTES,
  MAX_LOG_STRING_BYTES,
  boundLogLine,
  trimText,
} from '../../../src/log/bound.js';
import { createCloudLogger } from '../../../src/log/cloud-logging.js';

/** A logger writing to memory, and the lines it wrote. */
function memoryLogger(): { logger: ReturnType<typeof createCloudLogger>; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      // LogSync also writes a one-off diagnostic entry (its instrumentation info): skip it.
      const entries = chunk.toString('utf8').split('\n');
      lines.push(...entries.filter((text) => text.includes('"event":')));
      done();
    },
  });
  return { logger: createCloudLogger('my-proj', stream), lines };
}

describe('untrusted text trimmed before it is logged', () => {
  it('pins its documented limits: 2 KiB per string, 128 KiB per line, 16 levels of nesting', () => {
    assert.equal(MAX_LOG_STRING_BYTES, 2048);
    assert.equal(MAX_LOG_ENTRY_BYTES, 131_072);
    assert.equal(MAX_LOG_DEPTH, 16);
  });

  it('writes a 300 KB job name as a short line, with the marker', () => {
    const name = 'j'.repeat(300 * 1024);
    const { logger, lines } = memoryLogger();
    const message = `ignored logSink event for job ${name} (2026-11-21_21_55_23-1): not a dfchain job`;
    logger.write({
      severity: 'INFO',
      event: 'message.ignored',
      message,
      jobName: name,
      jobId: '2026-11-21_21_55_23-1',
      reason: 'not a dfchain job',
    });
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.ok(Buffer.byteLength(line) < 8 * 1024, `the line is ${Buffer.byteLength(line)} bytes`);
    const entry = JSON.parse(line) as Record<string, unknown>;
    const kept = 'j'.repeat(MAX_LOG_STRING_BYTES);
    assert.equal(entry.jobName, `${kept}…(${300 * 1024 - MAX_LOG_STRING_BYTES} more bytes)`);
    const cut = MAX_LOG_STRING_BYTES;
    assert.equal(entry.message, `${message.slice(0, cut)}…(${message.length - cut} more bytes)`);
    assert.equal(entry.reason, 'not a dfchain job');
    assert.equal(entry.severity, 'INFO');
  });

  it('trims run, chain and state labels with the fields', () => {
    const { logger, lines } = memoryLogger();
    const runId = 'r'.repeat(10_000);
    logger.write({ severity: 'NOTICE', event: 'run.started', message: 'started', runId });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    const labels = entry['logging.googleapis.com/labels'] as Record<string, string>;
    assert.equal(labels['dfchain.run'], trimText(runId));
    assert.equal(entry.runId, `${'r'.repeat(2048)}…(7952 more bytes)`);
  });

  it('cuts at a character boundary and counts bytes, not characters', () => {
    assert.equal(trimText('日'.repeat(1000), 10), '日日日…(2991 more bytes)');
    assert.equal(trimText('a😀b', 4), 'a…(5 more bytes)');
    assert.equal(trimText('x'.repeat(MAX_LOG_STRING_BYTES)), 'x'.repeat(MAX_LOG_STRING_BYTES));
  });

  it('trims strings and keys in nested fields, and cuts deep nesting', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const line = boundLogLine({
      severity: 'ERROR',
      event: 'run.failed',
      message: 'failed',
      error: { Error: 'States.Runtime', Cause: 'c'.repeat(5000) },
      input: { ['k'.repeat(3000)]: ['v'.repeat(3000)] },
      deep,
    });
    assert.equal((line.error as { Cause: string }).Cause, `${'c'.repeat(2048)}…(2952 more bytes)`);
    assert.deepEqual(line.input, {
      [`${'k'.repeat(2048)}…(952 more bytes)`]: [`${'v'.repeat(2048)}…(952 more bytes)`],
    });
    let node = line.deep;
    for (let i = 1; i < MAX_LOG_DEPTH; i++) node = (node as { d: unknown }).d;
    assert.equal(node, `…(nested deeper than ${MAX_LOG_DEPTH} levels)`);
  });

  it('bounds the whole entry, dropping the largest non-essential fields first', () => {
    const many = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(2000, 'x'));
    const line = boundLogLine({
      severity: 'NOTICE',
      event: 'run.succeeded',
      message: 'run r1 of chain daily succeeded',
      runId: 'r1',
      output: many,
      small: 'kept',
    });
    const outputBytes = Buffer.byteLength(JSON.stringify(many));
    assert.equal(
      line.output,
      `…(${outputBytes} bytes left out: the log line would be over ${MAX_LOG_ENTRY_BYTES} bytes)`,
    );
    assert.equal(line.small, 'kept');
    assert.equal(line.runId, 'r1');
    assert.ok(Buffer.byteLength(JSON.stringify(line)) <= MAX_LOG_ENTRY_BYTES);
  });
});
