import { defineConfig } from 'vite';

// Built into dist/console, which the API serves at /admin (same origin: no CORS). The
// build:console script sets NODE_ENV=production: an inherited one (a test run's, a developer's)
// would make Vite bundle React's development build.
export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    // The CSP at /admin allows scripts and styles from files only.
    assetsInlineLimit: 0,
  },
});
