import { useContext, useMemo } from 'react';
import { hiddenPointers, type PageDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { FormContext, fileName } from './context';
import type { Schema, Ui } from './model';
import { reviewRows } from './review-rows';
import type { FormStore } from './store';

/** "Vérifiez vos réponses": each visible page, its answers, and a link back to change them. */
export function Review({
  store,
  root,
  ui,
  pages,
  linkTo,
}: {
  store: FormStore;
  root: Schema;
  ui: Ui;
  pages: PageDefinition[];
  linkTo: (pageId: string) => string;
}) {
  // The semantics only if the form page has loaded them already: the review never loads them itself.
  const semantics = useContext(FormContext)?.semantics;
  const data = store.snapshot();
  const rows = useMemo(() => {
    const hidden = new Set(hiddenPointers({ definition: store.definition, data, claims: store.claims }));
    return reviewRows({ schema: root, uiSchema: ui, pages }, data, hidden, { semantics, fileName });
  }, [store, data, root, ui, pages, semantics]);
  return (
    <>
      {pages.map((page) => (
        <section className="review-page" key={page.id} aria-labelledby={`revue-${page.id}`}>
          <div className="review-head">
            <h3 id={`revue-${page.id}`}>{page.title}</h3>
            <a href={linkTo(page.id)} className="review-change">
              {tr('Modifier', 'Change')}
              <span className="sr-only"> : {page.title}</span>
            </a>
          </div>
          <dl className="answers">
            {(rows.get(page.id) ?? []).map((row) => (
              <div key={row.pointer} data-pointer={row.pointer}>
                <dt>{row.label}</dt>
                <dd>{row.text || <span className="muted">{tr('Non renseigné', 'Not answered')}</span>}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </>
  );
}
