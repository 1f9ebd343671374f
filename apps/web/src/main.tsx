import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, loadPageOf } from './App';
import { loadForm } from './form/load-form';
import { keepLoadedForm } from './form/preload';
import { keepServicePage, loadServicePage } from './pages/service-page-data';
import './styles.css';

/** After this long the app mounts anyway (it then shows « Chargement… » until the page's data arrive). */
const PREVIEW_WAIT_MS = 8000;

const root = document.getElementById('root')!;
/** Once the app has mounted, what arrives late is not kept: the page has loaded its own since. */
let mounted = false;

/** The slug of a service's address (/demarches/:slug), or null. */
function serviceSlug(): string | null {
  const match = /^\/demarches\/([^/]+)\/?$/.exec(window.location.pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * A page the server drew stays as drawn, disabled, until what the app needs to draw it live is loaded: a form
 * page (`data-preview="form"`, apps/web/src/server/form-preview.tsx) its form, a service page
 * (`data-preview="service"`) the service, who is signed in and their drafts. The app's first commit then replaces
 * the drawing with the live page in one frame. Any other page mounts at once.
 */
function whenDrawnPageLoaded(): Promise<void> {
  const drawn = root.dataset.preview;
  if (drawn !== 'form' && drawn !== 'service') return Promise.resolve();
  const slug = serviceSlug();
  if (!slug) return Promise.resolve();
  const query = new URLSearchParams(window.location.search);
  const draftId = query.get('brouillon');
  const test = query.get('test') === '1';
  let loaded: Promise<void>;
  if (drawn === 'form' && draftId)
    loaded = loadForm(slug, draftId, test).then(
      (form) => void (mounted || keepLoadedForm(slug, draftId, test, form)),
      // The app loads it again and says what went wrong.
      () => undefined,
    );
  else if (drawn === 'service' && !draftId)
    loaded = Promise.all([
      loadServicePage(slug).then(
        (page) => void (mounted || keepServicePage(slug, page)),
        () => undefined,
      ),
      // The page's own chunk (preloaded by the server), so the drawing is replaced by the page, not « Chargement… ».
      loadPageOf(window.location.pathname, window.location.search),
    ]).then(() => undefined);
  else return Promise.resolve();
  return Promise.race([loaded, new Promise<void>((ok) => window.setTimeout(ok, PREVIEW_WAIT_MS))]);
}

/**
 * How long the app waits for the chunk of a page that has one of its own (preloaded by the server, it is usually
 * there with the entry) before mounting with « Chargement… », which shows only past the same delay (styles.css).
 */
const PAGE_CHUNK_WAIT_MS = 400;

void Promise.all([
  whenDrawnPageLoaded(),
  Promise.race([
    loadPageOf(window.location.pathname, window.location.search),
    new Promise<void>((ok) => window.setTimeout(ok, PAGE_CHUNK_WAIT_MS)),
  ]),
]).then(() => {
  mounted = true;
  delete root.dataset.preview;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
