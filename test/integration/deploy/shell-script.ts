import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Root of the repository. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What a process printed and how it ended. */
export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to its end without a shell; never rejects. */
export function runProgram(
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const SEPARATORS = new Set(['||', '&&', ';', '|']);
const KEYWORDS = new Set(['if', 'then', 'else', 'fi']);
const REDIRECTIONS = new Set(['>/dev/null', '2>&1', '2>/dev/null', '>&2']);

/**
 * The words of one line of the dry-run script, as bash would pass them: '…' is literal, "…" and
 * bare words expand ${NAME} from `values`; `||`, `&&`, `|` and `;` become separator words.
 */
function tokens(line: string, values: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  let word: string | undefined;
  const add = (text: string) => (word = (word ?? '') + text);
  const end = () => {
    if (word !== undefined) out.push(word);
    word = undefined;
  };
  const expand = (text: string) =>
    text.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for \${${name}} in: ${line}`);
      return value;
    });
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ') end();
    else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      add(line.slice(i + 1, close));
      i = close;
    } else if (c === '"') {
      let text = '';
      for (i++; line[i] !== '"'; i++) text += line[i] === '\\' ? line[++i] : line[i];
      add(expand(text));
    } else if (c === ';' || line.startsWith('||', i) || line.startsWith('&&', i)) {
      end();
      out.push(c === ';' ? ';' : line.slice(i, i + 2));
      if (c !== ';') i++;
    } else if (c === '|') {
      end();
      out.push('|');
    } else {
      // A bare word runs to a blank, a quote or an operator (`2>&1` is one word).
      const bare = /^(?:[^ '";|&]|&(?!&))+/.exec(line.slice(i))![0];
      add(expand(bare));
      i += bare.length - 1;
    }
  }
  end();
  return out;
}

/** A value read at run time: `NAME=$(gcloud …)`. */
export interface Lookup {
  readonly name: string;
  readonly command: readonly string[];
}

/** The dry-run script taken apart: every command (in order) and the values it reads. */
export interface Script {
  readonly commands: readonly (readonly string[])[];
  readonly lookups: readonly Lookup[];
}

/** Parses the script `deploy.sh --dry-run` prints, with sample values for its ${NAME}s. */
export function parseScript(text: string, values: Readonly<Record<string, string>>): Script {
  const commands: string[][] = [];
  const lookups: Lookup[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const assignment = /^([A-Z_]+)=\$\((.*)\)$/.exec(line);
    let current: string[] = [];
    const segments: string[][] = [current];
    for (const word of tokens(assignment ? assignment[2]! : line, values)) {
      if (SEPARATORS.has(word)) segments.push((current = []));
      else if (!REDIRECTIONS.has(word) && !(current.length === 0 && KEYWORDS.has(word))) {
        current.push(word);
      }
    }
    const found = segments.filter((words) => words[0] === 'gcloud');
    if (assignment) lookups.push({ name: assignment[1]!, command: found[0]! });
    commands.push(...found);
  }
  return { commands, lookups };
}

/** The value of `--name=value` in a command, or undefined. */
export function flag(command: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return command.find((word) => word.startsWith(prefix))?.slice(prefix.length);
}

/** True when the command starts with these words (after `gcloud`). */
export function isCommand(command: readonly string[], ...words: string[]): boolean {
  return words.every((word, i) => command[i + 1] === word);
}
