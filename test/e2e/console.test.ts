import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startConsoleProcess, type ConsoleProcess } from '../../src/local/console-process.js';
import { freePort } from '../../src/local/ports.js';
import type { LocalStack } from '../../src/local/stack.js';
import type { LaunchRequestBody } from '../../src/local/simulator/types.js';
import { launchChromium, screenshot } from './browser.js';
import { behaviours, startE2eStack } from './harness.js';

/** axe-core's browser build, injected into a page for the accessibility checks. */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The part of axe-core's API the test calls (its own types describe the Node build). */
interface AxeApi {
  run(
    context: unknown,
    options: unknown,
  ): Promise<{
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  }>;
}

const fileOf = (request: LaunchRequestBody) =>
  (request.launchParameter?.['parameters'] as Record<string, string> | undefined)?.['file'];

/** Waits until the locator's text matches `pattern`; fails naming what it last read. */
async function untilText(what: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    last = (await what.count()) > 0 ? ((await what.first().textContent()) ?? '') : '(absent)';
    if (pattern.test(last)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${String(pattern)}; last read: ${last.slice(0, 400)}`);
}

/** The classes of the graph node of `nodeId` (Mermaid puts a state's class on its node's <g>). */
async function nodeClasses(page: Page, nodeId: string): Promise<string> {
  const node = page.locator(`g.node[id*="-${nodeId}-"]`);
  return (await node.count()) > 0 ? ((await node.first().getAttribute('class')) ?? '') : '';
}

/** Waits until the node of `nodeId` has class `cls`. */
async function untilClass(page: Page, nodeId: string, cls: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  const seen: string[] = [];
  while (Date.now() < end) {
    const now = await nodeClasses(page, nodeId);
    if (seen.at(-1) !== now) seen.push(now);
    if (now.split(/\s+/).includes(cls)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `node ${nodeId} never had class ${cls}; its classes were: ${seen.map((c) => `"${c}"`).join(', ')}`,
  );
}

/** The page's body text, for messages that must be there and traces that must not. */
const bodyText = async (page: Page) => (await page.locator('body').textContent()) ?? '';

describe('e2e: the run console in headless Chromium', function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let browser: Browser;
  let withActions: ConsoleProcess;
  let readOnly: ConsoleProcess;
  const consoles: ConsoleProcess[] = [];
  const shots = mkdtempSync(join(tmpdir(), 'dfchain-console-'));
  const quiet = () => undefined;

  before(async () => {
    stack = await startE2eStack();
    [withActions, readOnly, browser] = await Promise.all([
      startConsoleProcess(stack, ['--allow-actions'], quiet),
      startConsoleProcess(stack, [], quiet),
      launchChromium(),
    ]);
    consoles.push(withActions, readOnly);
  });

  after(async () => {
    await browser?.close();
    await Promise.all(consoles.map((c) => c.stop()));
    await stack?.stop();
  });

  /** A new page at `path` of `console`, 1366×768 (a laptop screen). */
  async function open(console: ConsoleProcess, path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(new URL(path, console.url).href);
    return page;
  }

  /**
   * Runs the `redrive` chain over files a, b, c as `run`, b's job failing until `healed` says
   * otherwise; resolves once the run FAILED (item 1 failed, its siblings cancelled or not begun).
   */
  async function failedAtItem(run: string, healed = () => false): Promise<void> {
    behaviours.set(run, (_name, request) =>
      fileOf(request) === 'b' && !healed() ? { outcome: 'FAILED', runMs: 100 } : { runMs: 200 },
    );
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: ['a', 'b', 'c'] },
    });
    assert.equal(await stack.waitForRunEnd(run), 'run.failed');
  }

  it('the runs list updates live while a run progresses, without a reload', async () => {
    const run = 'con-live';
    behaviours.set(run, () => ({ runMs: 1500 }));
    const page = await open(readOnly, '/?chain=redrive');
    await page.evaluate(
      () => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true),
    );
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: ['a', 'b', 'c'] },
    });
    const row = page.locator('tr', { hasText: run });
    await untilText(row, /RUNNING/);
    await untilText(row, /SUCCEEDED/, 60_000);
    await untilText(row, /\$\d/);
    const same = await page.evaluate(
      () => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce,
    );
    assert.equal(same, true, 'the page was never reloaded');
    await page.close();
  });

  it("the run page's states change colour as their jobs end, and its timeline grows", async () => {
    const run = 'con-colour';
    behaviours.set(run, () => ({ runMs: 2500 }));
    // Opened before the run exists: the page says so, then shows it once it starts.
    const page = await open(readOnly, `/runs/${run}`);
    await stack.publish({
      dfchain: 'start',
      chain: 'redrive',
      runId: run,
      input: { files: ['a', 'b'] },
    });
    await untilClass(page, 's_Each', 'running');
    await untilClass(page, 's_Each_z_items_z_Load', 'running');
    await untilClass(page, 's_Report', 'running', 60_000);
    await untilClass(page, 's_Each', 'succeeded');
    await untilClass(page, 's_Report', 'succeeded', 60_000);
    await untilText(page.locator('body'), /SUCCEEDED/);
    // The state's output, as its step's record keeps it (the job's result after ResultPath).
    await page.locator('g.node[id*="-s_Report-"]').click();
    await untilText(page.locator('section.details'), /Output/);
    const bars = await page.locator('text=/Each\\[\\d\\].*Load|Load/').count();
    assert.ok(bars >= 2, `the timeline shows each item's job (${bars})`);
    await screenshot(page, shots, 'console-run', true);
    await page.close();
  });

  it('shows a failed Map item; redrive from the page is refused read-only and works with --allow-actions', async () => {
    const run = 'con-redrive';
    let healed = false;
    await failedAtItem(run, () => healed);

    const looking = await open(readOnly, `/runs/${run}`);
    await untilText(looking.locator('body'), /item \d+ FAILED/);
    assert.equal(await looking.getByRole('button', { name: /redrive/i }).count(), 0);
    assert.match(await bodyText(looking), /read-only/);
    // The API refuses it too, even from the console's own page with its header.
    const refused = await looking.evaluate(async (id) => {
      const res = await fetch(`/api/runs/${id}/redrive`, {
        method: 'POST',
        headers: { 'X-Dfchain-Console': '1' },
      });
      return { status: res.status, body: (await res.json()) as { error: string } };
    }, run);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error, /read-only: start it with "dfchain console --allow-actions"/);
    await looking.close();

    const acting = await open(withActions, `/runs/${run}`);
    await untilText(acting.locator('body'), /item \d+ FAILED/);
    await screenshot(acting, shots, 'console-run-failed', true);
    healed = true;
    acting.once('dialog', (dialog) => void dialog.accept());
    await acting.getByRole('button', { name: /redrive/i }).click();
    await untilText(acting.locator('body'), /published redrive of run con-redrive/);
    const ended = await stack.waitForLine(
      (l) => l.json?.['runId'] === run && l.json['event'] === 'run.succeeded',
      60_000,
    );
    assert.ok(ended);
    await untilClass(acting, 's_Report', 'succeeded');
    await acting.close();
  });

  it('the chains page shows each chain with its graph; the runs page lists every run', async () => {
    const page = await open(readOnly, '/chains');
    await untilText(page.locator('body'), /redrive/);
    await page.locator('svg g.node').first().waitFor({ timeout: 30_000 });
    await page.close();
    // One chain's card, with the runs of the tests before among its last runs.
    const one = await open(readOnly, '/chains/redrive');
    await untilText(one.locator('body'), /con-redrive/);
    await one.locator('svg g.node').first().waitFor({ timeout: 30_000 });
    await screenshot(one, shots, 'console-chains');
    await one.close();
    // Every run of the tests before, for the README's picture of the Runs page.
    const runs = await open(readOnly, '/');
    await untilText(runs.locator('body'), /con-redrive/);
    await screenshot(runs, shots, 'console-runs');
    await runs.close();
  });

  it('an unknown run id and an unreachable store show a clear message, never a blank page or a trace', async () => {
    const page = await open(readOnly, '/runs/no-such-run');
    await untilText(page.locator('body'), /No run "no-such-run"/);
    assert.doesNotMatch(await bodyText(page), /\n\s+at |TypeError|undefined/);
    await page.close();

    // Nothing listens on this port: the store cannot be reached.
    const dead = await startConsoleProcess(stack, [], quiet, {
      FIRESTORE_EMULATOR_HOST: `127.0.0.1:${await freePort()}`,
    });
    consoles.push(dead);
    const unreachable = await open(dead, '/');
    await untilText(unreachable.locator('body'), /cannot reach the Firestore emulator/, 60_000);
    assert.doesNotMatch(await bodyText(unreachable), /\n\s+at |TypeError/);
    await unreachable.close();
  });

  it("every page passes axe-core's WCAG 2.1 A and AA rules, and a graph node is selected by keyboard", async () => {
    // A run of its own, failed at a Map item: the Run page with an error, problems and actions.
    const run = 'con-a11y';
    await failedAtItem(run);
    // CSP lets the page run only its own scripts: the checker is let in for this test alone.
    const context = await browser.newContext({
      bypassCSP: true,
      viewport: { width: 1366, height: 768 },
    });
    const pages: [string, RegExp][] = [
      ['/', /con-a11y/],
      ['/runs/con-a11y', /Timeline/],
      ['/chains/redrive', /Last runs/],
      ['/runs/no-such-run', /No run "no-such-run"/],
      ['/no/such/page', /No such page/],
    ];
    for (const [path, ready] of pages) {
      const page = await context.newPage();
      await page.goto(new URL(path, readOnly.url).href);
      await untilText(page.locator('body'), ready);
      if (path === '/runs/con-a11y' || path.startsWith('/chains/')) {
        await page.locator('svg g.node').first().waitFor({ timeout: 30_000 });
      }
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (globalThis as unknown as { axe: AxeApi }).axe;
        const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        });
        return result.violations.map(
          (v) =>
            `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      });
      assert.deepEqual(violations, [], `${path}:\n${violations.join('\n')}`);
      await page.close();
    }
    const page = await context.newPage();
    await page.goto(new URL('/runs/con-a11y', withActions.url).href);
    const report = page.locator('g.node[id*="-s_Report-"]');
    await report.waitFor({ timeout: 30_000 });
    await report.focus();
    await page.keyboard.press('Enter');
    await untilText(
      page.locator('#details h2, [data-details] h2, section h2').filter({ hasText: 'Report' }),
      /Report/,
    );
    await context.close();
  });

  it('listens on 127.0.0.1 only', async () => {
    const { port } = new URL(readOnly.url);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    assert.ok(others.length > 0, 'this machine has a non-loopback IPv4 address to try');
    for (const address of others) {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), address);
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      assert.equal(answer, 'ECONNREFUSED', `${address}:${port}`);
    }
  });
});
