import { defineConfig } from 'vite';

// Built into dist/console, which the API serves at /admin (same origin: no CORS).
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
