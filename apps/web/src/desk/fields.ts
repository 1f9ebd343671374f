import type { ServiceDefinition } from '@guichet/shared';
import { formatDate, tr } from '../lib/i18n';
import {
  answerText,
  fieldModel,
  orderedKeys,
  propertySchema,
  uiChild,
  type FieldModel,
  type Schema,
  type Ui,
} from '../form/model';

/** One answer field the caseworker can show as a column or filter on. */
export interface AnswerField {
  pointer: string;
  /** With its groups: `Vos coordonnées — Adresse électronique`. */
  label: string;
  model: FieldModel;
  /** The inbox filters on `/pointer=value` for single values only (not on lists of choices). */
  filterable: boolean;
}

/**
 * The form's answer fields in display order, groups flattened: what the
 * inbox offers as columns. Repeatable groups and files are left out (a
 * column shows one value per request).
 */
export function answerFields(definition: ServiceDefinition): AnswerField[] {
  const root = definition.schema as Schema;
  const rootUi = (definition.uiSchema ?? {}) as Ui;
  const fields: AnswerField[] = [];
  const visit = (schema: Schema, ui: Ui, pointer: string, key: string, prefix: string) => {
    const model = fieldModel(root, schema, ui, pointer, key, false, []);
    if (model.kind === 'object') {
      const title = prefix ? `${prefix}${model.title} — ` : `${model.title} — `;
      for (const child of orderedKeys(model.schema, ui))
        visit(propertySchema(model.schema, child), uiChild(ui, child), `${pointer}/${child}`, child, title);
      return;
    }
    if (model.kind === 'array' || model.kind === 'file' || model.kind === 'files' || model.kind === 'unsupported')
      return;
    fields.push({ pointer, label: `${prefix}${model.title}`, model, filterable: model.kind !== 'checkboxes' });
  };
  const seen = new Set<string>();
  // Pages give the order the citizen saw; fields on no page come last.
  const keys = [...definition.pages.flatMap((p) => p.fields), ...orderedKeys(root, rootUi)];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    visit(propertySchema(root, key), uiChild(rootUi, key), `/${key}`, key, '');
  }
  return fields;
}

/** An answer as the caseworker reads it: choices by their label, dates in words, Oui/Non. */
export function answerDisplay(model: FieldModel | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (!model) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (model.inputType === 'date' && typeof value === 'string') return formatDate(value);
  return answerText(model, value, tr('Oui', 'Yes'), tr('Non', 'No'));
}
