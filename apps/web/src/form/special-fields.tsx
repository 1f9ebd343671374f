import { Suspense, use, type ComponentType } from 'react';
import { plainText, specialWidgetsOf, type SpecialWidget } from '@guichet/shared';
import { tr } from '../lib/i18n';
import type { FieldModel } from './model';

type FieldComponent = ComponentType<{ model: FieldModel }>;

/**
 * Guichet's lookup fields (SIRET, RNA, quotient familial, address, commune), each a chunk of its own: a form whose
 * definition uses none of them does not download them (issue 22). The API names the same modules in Vite's
 * manifest to preload a page's (apps/api/src/web/web-app.ts, `src/form/<name>-field.tsx`).
 */
const LOADERS: Record<SpecialWidget, () => Promise<FieldComponent>> = {
  siret: () => import('./siret-field').then((m) => m.SiretField),
  rna: () => import('./rna-field').then((m) => m.RnaField),
  quotient: () => import('./quotient-field').then((m) => m.QuotientField),
  address: () => import('./address-field').then((m) => m.AddressField),
  commune: () => import('./commune-field').then((m) => m.CommuneField),
};

/** The fields loaded so far: drawn at once, with no Suspense. */
const ready = new Map<SpecialWidget, FieldComponent>();
/** Loads under way or done, one per field: `use` needs the same promise at every render. */
const loading = new Map<SpecialWidget, Promise<FieldComponent>>();

/** Loads a field's chunk once; a chunk that fails to load draws a message in the field's place, never a crash. */
function loadSpecialField(widget: SpecialWidget): Promise<FieldComponent> {
  let promise = loading.get(widget);
  if (!promise) {
    promise = LOADERS[widget]().then(
      (component) => {
        ready.set(widget, component);
        return component;
      },
      // Kept: the message asks for a reload, which tries again.
      () => NotLoaded,
    );
    loading.set(widget, promise);
  }
  return promise;
}

/**
 * Starts loading the fields a definition's uiSchema uses, as soon as it is known: the form page waits for them with
 * its validator (./load-form.ts), so the live step never shows a placeholder where the server drew a field.
 */
export function loadSpecialFields(uiSchema: unknown): Promise<void> {
  return Promise.all(specialWidgetsOf(uiSchema).map(loadSpecialField)).then(() => undefined);
}

/** Every field at hand from the start: the server's drawing (../server/form-preview.tsx) renders synchronously. */
export function provideSpecialFields(components: Record<SpecialWidget, FieldComponent>): void {
  for (const [widget, component] of Object.entries(components) as Array<[SpecialWidget, FieldComponent]>) {
    ready.set(widget, component);
    loading.set(widget, Promise.resolve(component));
  }
}

/** A special field: drawn at once when its chunk is loaded, else (the studio's preview) a placeholder meanwhile. */
export function SpecialField({ widget, model }: { widget: SpecialWidget; model: FieldModel }) {
  const Component = ready.get(widget);
  if (Component) return <Component model={model} />;
  return (
    <Suspense fallback={<Placeholder model={model} />}>
      <WhenLoaded widget={widget} model={model} />
    </Suspense>
  );
}

function WhenLoaded({ widget, model }: { widget: SpecialWidget; model: FieldModel }) {
  const Component = use(loadSpecialField(widget));
  return <Component model={model} />;
}

/** Where the field will be: its legend, and a polite busy status (no focusable control, no id taken). */
export function Placeholder({ model }: { model: FieldModel }) {
  return (
    <fieldset className="group" aria-busy="true" data-pointer={model.pointer}>
      <legend>{plainText(model.title)}</legend>
      <p className="hint" role="status">
        {tr('Chargement du champ…', 'Loading the field…')}
      </p>
    </fieldset>
  );
}

export function NotLoaded({ model }: { model: FieldModel }) {
  return (
    <fieldset className="group" data-pointer={model.pointer}>
      <legend>{plainText(model.title)}</legend>
      <p className="notice notice--warning" role="status">
        {tr(
          'Ce champ n’a pas pu être chargé. Vérifiez votre connexion puis rechargez la page : vos réponses enregistrées sont conservées.',
          'This field could not be loaded. Check your connection, then reload the page: your saved answers are kept.',
        )}
      </p>
    </fieldset>
  );
}
