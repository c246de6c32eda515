import { choiceRuleText } from './picture-rule.js';
import { mapProcessor, type Branch, type ChainDefinition, type State } from './types.js';

/** How a node of the picture is drawn. */
export type PictureShape =
  | 'Task'
  | 'Pass'
  | 'Choice'
  | 'Wait'
  | 'Parallel'
  | 'Map'
  | 'Succeed'
  | 'Fail'
  | 'start'
  | 'end'
  | 'join';

/** One node: a state, the start, the end, or where a Parallel's or Map's scopes join. */
export interface PictureNode {
  readonly id: string;
  readonly shape: PictureShape;
  /** Label lines, unescaped. */
  readonly lines: readonly string[];
  /** A style class (see {@link PictureStyle}); none: drawn plain. */
  readonly className?: string;
}

/** A Parallel branch or Map item processor, and the scopes nested in it. */
export interface PictureCluster {
  readonly id: string;
  readonly title: string;
  readonly nodes: readonly PictureNode[];
  readonly clusters: readonly PictureCluster[];
}

/** One transition: Next, a Choice rule or Default, a Catch (dashed), or into the start/end. */
export interface PictureEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: true;
}

/**
 * What a picture may add to each state (`dfchain status --graph`): a style class and label
 * lines, by the state's scope in the picture (`[]` at the top, `['Fan', '1']` for a Parallel's
 * branch, `['Each', 'items']` for a Map's item processor) and name, and a suffix to a scope's
 * title by the same path. Without one the picture is the chain alone (`dfchain graph`).
 */
export interface PictureStyle {
  readonly classOf?: (scope: readonly string[], name: string) => string | undefined;
  readonly extraLines?: (scope: readonly string[], name: string) => readonly string[];
  readonly titleSuffix?: (scope: readonly string[]) => string | undefined;
  /** The end node's class (a run that reached it). */
  readonly endClass?: string;
}

/** A chain as nodes, nested scopes and edges, in file order; what mermaid and dot draw. */
export interface Picture {
  readonly nodes: readonly PictureNode[];
  readonly clusters: readonly PictureCluster[];
  readonly edges: readonly PictureEdge[];
}

/**
 * One id segment: letters and digits kept, any other character as `_<hex code point>_`, so
 * that ids are safe in Mermaid and DOT and two names never share one.
 */
function idSegment(text: string): string {
  return [...text]
    .map((c) => (/^[A-Za-z0-9]$/.test(c) ? c : `_${c.codePointAt(0)!.toString(16)}_`))
    .join('');
}

/** A state's node id: `s_` then its scope path and name, segments joined by `_z_` (z is not hex). */
export function stateId(scope: readonly string[], name: string): string {
  return `s_${[...scope, name].map(idSegment).join('_z_')}`;
}

/** The retry notes of a Task, Parallel or Map: `retry ×2 on Dataflow.JobFailed`. */
function retryLines(state: State): string[] {
  if (!('Retry' in state) || state.Retry === undefined) return [];
  return state.Retry.filter((r) => r.MaxAttempts !== 0).map(
    (r) => `retry ×${r.MaxAttempts ?? 3} on ${r.ErrorEquals.join(', ')}`,
  );
}

/** What a Wait waits for. */
function waitLine(state: State & { Type: 'Wait' }): string {
  if (state.Seconds !== undefined) return `wait ${state.Seconds} s`;
  if (state.Timestamp !== undefined) return `wait until ${state.Timestamp}`;
  if (state.SecondsPath !== undefined) return `wait ${state.SecondsPath} s`;
  return `wait until ${state.TimestampPath ?? ''}`;
}

/** The label lines of a state's node. */
function stateLines(name: string, state: State): string[] {
  switch (state.Type) {
    case 'Task':
      return [name, state.Resource, ...retryLines(state)];
    case 'Wait':
      return [name, waitLine(state)];
    case 'Fail':
      return [name, state.Error === undefined ? 'Fail' : `Fail: ${state.Error}`];
    case 'Choice':
      return [name];
    case 'Map':
      // Where the items come from, when not from the input: `Map over gcs:listObjects`.
      return [
        name,
        state.ItemReader ? `Map over ${state.ItemReader.Resource}` : 'Map',
        ...retryLines(state),
      ];
    default:
      return [name, state.Type, ...retryLines(state)];
  }
}

/** The title of a Map's item processor scope: `Each[*]`, with its MaxConcurrency. */
function mapTitle(name: string, state: State & { Type: 'Map' }): string {
  const limit =
    state.MaxConcurrencyPath ??
    (state.MaxConcurrency === undefined || state.MaxConcurrency === 0
      ? 'unlimited'
      : String(state.MaxConcurrency));
  return `${name}[*], MaxConcurrency ${limit}`;
}

interface Builder {
  readonly edges: PictureEdge[];
  readonly style: PictureStyle;
}

/** A state's node, with the style's class and extra lines when it has any. */
function stateNode(
  scope: readonly string[],
  name: string,
  state: State,
  style: PictureStyle,
): PictureNode {
  const className = style.classOf?.(scope, name);
  return {
    id: stateId(scope, name),
    shape: state.Type,
    lines: [...stateLines(name, state), ...(style.extraLines?.(scope, name) ?? [])],
    ...(className !== undefined ? { className } : {}),
  };
}

/**
 * The nodes and nested clusters of one scope, adding its edges; `exit` is the node its End and
 * Succeed states lead to (the end, or the join of the Parallel or Map that owns the scope).
 */
function drawScope(
  branch: Pick<Branch, 'StartAt' | 'States'>,
  scope: readonly string[],
  entry: string,
  exit: string,
  b: Builder,
): { nodes: PictureNode[]; clusters: PictureCluster[] } {
  const nodes: PictureNode[] = [];
  const clusters: PictureCluster[] = [];
  const id = (name: string) => stateId(scope, name);
  b.edges.push({ from: entry, to: id(branch.StartAt) });
  for (const [name, state] of Object.entries(branch.States)) {
    const self = id(name);
    nodes.push(stateNode(scope, name, state, b.style));
    let after = self;
    if (state.Type === 'Parallel' || state.Type === 'Map') {
      after = `${self}_j_`;
      const inner: [Branch, string, string][] =
        state.Type === 'Parallel'
          ? state.Branches.map((br, i) => [br, String(i), `${name}[${i}]`])
          : [[mapProcessor(state), 'items', mapTitle(name, state)]];
      for (const [br, key, title] of inner) {
        const path = [...scope, name, key];
        const drawn = drawScope(br, path, self, after, b);
        const suffix = b.style.titleSuffix?.(path);
        clusters.push({
          id: `c_${path.map(idSegment).join('_z_')}`,
          title: suffix === undefined ? title : `${title} · ${suffix}`,
          ...drawn,
        });
      }
      nodes.push({ id: after, shape: 'join', lines: [`${name} done`] });
    }
    if (state.Type === 'Choice') {
      for (const rule of state.Choices) {
        if (rule.Next !== undefined) {
          b.edges.push({ from: self, to: id(rule.Next), label: choiceRuleText(rule) });
        }
      }
      if (state.Default !== undefined) {
        b.edges.push({ from: self, to: id(state.Default), label: 'default' });
      }
    }
    if ('Next' in state && state.Next !== undefined)
      b.edges.push({ from: after, to: id(state.Next) });
    if (('End' in state && state.End === true) || state.Type === 'Succeed') {
      b.edges.push({ from: after, to: exit });
    }
    for (const c of 'Catch' in state ? (state.Catch ?? []) : []) {
      b.edges.push({ from: self, to: id(c.Next), label: c.ErrorEquals.join(', '), dashed: true });
    }
  }
  return { nodes, clusters };
}

/** The id of the start node and of the end node (state ids all begin with `s_`). */
export const START_ID = 'start';
export const END_ID = 'finish';

/**
 * The picture of a valid chain: start, every state (scopes nested), end, and the edges;
 * `style` adds classes and label text (none by default).
 */
export function chainPicture(definition: ChainDefinition, style: PictureStyle = {}): Picture {
  const b: Builder = { edges: [], style };
  const drawn = drawScope(definition, [], START_ID, END_ID, b);
  return {
    nodes: [
      { id: START_ID, shape: 'start', lines: ['start'] },
      ...drawn.nodes,
      {
        id: END_ID,
        shape: 'end',
        lines: ['end'],
        ...(style.endClass !== undefined ? { className: style.endClass } : {}),
      },
    ],
    clusters: drawn.clusters,
    edges: b.edges,
  };
}
