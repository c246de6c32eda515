import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { PORT_TAKEN, PortTakenError, onFreePort, waitForHttp } from './ports.js';
import { stopProcessGroup, trackGroup } from './process-group.js';

/** Emulators of the google-cloud-cli packages dfchain's local stack uses. */
export const EMULATORS = {
  pubsub: { args: ['beta', 'emulators', 'pubsub', 'start'], component: 'pubsub-emulator' },
  firestore: { args: ['emulators', 'firestore', 'start'], component: 'cloud-firestore-emulator' },
} as const;
/** An emulator kind. */
export type EmulatorKind = keyof typeof EMULATORS;

/** A running emulator: `host` is `127.0.0.1:PORT`, the form `*_EMULATOR_HOST` variables take. */
export interface Emulator {
  readonly kind: EmulatorKind;
  readonly host: string;
  /** The emulator's process group (gcloud's pid), so a caller can tell whether anything of it is left. */
  readonly pgid: number | undefined;
  /** What the emulator printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Why `kind` cannot start here, or undefined when gcloud, its emulator component and Java are installed. */
export function emulatorUnavailable(
  kind: EmulatorKind,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const gcloud = onPath('gcloud', env);
  if (!gcloud) return 'gcloud is not on PATH (install google-cloud-cli)';
  const component = EMULATORS[kind].component;
  const sdkRoot = dirname(dirname(realpathSync(gcloud)));
  if (!existsSync(join(sdkRoot, 'platform', component))) {
    return `the ${component} component is missing (apt-get install google-cloud-cli-${kind}-emulator)`;
  }
  if (!onPath('java', env))
    return 'java is not on PATH (the emulators need Java 17: apt-get install openjdk-17-jre-headless)';
  return undefined;
}

/**
 * Starts an emulator on a free port in its own process group and waits until it answers; when
 * another process took the port first, starts it again on a new one.
 */
export function startEmulator(kind: EmulatorKind, timeoutMs = 60_000): Promise<Emulator> {
  return onFreePort((port) => startEmulatorOn(kind, port, timeoutMs));
}

async function startEmulatorOn(
  kind: EmulatorKind,
  port: number,
  timeoutMs: number,
): Promise<Emulator> {
  const host = `127.0.0.1:${port}`;
  // detached: the emulator is a tree (gcloud, then Java); its own group lets stop() end all of it.
  const child: ChildProcess = spawn(
    'gcloud',
    [...EMULATORS[kind].args, `--host-port=${host}`, '--quiet'],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // Recorded at once: a signal during the wait below must still find and stop this group.
  trackGroup(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const emulator: Emulator = {
    kind,
    host,
    pgid: child.pid,
    output: () => output,
    stop: () => stopProcessGroup(child),
  };
  try {
    await waitForHttp(`http://${host}/`, timeoutMs, () => child.exitCode === null);
    // Something answered: if our emulator died meanwhile, the answer came from whoever took the port.
    if (child.exitCode !== null) throw new Error(`the ${kind} emulator exited`);
  } catch (error) {
    await emulator.stop();
    if (PORT_TAKEN.test(output)) {
      throw new PortTakenError(`the ${kind} emulator could not bind ${host}`, { cause: error });
    }
    throw new Error(
      `the ${kind} emulator did not start on ${host}: ${output.trim().slice(-2000)}`,
      { cause: error },
    );
  }
  return emulator;
}
