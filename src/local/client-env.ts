// Characters a POSIX shell reads literally outside quotes.
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one word for a POSIX shell: as is when safe, else single-quoted. */
export function shellQuote(value: string): string {
  if (SHELL_SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** `export NAME=value` lines for a POSIX shell, in order; names whose value is undefined are left out. */
export function exportLines(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([name, value]) =>
    value === undefined ? [] : [`export ${name}=${shellQuote(value)}`],
  );
}

/** What `npm start -- --keep` needs to tell a person who drives the stack from another shell. */
export interface KeepFacts {
  /** The stack's `clientEnv()`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly chain: string;
  readonly input: unknown;
}

/**
 * The block `npm start -- --keep` prints once the stack is up: the export lines to paste, then
 * the commands to try (`dfchain start` publishes to the exported DFCHAIN_TOPIC).
 */
export function keepBanner(facts: KeepFacts): string[] {
  const runId = `${facts.chain}-by-hand`;
  const input = shellQuote(JSON.stringify(facts.input));
  return [
    'The local stack stays up (Ctrl-C or SIGTERM stops it all). In another shell, from this folder:',
    '',
    ...exportLines(facts.env),
    `npx dfchain start ${shellQuote(facts.chain)} --run-id ${runId} --input ${input}`,
    `npx dfchain status ${runId}`,
    '',
    "The function's lines keep showing here.",
  ];
}
