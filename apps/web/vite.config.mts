import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  resolve: {
    // The web app may import only the browser-safe shared library.
    alias: {
      '@guichet/shared': fileURLToPath(new URL('../../libs/shared/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The API reads it to preload the chunks a service page needs (apps/api/src/web/web-app.ts).
    manifest: true,
    target: 'es2020',
    // Vite 8 bundles with Rolldown; the shared library's modules are pure (no side effects at import), so what only
    // lazy pages use (the review page's answer formatter, RJSF's semantics) stays out of the first load.
    rollupOptions: {
      treeshake: {
        moduleSideEffects: (id: string) => !/[\\/]libs[\\/]shared[\\/]/.test(id),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
