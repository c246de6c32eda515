import { chainPicture } from '../chain/picture.js';
import {
  dotPicture,
  mermaidPicture,
  PICTURE_FORMATS,
  type PictureFormat,
} from '../chain/picture-text.js';
import { findChain } from './render-chain.js';

/** What `dfchain graph` was asked for. */
export interface GraphCommandOptions {
  /** A chain's name in the chains folder, or a chain file. */
  readonly chain: string | undefined;
  readonly dir: string;
  /** `--format`; default mermaid. */
  readonly format: string | undefined;
}

const isFormat = (format: string): format is PictureFormat =>
  (PICTURE_FORMATS as readonly string[]).includes(format);

/**
 * `dfchain graph CHAIN`: prints the chain as a Mermaid flowchart or a DOT digraph. Exit 0, or
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
  out(format === 'mermaid' ? mermaidPicture(picture) : dotPicture(picture, found.name));
  return 0;
}
