import { inputLimitProblem } from '../events/input-limits.js';
import { isObject, type Json, type JsonObject } from '../json.js';

/**
 * `--input-template JSON` of `dfchain backfill`: the input of every run, a JSON object whose
 * strings may hold placeholders replaced by each tick's values:
 *
 * - `{{date}}`: the tick's day in the schedule's time zone, `YYYY-MM-DD`;
 * - `{{scheduledTime}}`: the tick, ISO UTC (`2026-01-05T04:00:00.000Z`), the run's
 *   `$$.Execution.ScheduledTime`.
 *
 * Only string values are filled (keys stay as written), so a template stays a JSON object of
 * the same shape; `{{` not followed by a placeholder name and `}}` is left as it is.
 */

/** The placeholders a template may use, with what each becomes. */
export const PLACEHOLDERS = {
  date: "the tick's day in the schedule's time zone, YYYY-MM-DD",
  scheduledTime: 'the tick, ISO UTC',
} as const;

/** A placeholder name. */
export type Placeholder = keyof typeof PLACEHOLDERS;

/** What the placeholders of one tick become. */
export type TickValues = Readonly<Record<Placeholder, string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => Object.hasOwn(PLACEHOLDERS, name);

const USE = Object.entries(PLACEHOLDERS)
  .map(([name, meaning]) => `{{${name}}} (${meaning})`)
  .join(' or ');

/** JSONPath-like place of a value, for the messages: `$.a.b[0]`. */
const child = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`;

/** The first placeholder of `value` no tick fills, with where it is, or undefined. */
function unknownPlaceholder(value: Json, path: string): string | undefined {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      if (!isPlaceholder(name)) return `unknown placeholder {{${name}}} at ${path}: use ${USE}`;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = unknownPlaceholder(item, child(path, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unknownPlaceholder(item, child(path, key));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The template `text` as a JSON object, or the one line that says why it is none: not JSON,
 * not an object, an unknown placeholder, or over the input limits of a start command.
 */
export function parseInputTemplate(text: string): JsonObject | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `dfchain backfill: --input-template is not JSON (${reason}); give a JSON object such as '{"date":"{{date}}"}'`;
  }
  if (!isObject(value)) {
    return `dfchain backfill: --input-template must be a JSON object (each run's input), got ${JSON.stringify(value)}`;
  }
  const template = value as JsonObject;
  const unknown = unknownPlaceholder(template, '$');
  if (unknown !== undefined) return `dfchain backfill: --input-template: ${unknown}`;
  return template;
}

/** `template` with every placeholder replaced by the tick's value. */
export function fillTemplate(template: Json, values: TickValues): Json {
  if (typeof template === 'string')
    return template.replace(PLACEHOLDER, (whole, name: string) =>
      isPlaceholder(name) ? values[name] : whole,
    );
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === 'object')
    return Object.fromEntries(
      Object.entries(template).map(([key, item]) => [key, fillTemplate(item, values)]),
    );
  return template;
}

/** Why a filled input cannot be a start command's, as a `dfchain backfill` line, or undefined. */
export function filledInputProblem(input: JsonObject, runId: string): string | undefined {
  const problem = inputLimitProblem(input);
  return problem === undefined
    ? undefined
    : `dfchain backfill: the input of run ${runId} from --input-template: ${problem}`;
}
