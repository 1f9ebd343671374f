import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadForm } from './form/load-form';
import { keepLoadedForm } from './form/preload';
import './styles.css';

/** After this long the app mounts anyway (it then shows « Chargement… » until the form arrives). */
const PREVIEW_WAIT_MS = 8000;

const root = document.getElementById('root')!;
/** Once the app has mounted, a form that arrives late is not kept: the page has loaded its own since. */
let mounted = false;

/**
 * A form page the server drew (`data-preview="form"`, apps/web/src/server/form-preview.tsx) stays as drawn,
 * disabled, until its form is loaded; the app's first commit then replaces the drawing with the live form in
 * one frame. Any other page mounts at once.
 */
function whenFormLoaded(): Promise<void> {
  if (root.dataset.preview !== 'form') return Promise.resolve();
  const query = new URLSearchParams(window.location.search);
  const match = /^\/demarches\/([^/]+)\/?$/.exec(window.location.pathname);
  const draftId = query.get('brouillon');
  if (!match || !draftId) return Promise.resolve();
  let slug: string;
  try {
    slug = decodeURIComponent(match[1]!);
  } catch {
    return Promise.resolve();
  }
  const test = query.get('test') === '1';
  const loaded = loadForm(slug, draftId, test).then(
    (form) => void (mounted || keepLoadedForm(slug, draftId, test, form)),
    // The app loads it again and says what went wrong.
    () => undefined,
  );
  return Promise.race([loaded, new Promise<void>((ok) => window.setTimeout(ok, PREVIEW_WAIT_MS))]);
}

void whenFormLoaded().then(() => {
  mounted = true;
  delete root.dataset.preview;
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
