import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The slice of Rolldown's module graph the chunk grouping reads. */
interface GraphInfo {
  importedIds: readonly string[];
  importers: readonly string[];
}

/** The first load's modules, per chunking pass (a rebuild in watch mode gets a new context, hence a new walk). */
const firstLoads = new WeakMap<object, Set<string>>();

/**
 * `shared` for a module of the first load (statically reachable from index.html) that a lazily loaded module also
 * imports; its own imports follow it (Rolldown's `includeDependenciesRecursively`). Other modules are left to
 * Rolldown's automatic chunking.
 */
function sharedWithFirstLoad(id: string, ctx: { getModuleInfo(id: string): GraphInfo | null }): string | null {
  let firstLoad = firstLoads.get(ctx);
  if (!firstLoad) {
    firstLoad = new Set<string>();
    const todo = [`${root}index.html`];
    for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
      if (firstLoad.has(next)) continue;
      firstLoad.add(next);
      todo.push(...(ctx.getModuleInfo(next)?.importedIds ?? []));
    }
    firstLoads.set(ctx, firstLoad);
  }
  const first = firstLoad;
  if (!first.has(id)) return null;
  const importers = ctx.getModuleInfo(id)?.importers ?? [];
  return importers.some((importer) => !first.has(importer)) ? 'shared' : null;
}

/**
 * Two builds: the browser's (`vite build`), and with `--ssr` the server's drawing of a form page's first step
 * (src/server/form-preview.tsx) as a CommonJS module the API requires (apps/api/src/web/web-app.ts), next to the
 * browser build in dist/web/server, which the API never serves (only /assets and a few public files are).
 */
export default defineConfig(({ isSsrBuild }) => ({
  root,
  plugins: [react()],
  // The server's module carries its dependencies, React's production build among them: the API may run with any
  // NODE_ENV, and React's development build draws a 300-field step several times slower.
  ...(isSsrBuild
    ? { ssr: { noExternal: true }, define: { 'process.env.NODE_ENV': JSON.stringify('production') } }
    : {}),
  resolve: {
    // The web app may import only the browser-safe shared library.
    alias: {
      '@guichet/shared': fileURLToPath(new URL('../../libs/shared/src/index.ts', import.meta.url)),
    },
  },
  build: isSsrBuild
    ? {
        outDir: fileURLToPath(new URL('../../dist/web/server', import.meta.url)),
        emptyOutDir: true,
        target: 'node20',
        copyPublicDir: false,
        rollupOptions: {
          output: { format: 'cjs' as const, entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
          // The drawing renders synchronously, so it imports statically the pages and fields the browser loads lazily
          // (ServicePage, the file fields): on the server, where a chunk costs no request, that their dynamic imports
          // then split nothing is expected, not worth a warning at every `npm run build` and `npm start`. The browser's
          // build keeps the check.
          checks: { ineffectiveDynamicImport: false },
        },
      }
    : {
        outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
        emptyOutDir: true,
        sourcemap: true,
        // The API reads it to preload the chunks a service page needs (apps/api/src/web/web-app.ts).
        manifest: true,
        target: 'es2020',
        // Vite 8 bundles with Rolldown; the shared library's modules are pure (no side effects at import), so what only
        // lazy pages use (the review page's answer formatter, RJSF's semantics) stays out of the first load.
        // What the first page and a lazy page (studio, desk, review…) both import goes into one `shared` chunk, not the
        // half-dozen small chunks Rolldown would split it into: each is a request of its own, and on HTTP/1.1 a browser
        // opens six connections per host, so the form page's first load (bundle, styles, draft, account, validator)
        // waited for a second wave of requests (issue 22, bench/first-paint.bench.ts).
        rollupOptions: {
          output: { codeSplitting: { groups: [{ name: sharedWithFirstLoad, debugName: 'shared-with-first-load' }] } },
          treeshake: {
            moduleSideEffects: (id: string) => !/[\\/]libs[\\/]shared[\\/]/.test(id),
          },
        },
      },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
}));
