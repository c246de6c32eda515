import type { Json } from '../json.js';
import type { IntrinsicName } from './intrinsics.js';

/** One step of a reference path: a field name or an array index. */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number };

/** `$…` (the state input) or `$$…` (the context object). */
export interface ReferencePath {
  readonly kind: 'path';
  readonly root: '$' | '$$';
  readonly segments: readonly PathSegment[];
  /** The path as written. */
  readonly text: string;
}

/** A literal intrinsic argument. */
export interface Literal {
  readonly kind: 'literal';
  readonly value: Json;
  /** For strings: the text between the quotes with its escapes intact (States.Format needs it). */
  readonly raw?: string;
}

/** `States.Name(arg, …)`. */
export interface IntrinsicCall {
  readonly kind: 'call';
  readonly name: IntrinsicName;
  readonly args: readonly Argument[];
  /** The call as written. */
  readonly text: string;
}

/** What an intrinsic may take as an argument. */
export type Argument = Literal | ReferencePath | IntrinsicCall;

/** The parsed value of a `.$` key. */
export type Expression = ReferencePath | IntrinsicCall;
