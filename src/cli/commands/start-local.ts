import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Cli } from './cli.js';

/**
 * The local stack's entry (`npm start`), beside this module's own tree: dist/local/main.js
 * when built, src/local/main.ts under tsx. Run as a child process, not imported: the CLI does
 * not load src/local (.dependency-cruiser.cjs, production-not-to-local).
 */
function localMain(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(`../../local/main${extname(here)}`, import.meta.url));
}

/** What `dfchain start CHAIN --local` runs. */
export interface LocalStart {
  readonly chain: string;
  readonly chainsDir: string;
  /** The run input as JSON text; npm start's default (today's date) when absent. */
  readonly input?: string;
}

// npm start's last line for a run that ended: "run ID: SUCCEEDED" or "run ID: FAILED".
const ENDED = /^run \S+: (SUCCEEDED|FAILED)$/;

/**
 * `dfchain start CHAIN --local`: runs the chain on the local stack as `npm start -- --chain
 * CHAIN` does (emulators when installed, the Dataflow simulator, functions-framework), its
 * lines passed through as they come, and stops the stack when the run ends. Exit 0 SUCCEEDED,
 * 2 FAILED, 130/143 when stopped by SIGINT/SIGTERM, 1 otherwise (the stack did not start, the
 * function refused the start, an invalid chain).
 */
export async function startLocal(
  cli: Cli,
  start: LocalStart,
  main: string = localMain(),
): Promise<number> {
  const args = [
    ...process.execArgv,
    main,
    '--chain',
    start.chain,
    '--chains-dir',
    start.chainsDir,
    ...(start.input !== undefined ? ['--input', start.input] : []),
  ];
  const child = spawn(process.execPath, args, { env: cli.env, stdio: ['inherit', 'pipe', 'pipe'] });
  let ended: string | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    ended = ENDED.exec(line)?.[1] ?? ended;
    cli.out(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => cli.err(line));
  // Ctrl-C reaches the child too (same process group): it stops the stack and exits 130, which
  // this process waits for instead of dying first. SIGTERM is passed on.
  const ignore = () => undefined;
  const forward = () => child.kill('SIGTERM');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exit, signal) =>
        resolve(exit ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)),
      );
    });
    if (code === 0) return 0;
    return code === 1 && ended === 'FAILED' ? 2 : code;
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
  }
}
