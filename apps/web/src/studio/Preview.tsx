import { useEffect, useMemo, useRef, useState } from 'react';
import type { SchemaSemantics, ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { FormContext, type FormContextValue } from '../form/context';
import { Fields, withMinimumItems } from '../form/fields';
import { globalOptionsOf, type Schema, type Ui } from '../form/model';
import { loadSemantics } from '../form/semantics';
import { FormStore } from '../form/store';

/** The real citizen renderer on the current page; answers typed here stay while the definition changes. */
export function Preview({ def, pageId }: { def: ServiceDefinition; pageId: string }) {
  const answers = useRef<Record<string, unknown>>({});
  const page = def.pages.find((p) => p.id === pageId);
  const root = def.schema as Schema;
  // The page's own condition is left out: the designer sees the page they are building, with a note.
  const conditional = def.rules?.visibility?.some((r) => r.target === `page:${pageId}`) ?? false;
  const store = useMemo(() => {
    const visibility = def.rules?.visibility?.filter((r) => r.target !== `page:${pageId}`);
    const rules = { ...def.rules, visibility };
    return new FormStore(
      { pages: def.pages, rules },
      withMinimumItems(root, root, answers.current) as Record<string, unknown>,
    );
  }, [def, root, pageId]);
  useEffect(() => store.subscribe(() => (answers.current = store.snapshot())), [store]);
  // Conditions, alternatives and defaults are drawn as citizens will see them once RJSF's semantics are loaded.
  const [semantics, setSemantics] = useState<{ root: Schema; semantics?: SchemaSemantics } | null>(null);
  useEffect(() => {
    let live = true;
    void loadSemantics(root).then((loaded) => live && setSemantics({ root, semantics: loaded }));
    return () => {
      live = false;
    };
  }, [root]);
  const pageKeys = useMemo(() => new Set(def.pages.flatMap((p) => p.fields)), [def.pages]);
  const context = useMemo<FormContextValue>(
    () => ({
      store,
      root,
      prefill: def.settings.prefill ?? [],
      globalOptions: globalOptionsOf(def.uiSchema),
      signedIn: false,
      semantics: semantics?.root === root ? semantics.semantics : undefined,
      pageKeys,
    }),
    [store, root, def.settings.prefill, def.uiSchema, semantics, pageKeys],
  );
  if (!page) return null;
  const hidden = conditional;
  return (
    <section aria-labelledby="studio-apercu-titre" className="studio-preview">
      <h2 id="studio-apercu-titre" tabIndex={-1}>
        {tr('Aperçu', 'Preview')} : {page.title}
      </h2>
      {hidden && (
        <p className="notice">
          {tr(
            'Cette étape n’est présentée aux usagers que si sa condition est remplie.',
            'Citizens see this step only when its condition holds.',
          )}
        </p>
      )}
      <FormContext.Provider value={context}>
        <div className="studio-preview-body">
          {page.description && <p>{page.description}</p>}
          <Fields
            schema={root}
            ui={(def.uiSchema ?? {}) as Ui}
            base=""
            keys={page.fields.filter((f) => f in ((root.properties as object) ?? {}))}
          />
        </div>
      </FormContext.Provider>
    </section>
  );
}
