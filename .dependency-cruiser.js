// The module graph, checked by `npm run lint` after ESLint. Every dependency is judged on
// its resolved file, so a relative path of any depth, a re-export or an `import type` counts.
// Tests (test/, and the unit specs beside the code) and benchmarks (bench/) may import any
// file of src, internals included: the rules below are for the code that ships.
const spec = '\\.spec\\.ts$';

// A domain module and the modules it may use, each only through its index.ts.
const moduleDependencies = {
  outbox: [],
  products: ['outbox'],
  inventory: ['products', 'outbox'],
  pricing: ['products', 'inventory', 'outbox'],
  cart: ['pricing', 'inventory', 'products', 'outbox'],
};
const modules = Object.keys(moduleDependencies);
const moduleIndex = (name) => `^src/${name}/index\\.ts$`;
const anyModuleIndex = `^src/(${modules.join('|')})/index\\.ts$`;

// Adapters around the modules: they may use any module, through its index.ts only.
const adapters = ['health', 'ops', 'cli'];

function moduleRule(name) {
  const allowed = moduleDependencies[name];
  const uses = allowed.length > 0 ? `${allowed.map((other) => `src/${other}/index.ts`).join(', ')} and ` : '';
  return {
    name: `${name}-dependencies`,
    comment:
      `src/${name} may import only ${uses}src/shared: ` +
      "not another module's internals, nor a module that depends on it.",
    severity: 'error',
    from: { path: `^src/${name}/`, pathNot: spec },
    to: { path: '^src/', pathNot: [`^src/${name}/`, '^src/shared/', ...allowed.map(moduleIndex)] },
  };
}

function adapterRule(name, extra = []) {
  return {
    name: `${name}-through-module-indexes`,
    comment: `src/${name} may import a module only through its index.ts (src/<module>/index.ts), and src/shared.`,
    severity: 'error',
    from: { path: `^src/${name}/`, pathNot: spec },
    to: { path: '^src/', pathNot: [`^src/${name}/`, '^src/shared/', anyModuleIndex, ...extra] },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...modules.map(moduleRule),
    ...adapters.filter((name) => name !== 'cli').map((name) => adapterRule(name)),
    // The CLI is an entry point like main.ts: it builds the application through the app factory.
    adapterRule('cli', ['^src/app\\.factory\\.ts$']),
    {
      name: 'shared-imports-no-module',
      comment: 'The shared kernel (src/shared) imports nothing outside src/shared.',
      severity: 'error',
      from: { path: '^src/shared/', pathNot: spec },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'composition-root-through-indexes',
      comment:
        'The composition root (the files directly in src: main.ts, app.module.ts, app.factory.ts, app.errors.ts) ' +
        'imports each folder of src through its index.ts, and src/shared.',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$', pathNot: spec },
      to: { path: '^src/', pathNot: ['^src/[^/]+\\.ts$', '^src/shared/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'console-through-http-only',
      comment:
        'The ops console (console/) knows the service only through its HTTP API and the client types ' +
        'generated from its OpenAPI document: no import of the server, tests or benchmarks.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^(src|test|bench|migrations)/' },
    },
    {
      name: 'not-to-test',
      comment: 'Application code and migrations never import tests or benchmarks.',
      severity: 'error',
      from: { path: '^(src|migrations)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-spec',
      comment: 'Nothing imports a spec file; what two specs share belongs in test/support or beside the code.',
      severity: 'error',
      from: {},
      to: { path: '\\.(spec|e2e-spec|fault-spec)\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'This dependency closes a cycle: break it by moving what both sides need to one of them, or lower.',
      severity: 'error',
      from: {},
      // A cycle that an `import type` closes loads no file twice (an entity's relation to its
      // lines, whose entity names it back); one across modules still breaks the rules above.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-orphans',
      comment: 'Nothing imports this file and it imports nothing: delete it, or use it.',
      severity: 'error',
      // TypeORM finds migrations by file name; a declaration file is read by the compiler.
      from: { orphan: true, pathNot: ['^migrations/', '\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'This import resolves to no file.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports couple modules too.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
  },
};
