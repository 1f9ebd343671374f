import type { Loaded } from './load-form';

/**
 * A form loaded before anything draws it. The server draws a form page's
 * first step into the page (../server/form-preview.tsx); the browser paints
 * it at once, disabled, and `main.tsx` mounts the app only once the form is
 * loaded (`loadForm`), so the app's first commit replaces that drawing with
 * the live form in one frame, never with « Chargement… ». `FormPage` starts
 * from what is kept here instead of loading again.
 */
const kept = new Map<string, Loaded>();

const keyOf = (slug: string, draftId: string, test: boolean) =>
  `${test ? 'trial' : 'draft'}\u0000${slug}\u0000${draftId}`;

export function keepLoadedForm(slug: string, draftId: string, test: boolean, loaded: Loaded): void {
  kept.set(keyOf(slug, draftId, test), loaded);
}

/** The form kept for this page, if any (read in a state initialiser: may be called twice, keeps it). */
export function keptForm(slug: string, draftId: string, test: boolean): Loaded | null {
  return kept.get(keyOf(slug, draftId, test)) ?? null;
}

/** Forgets the form kept for this page; whether there was one (then nothing needs loading). */
export function forgetKeptForm(slug: string, draftId: string, test: boolean): boolean {
  return kept.delete(keyOf(slug, draftId, test));
}
