import { PathError } from '../errors.js';
import { referencePathProblem } from '../engine/choice.js';
import { parsePathExpression } from './paths.js';

/**
 * Why `text`, the value of a path field such as InputPath or SecondsPath, is not a path, or
 * undefined when it is one. ASL (states-language.net, "Paths"): a path starts with `$`, or with
 * `$$` for the context object. dfchain reads reference paths only (field names and indexes; no
 * wildcards, filters or slices). `literal` names the field that takes a fixed value instead.
 */
export function pathProblem(text: string, literal?: string): string | undefined {
  if (!text.startsWith('$')) {
    const instead = literal === undefined ? '' : `; for a fixed value, use "${literal}" instead`;
    return `${JSON.stringify(text)} is not a path: start it with $ (the state input) or $$ (the context object)${instead}`;
  }
  return referencePathProblem(text);
}

/**
 * Why `text` cannot be a ResultPath (of a state or a catcher), or undefined. ASL: "The value of
 * ResultPath MUST be a Reference Path ... MUST NOT begin with $$; i.e. it may not be used to
 * insert content into the Context Object".
 */
export function resultPathProblem(text: string): string | undefined {
  if (text.startsWith('$$')) {
    return `${JSON.stringify(text)} would write into the context object, which is read-only (ASL: a ResultPath never starts with $$); use a path into the state input such as "$.result"`;
  }
  return pathProblem(text);
}

/**
 * Why `text` cannot be a Fail state's ErrorPath or CausePath, or undefined. ASL ("Fail State"):
 * they are reference paths or intrinsic functions.
 */
export function errorPathProblem(text: string, literal: 'Error' | 'Cause'): string | undefined {
  if (text.startsWith('$')) return pathProblem(text);
  if (!text.startsWith('States.')) {
    return `${JSON.stringify(text)} is not a path or an intrinsic function: start it with $ (the state input) or $$ (the context object), or call one such as States.Format(...); for a fixed ${literal === 'Error' ? 'error name' : 'cause'}, use "${literal}" instead`;
  }
  try {
    parsePathExpression(text);
    return undefined;
  } catch (error) {
    if (error instanceof PathError) return error.message;
    throw error;
  }
}
