import { chainPicture } from '../chain/picture.js';
import {
  dotPicture,
  mermaidPicture,
  PICTURE_FORMATS,
  type PictureFormat,
} from '../chain/picture-text.js';
import { scheduleLines } from '../schedule/describe.js';
import { findChain } from './render-chain.js';

/** What `dfchain graph` was asked for. */
export interface GraphCommandOptions {
  /** A chain's name in the chains folder, or a chain file. */
  readonly chain: string | undefined;
  readonly dir: string;
  /** `--format`; default mermaid. */
  readonly format: string | undefined;
  /** When the next fire times of a Schedule are counted from; default the wall clock. */
  readonly now?: Date;
}

/**
 * The picture with its chain's Schedule as comments after the first line (`%%` in Mermaid,
 * `//` in DOT), so the picture itself draws the same; a chain without Schedule gets none.
 */
function withSchedule(text: string, comment: string, lines: readonly string[]): string {
  if (lines.length === 0) return text;
  const [first, ...rest] = text.split('\n');
  return [first, ...lines.map((line) => `  ${comment} ${line}`), ...rest].join('\n');
}

const isFormat = (format: string): format is PictureFormat =>
  (PICTURE_FORMATS as readonly string[]).includes(format);

/**
 * `dfchain graph CHAIN`: prints the chain as a Mermaid flowchart or a DOT digraph, with its
 * Schedule and next fire times as comments when it has one. Exit 0, or
 * 1 (one line, or the chain's problems, on stderr) for a bad format or an unknown or invalid chain.
 */
export function graphCommand(
  options: GraphCommandOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  if (options.chain === undefined) {
    err('graph needs a chain: dfchain graph CHAIN [--format mermaid|dot]');
    return 1;
  }
  const format = options.format ?? 'mermaid';
  if (!isFormat(format)) {
    err(`unknown --format "${format}": use ${PICTURE_FORMATS.join(' or ')}`);
    return 1;
  }
  const found = findChain(options.chain, options.dir);
  if (found.kind === 'refused') {
    for (const line of found.lines) err(line);
    return 1;
  }
  const picture = chainPicture(found.definition);
  const schedule = found.definition.Schedule;
  const lines = schedule ? scheduleLines(schedule, options.now ?? new Date()) : [];
  out(
    format === 'mermaid'
      ? withSchedule(mermaidPicture(picture), '%%', lines)
      : withSchedule(dotPicture(picture, found.name), '//', lines),
  );
  return 0;
}
