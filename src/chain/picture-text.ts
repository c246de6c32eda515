import type { Picture, PictureCluster, PictureNode, PictureShape } from './picture.js';

/** Picture formats `dfchain graph` prints. */
export const PICTURE_FORMATS = ['mermaid', 'dot'] as const;

/** A picture format. */
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

/** Mermaid text: characters that would end or change a quoted label, as `#code;` entities. */
function mermaidText(text: string): string {
  return text.replace(/["#<>|[\]{}&]/g, (c) =>
    c === '"' ? '#quot;' : `#${c.codePointAt(0)!.toString()};`,
  );
}

/** Mermaid shape delimiters around a quoted label. */
const MERMAID_SHAPES: Readonly<Record<PictureShape, readonly [string, string]>> = {
  Task: ['[', ']'],
  Pass: ['(', ')'],
  Choice: ['{', '}'],
  Wait: ['[/', '/]'],
  Parallel: ['[[', ']]'],
  Map: ['[[', ']]'],
  Succeed: ['([', '])'],
  Fail: ['(((', ')))'],
  start: ['((', '))'],
  end: ['((', '))'],
  join: ['((', '))'],
};

function mermaidNode(node: PictureNode, indent: string): string {
  const [open, close] = MERMAID_SHAPES[node.shape];
  return `${indent}${node.id}${open}"${node.lines.map(mermaidText).join('<br/>')}"${close}`;
}

function mermaidCluster(cluster: PictureCluster, indent: string): string[] {
  return [
    `${indent}subgraph ${cluster.id} ["${mermaidText(cluster.title)}"]`,
    ...cluster.nodes.map((n) => mermaidNode(n, `${indent}  `)),
    ...cluster.clusters.flatMap((c) => mermaidCluster(c, `${indent}  `)),
    `${indent}end`,
  ];
}

/** Every node of the picture, scopes' nodes after their own, in drawing order. */
function allNodes(picture: Pick<Picture, 'nodes' | 'clusters'>): PictureNode[] {
  return [...picture.nodes, ...picture.clusters.flatMap(allNodes)];
}

/**
 * `classDef` and `class` lines for the nodes that have a class: one `classDef` per class of
 * `classDefs` in use (in its order), then one `class` line per class listing its nodes.
 */
function mermaidClasses(picture: Picture, classDefs: Readonly<Record<string, string>>): string[] {
  const nodes = allNodes(picture);
  const used = Object.keys(classDefs).filter((c) => nodes.some((n) => n.className === c));
  return [
    ...used.map((c) => `  classDef ${c} ${classDefs[c]!}`),
    ...used.map(
      (c) =>
        `  class ${nodes
          .filter((n) => n.className === c)
          .map((n) => n.id)
          .join(',')} ${c}`,
    ),
  ];
}

/**
 * A Mermaid flowchart, top down: nodes, subgraphs per scope, then every edge; with
 * `classDefs` (class name to Mermaid style), then the styles of the classes nodes have.
 */
export function mermaidPicture(
  picture: Picture,
  classDefs: Readonly<Record<string, string>> = {},
): string {
  return [
    'flowchart TD',
    ...picture.nodes.map((n) => mermaidNode(n, '  ')),
    ...picture.clusters.flatMap((c) => mermaidCluster(c, '  ')),
    ...picture.edges.map((e) => {
      const arrow = e.dashed ? '-.->' : '-->';
      const label = e.label === undefined ? '' : `|"${mermaidText(e.label)}"|`;
      return `  ${e.from} ${arrow}${label} ${e.to}`;
    }),
    ...mermaidClasses(picture, classDefs),
  ].join('\n');
}

/** A DOT quoted string. */
function dotString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** DOT node attributes for each shape. */
const DOT_SHAPES: Readonly<Record<PictureShape, string>> = {
  Task: 'shape=box',
  Pass: 'shape=box, style=rounded',
  Choice: 'shape=diamond',
  Wait: 'shape=parallelogram',
  Parallel: 'shape=box, peripheries=2',
  Map: 'shape=box, peripheries=2',
  Succeed: 'shape=oval',
  Fail: 'shape=doublecircle',
  start: 'shape=circle',
  end: 'shape=circle',
  join: 'shape=circle',
};

function dotNode(node: PictureNode, indent: string): string {
  const label = node.lines.map((l) => dotString(l).slice(1, -1)).join('\\n');
  return `${indent}${node.id} [label="${label}", ${DOT_SHAPES[node.shape]}];`;
}

function dotCluster(cluster: PictureCluster, indent: string): string[] {
  return [
    `${indent}subgraph cluster_${cluster.id} {`,
    `${indent}  label=${dotString(cluster.title)};`,
    ...cluster.nodes.map((n) => dotNode(n, `${indent}  `)),
    ...cluster.clusters.flatMap((c) => dotCluster(c, `${indent}  `)),
    `${indent}}`,
  ];
}

/** A Graphviz digraph: the same nodes and edges, each scope a `cluster_` subgraph. */
export function dotPicture(picture: Picture, name: string): string {
  return [
    `digraph ${dotString(name)} {`,
    ...picture.nodes.map((n) => dotNode(n, '  ')),
    ...picture.clusters.flatMap((c) => dotCluster(c, '  ')),
    ...picture.edges.map((e) => {
      const attributes = [
        ...(e.label === undefined ? [] : [`label=${dotString(e.label)}`]),
        ...(e.dashed ? ['style=dashed'] : []),
      ];
      const list = attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`;
      return `  ${e.from} -> ${e.to}${list};`;
    }),
    '}',
  ].join('\n');
}
