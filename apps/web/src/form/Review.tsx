import { useMemo } from 'react';
import { hiddenPointers, type PageDefinition } from '@guichet/shared';
import { formatDate, tr } from '../lib/i18n';
import { fileName } from './context';
import {
  answerText,
  fieldModel,
  itemsSchema,
  orderedKeys,
  propertySchema,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from './model';
import type { FormStore } from './store';

interface Row {
  pointer: string;
  label: string;
  text: string;
}

/** An answer as the citizen reads it: file names, dates in words, the labels of choices. */
function formatValue(model: FieldModel, value: unknown): string {
  if (model.kind === 'file' || model.kind === 'files') {
    const ids = Array.isArray(value) ? value : value ? [value] : [];
    return ids.map((v) => fileName(String(v)) ?? tr('Fichier joint', 'Attached file')).join(', ');
  }
  if (model.inputType === 'date' && typeof value === 'string' && value !== '') return formatDate(value);
  return answerText(model, value, tr('Oui', 'Yes'), tr('Non', 'No'));
}

/** Every visible answer of a page, groups and repeated items flattened into labelled rows. */
export function reviewRows(
  root: Schema,
  rootUi: Ui,
  page: PageDefinition,
  data: Record<string, unknown>,
  hidden: Set<string>,
): Row[] {
  const rows: Row[] = [];
  const visit = (schema: Schema, ui: Ui, pointer: string, key: string, value: unknown, prefix: string) => {
    if (hidden.has(pointer)) return;
    const model = fieldModel(root, schema, ui, pointer, key, false, []);
    if (model.kind === 'object') {
      for (const child of orderedKeys(model.schema, ui))
        visit(
          propertySchema(model.schema, child),
          uiChild(ui, child),
          `${pointer}/${child}`,
          child,
          (value as Record<string, unknown> | undefined)?.[child],
          prefix,
        );
      return;
    }
    if (model.kind === 'array') {
      const items = itemsSchema(root, model.schema);
      const title = typeof items.title === 'string' ? items.title : model.title;
      const list = Array.isArray(value) ? value : [];
      if (list.length === 0) rows.push({ pointer, label: `${prefix}${model.title}`, text: '' });
      list.forEach((item, i) => {
        for (const child of orderedKeys(items, uiChild(ui, 0)))
          visit(
            propertySchema(items, child),
            uiChild(uiChild(ui, 0), child),
            `${pointer}/${i}/${child}`,
            child,
            (item as Record<string, unknown> | undefined)?.[child],
            `${prefix}${title} ${i + 1} — `,
          );
      });
      return;
    }
    if (model.kind === 'unsupported') return;
    rows.push({ pointer, label: `${prefix}${model.title}`, text: formatValue(model, value) });
  };
  for (const key of page.fields) visit(propertySchema(root, key), uiChild(rootUi, key), `/${key}`, key, data[key], '');
  return rows;
}

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
  const data = store.snapshot();
  const hidden = useMemo(
    () => new Set(hiddenPointers({ definition: store.definition, data, claims: store.claims })),
    [store, data],
  );
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
            {reviewRows(root, ui, page, data, hidden).map((row) => (
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
