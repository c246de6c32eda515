/** A child `el` accepts: nodes, text (set as text, never parsed), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes `el` sets: strings as attributes, `true` as an empty attribute, absent ones skipped. */
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * An element with attributes and children. Text is always set as text nodes: data from the
 * API never reaches the HTML parser (no XSS through a run's input or error).
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends children to `parent`, text as text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: readonly Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A link that opens in a new tab without giving the new page a handle on this one. */
export function external(href: string, text: string, label?: string): HTMLAnchorElement {
  return el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': label }, text);
}

/** A collapsible block of pretty JSON (`<details>`), open or shut as `open` says. */
export function jsonBlock(summary: string, value: unknown, open = false): HTMLDetailsElement {
  const text = value === undefined ? '(none)' : JSON.stringify(value, null, 2);
  return el('details', { class: 'json', open }, el('summary', {}, summary), el('pre', {}, text));
}

/** The message of anything thrown, as one line a person reads. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
