// Layering rules for `npm run check` (ARCHITECTURE.md §1): one direction only, the engine pure,
// production free of the local stack and of tests. test/unit/layering.test.ts runs this very
// file on a small tree that breaks each rule, so a rule that stops matching fails a test.

// Node built-ins that reach outside the process (files, network, processes, terminals, timers).
const IO_BUILTINS =
  '^(node:)?(fs|fs/promises|http|https|http2|net|tls|dgram|dns|dns/promises|child_process|cluster|worker_threads|readline|repl|inspector|os|process|timers|timers/promises|v8|vm)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: move what both sides need into a file of its own (as handler/tick-limits.ts).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'production-not-to-local',
      severity: 'error',
      comment:
        'src/local is the local stack and its fault decorators; production code (the function and the CLI) must not load it. Local-only wiring belongs in a src/local entry point such as faulty-function.ts.',
      from: { path: '^src/', pathNot: '^src/local/' },
      to: { path: '^src/local/' },
    },
    {
      name: 'engine-no-cloud-clients',
      severity: 'error',
      comment:
        'The engine is pure (chain, run, signal) -> (run, effects): Google clients belong in the adapters behind the ports.',
      from: { path: '^src/engine/' },
      to: { path: '(^|/)node_modules/(@google-cloud/|googleapis/|google-auth-library/|gaxios/)' },
    },
    {
      name: 'engine-no-io-builtins',
      severity: 'error',
      comment:
        'The engine is pure: no files, network, processes or timers (it gets time from its caller). Pure built-ins such as node:crypto are fine.',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'], path: IO_BUILTINS },
    },
    {
      name: 'engine-not-to-outer-layers',
      severity: 'error',
      comment:
        'Layering runs one way: events -> engine -> ports <- adapters. The engine must not reach the handler, the event decoders, the adapters or the fronts.',
      from: { path: '^src/engine/' },
      to: {
        path: '^src/(handler|events|cli|local|deploy|wiring\\.ts|index\\.ts|store/(firestore|memory)\\.ts|storage/gcs\\.ts|dataflow/googleapis\\.ts|log/cloud-logging\\.ts)',
      },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Nothing outside test/ may import from test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'console-page-self-contained',
      severity: 'error',
      comment:
        "The console's page is served as tsc compiles it (dist/web keeps only src/console/web): it may import values only from its own folder, types from anywhere.",
      from: { path: '^src/console/web/' },
      to: { pathNot: '^src/console/web/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to no file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // A type-only import is still a dependency between two files: the deps.ts <-> tick.ts cycle
    // was one.
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
    skipAnalysisNotInRules: true,
  },
};
