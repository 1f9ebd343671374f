import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export type LazyPage<P> = LazyExoticComponent<ComponentType<P>> & {
  /** Starts loading the page's chunk (once); resolves when it is there. */
  load(): Promise<void>;
};

/**
 * A page in a chunk of its own, as `React.lazy`, that can be loaded before it is drawn: once its chunk is there,
 * its first render draws it at once, with no Suspense fallback (React's lazy resolves synchronously from a
 * thenable that calls back at once). `main.tsx` loads the page of the address before mounting the app, so a page
 * opened from its address (its chunk preloaded by the server, apps/api/src/web/web-app.ts) never shows
 * « Chargement… ».
 */
export function lazyPage<P>(importPage: () => Promise<ComponentType<P>>): LazyPage<P> {
  let loaded: { default: ComponentType<P> } | undefined;
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const start = () =>
    (loading ??= importPage().then(
      (component) => (loaded = { default: component }),
      (error: unknown) => {
        // A chunk that failed to load (offline) is asked again at the next navigation.
        loading = undefined;
        throw error;
      },
    ));
  const page = lazy(() =>
    loaded
      ? ({ then: (done: (module: { default: ComponentType<P> }) => void) => done(loaded!) } as unknown as Promise<{
          default: ComponentType<P>;
        }>)
      : start(),
  );
  return Object.assign(page, { load: () => start().then(() => undefined) });
}
