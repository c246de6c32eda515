/** The part of Mermaid (the global the classic script defines) the page calls. */
interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ readonly svg: string }>;
}

declare global {
  interface Window {
    readonly mermaid?: MermaidApi;
  }
}

let initialized = false;
let counter = 0;

function mermaidApi(): MermaidApi {
  const api = window.mermaid;
  if (!api)
    throw new Error(
      'the graph library (/assets/mermaid.min.js) did not load: rebuild with npm run build',
    );
  if (!initialized) {
    api.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'default',
      flowchart: { htmlLabels: true, useMaxWidth: true },
    });
    initialized = true;
  }
  return api;
}

/** The text each container shows or is drawing: the same text is not drawn again (no flicker). */
const wanted = new WeakMap<Element, string>();

/**
 * Draws Mermaid flowchart `text` into `container`, unless it already shows (or is drawing) that
 * text. Resolves true when it drew; false when unchanged or when a newer text came while it drew
 * (the newer one wins). A text Mermaid cannot read rejects with Mermaid's message.
 */
export async function drawGraph(container: Element, text: string): Promise<boolean> {
  if (wanted.get(container) === text) return false;
  wanted.set(container, text);
  const id = `graph-${++counter}`;
  try {
    // Left to right fits a laptop's wide screen better than the chain's top-down text.
    const { svg } = await mermaidApi().render(id, text.replace(/^flowchart TD\b/, 'flowchart LR'));
    if (wanted.get(container) !== text) return false;
    // The one place markup is inserted: Mermaid's SVG, built with securityLevel strict (labels escaped).
    container.innerHTML = svg;
    // Scaled to fit its box, but never below 3/4 of its size (labels stay readable): wider scrolls.
    const drawing = container.querySelector('svg');
    const width = drawing?.viewBox.baseVal.width ?? 0;
    // ...and never above its own size: a three-state chain is not blown up to the screen's width.
    if (drawing && width > 0) {
      drawing.style.minWidth = `${Math.round(width * 0.75)}px`;
      drawing.style.maxWidth = `${Math.round(width)}px`;
    }
    return true;
  } catch (error) {
    if (wanted.get(container) === text) wanted.delete(container);
    throw error;
  } finally {
    // Mermaid leaves its scratch element in the body when it fails.
    document.getElementById(`d${id}`)?.remove();
  }
}

/** The graph node id (`s_Ingest`) of a node <g> Mermaid drew (`…flowchart-s_Ingest-0`). */
export function nodeIdOf(g: Element): string | undefined {
  return /flowchart-(.+)-\d+$/.exec(g.id)?.[1];
}

/** Every node <g> of a drawn graph, by graph node id. */
export function graphNodes(container: Element): Map<string, SVGGElement> {
  const nodes = new Map<string, SVGGElement>();
  for (const g of container.querySelectorAll<SVGGElement>('g.node')) {
    const id = nodeIdOf(g);
    if (id !== undefined) nodes.set(id, g);
  }
  return nodes;
}

/**
 * Makes the states of a drawn graph selectable by mouse and keyboard: each node named in
 * `labels` gets tabindex, role button and its label; click, Enter or Space calls `select`.
 * Called again after a live update, it only refreshes the labels.
 */
export function makeSelectable(
  container: Element,
  /** Each state's status text (stateStatusText), by node id. */
  labels: ReadonlyMap<string, string>,
  select: (nodeId: string) => void,
): void {
  for (const [id, g] of graphNodes(container)) {
    const status = labels.get(id);
    if (status === undefined) continue;
    // The node's own text first: a control's name must contain the text it shows (WCAG 2.5.3).
    const shown = shownText(g);
    g.setAttribute('aria-label', `${shown}: ${status}`);
    if (g.dataset.node !== undefined) continue;
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.dataset.node = id;
    g.dataset.key = `graph:${id}`;
    g.classList.add('selectable');
    g.addEventListener('click', () => select(id));
    g.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      select(id);
    });
  }
}

/**
 * The text a node shows, its lines joined by spaces (`Each Map`): Mermaid breaks a label's
 * lines with <br>, which textContent would run together (`EachMap`).
 */
function shownText(node: Element): string {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let text = walker.nextNode(); text; text = walker.nextNode())
    parts.push(text.nodeValue ?? '');
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** Marks the selected node of a drawn graph (and only it). */
export function markSelected(container: Element, nodeId: string | undefined): void {
  for (const [id, g] of graphNodes(container)) {
    g.classList.toggle('selected', id === nodeId);
    if (g.hasAttribute('role')) g.setAttribute('aria-pressed', String(id === nodeId));
  }
}
