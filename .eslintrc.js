// Legacy (eslintrc) configuration, as the owner's design card asks; run with
// ESLINT_USE_FLAT_CONFIG=false (see the "lint" script).
const modules = ['products', 'inventory', 'pricing', 'cart'];

// A module may use another module only through its index.ts (its public surface);
// the shared kernel may use no module at all.
function boundaryOverride(moduleName) {
  const others = modules.filter((m) => m !== moduleName);
  return {
    files: [`src/${moduleName}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: others.flatMap((m) => [`../${m}/*`, `../../${m}/*`, `**/src/${m}/*`]),
              message:
                'Import another module only through its index.ts (e.g. "../products"), never its internals.',
            },
          ],
        },
      ],
    },
  };
}

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: {
    project: 'tsconfig.json',
    tsconfigRootDir: __dirname,
    sourceType: 'module',
  },
  plugins: ['@typescript-eslint'],
  extends: ['plugin:@typescript-eslint/recommended', 'plugin:prettier/recommended'],
  env: { node: true, jest: true },
  ignorePatterns: ['.eslintrc.js', 'dist', 'node_modules'],
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/explicit-module-boundary-types': 'off',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    'no-console': ['error', { allow: ['error'] }],
  },
  overrides: [
    ...modules.map(boundaryOverride),
    {
      files: ['src/shared/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: modules.flatMap((m) => [`../${m}`, `../${m}/*`, `../../${m}`, `../../${m}/*`]),
                message: 'The shared kernel imports no domain module.',
              },
            ],
          },
        ],
      },
    },
    {
      files: ['src/cli/**/*.ts', 'test/**/*.ts'],
      rules: { 'no-console': 'off' },
    },
  ],
};
