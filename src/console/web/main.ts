import { el, errorText, replace } from './dom.js';
import { chainsPage } from './chains-page.js';
import { runPage } from './run-page.js';
import { runsPage } from './runs-page.js';
import { buildShell, type Shell } from './shell.js';

function noSuchPage(shell: Shell, path: string): () => void {
  shell.page('No such page', undefined);
  replace(
    shell.main,
    el('h1', {}, 'No such page'),
    el('p', {}, 'The console has no page ', el('code', {}, path), '.'),
    el(
      'ul',
      {},
      el('li', {}, el('a', { href: '/' }, 'Runs'), ': every run, live'),
      el(
        'li',
        {},
        el('a', { href: '/chains' }, 'Chains'),
        ': each chain’s graph, schedule and last runs',
      ),
    ),
  );
  return () => {};
}

/** Shows the page of `path`: /, /runs/<id>, /chains, /chains/<name>, or a "no such page" with links. */
function route(shell: Shell, path: string): () => void {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/' || clean === '/runs') return runsPage(shell);
  if (clean === '/chains') return chainsPage(shell);
  const chain = /^\/chains\/([^/]+)$/.exec(clean);
  if (chain?.[1]) return chainsPage(shell, decodeURIComponent(chain[1]));
  const run = /^\/runs\/([^/]+)$/.exec(clean);
  if (run?.[1]) return runPage(shell, decodeURIComponent(run[1]));
  return noSuchPage(shell, path);
}

const shell = buildShell();
// Whatever the page's own code throws is shown as text, never a blank page.
window.addEventListener('error', (event) => shell.problem(`The page failed: ${event.message}`));
window.addEventListener('unhandledrejection', (event) =>
  shell.problem(`The page failed: ${errorText(event.reason)}`),
);
try {
  route(shell, location.pathname);
} catch (error) {
  shell.problem(`The page failed: ${errorText(error)}`);
}
