/**
 * The pages of the citizen form benchmarks, built for production like the web
 * app (apps/web/vite.config.mts): ours renders with apps/web/src/form/*, rjsf
 * with RJSF's default theme (@rjsf/core + @rjsf/validator-ajv8), bare with
 * plain React inputs (bench/first-paint.bench.ts). All fetch /definition.json,
 * which the bench writes next to them with the precompiled validator module.
 *
 *   BENCH_FORMS_OUT=/tmp/x vite build --config bench/forms/vite.config.mts
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  plugins: [react()],
  publicDir: false,
  logLevel: 'warn',
  resolve: {
    // As in the web app: the browser-safe shared library from its sources.
    alias: { '@guichet/shared': here('../../libs/shared/src/index.ts') },
  },
  build: {
    outDir: process.env.BENCH_FORMS_OUT ?? here('../../dist/bench-forms'),
    emptyOutDir: true,
    target: 'es2020',
    manifest: true,
    rolldownOptions: {
      input: { ours: here('ours/index.html'), rjsf: here('rjsf/index.html'), bare: here('bare/index.html') },
    },
  },
});
