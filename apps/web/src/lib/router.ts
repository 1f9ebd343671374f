import { useSyncExternalStore } from 'react';

/**
 * A router of a few lines: the History API and one subscription. Pages are
 * chosen by path in App; steps and drafts live in the query string, so the
 * browser's Back button goes back one step.
 */
const listeners = new Set<() => void>();
let navigations = 0;

function notify() {
  for (const listener of listeners) listener();
}
// Not on the server, which draws a form page's first step without a window (../server/form-preview.tsx).
if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => {
    navigations++;
    notify();
  });

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  navigations++;
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};
const snapshot = () => window.location.pathname + window.location.search;

export function useLocation(): { path: string; query: URLSearchParams; navigations: number } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, query: url.searchParams, navigations };
}

/** A click on an internal link without modifier keys is handled in the page. */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>): void {
  const href = event.currentTarget.getAttribute('href');
  if (
    !href ||
    !href.startsWith('/') ||
    href.startsWith('/api/') ||
    href.startsWith('/auth/') ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey ||
    event.currentTarget.target
  )
    return;
  event.preventDefault();
  navigate(href);
}
