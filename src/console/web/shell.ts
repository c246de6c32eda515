import type { ApiProblem, ConsoleConfig } from '../api.js';
import { el, replace } from './dom.js';

/** The frame every page shares: the header, the problem banner, the live indicator and <main>. */
export interface Shell {
  readonly main: HTMLElement;
  /** Shows a problem in the banner (undefined clears it). */
  problem(problem: ApiProblem | string | undefined): void;
  /** Shows whether the live stream is connected. */
  live(state: 'live' | 'reconnecting' | 'off'): void;
  /** Sets the page's <title> and which nav link is current. */
  page(title: string, nav: 'runs' | 'chains' | undefined): void;
}

/** Builds the shell into the document's body. */
export function buildShell(): Shell {
  const runsLink = el('a', { href: '/' }, 'Runs');
  const chainsLink = el('a', { href: '/chains' }, 'Chains');
  const context = el('p', { class: 'context' });
  const indicator = el('span', { class: 'live live-off', role: 'status' }, '');
  const header = el(
    'header',
    { class: 'top' },
    el('a', { href: '/', class: 'brand' }, 'dfchain console'),
    el(
      'nav',
      { 'aria-label': 'Pages' },
      el('ul', {}, el('li', {}, runsLink), el('li', {}, chainsLink)),
    ),
    context,
    indicator,
  );
  const banner = el('div', { class: 'banner', role: 'alert', hidden: true });
  const main = el('main', { id: 'main', tabindex: -1 });
  document.body.replaceChildren(
    el('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    header,
    banner,
    main,
  );
  void loadConfig(context);
  return {
    main,
    problem(problem) {
      if (problem === undefined) {
        banner.hidden = true;
        banner.replaceChildren();
        return;
      }
      const text = typeof problem === 'string' ? problem : problem.error;
      replace(banner, el('strong', {}, 'Problem: '), text);
      banner.hidden = false;
    },
    live(state) {
      indicator.className = `live live-${state}`;
      indicator.textContent =
        state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting…' : '';
    },
    page(title, nav) {
      document.title = `${title} · dfchain console`;
      for (const [link, name] of [
        [runsLink, 'runs'],
        [chainsLink, 'chains'],
      ] as const) {
        if (name === nav) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
  };
}

/** The console's settings, read once by every page; the header shows them. */
let config: Promise<ConsoleConfig | undefined> | undefined;

/** The console's settings (undefined when /api/config could not be read). */
export function consoleConfig(): Promise<ConsoleConfig | undefined> {
  config ??= fetch('/api/config')
    .then(async (res) => (res.ok ? ((await res.json()) as ConsoleConfig) : undefined))
    .catch(() => undefined);
  return config;
}

async function loadConfig(context: HTMLElement): Promise<void> {
  const c = await consoleConfig();
  if (!c) {
    replace(context, 'settings unreadable: is dfchain console still running?');
    return;
  }
  replace(
    context,
    el('span', { title: 'Google Cloud project' }, c.projectId),
    ' · ',
    el('span', { title: 'Where runs are read' }, c.store),
    ' ',
    c.allowActions
      ? el('span', { class: 'mode mode-actions' }, 'actions enabled')
      : el('span', { class: 'mode mode-readonly' }, 'read-only'),
  );
}
