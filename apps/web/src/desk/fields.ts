import {
  answerFields as formFields,
  answerText,
  fieldPointers,
  type FieldModel,
  type ServiceDefinition,
} from '@guichet/shared';
import { formatDate, lang } from '../lib/i18n';

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
 * The form's answer fields in display order, groups flattened (the shared
 * `answerFields`, as the exports list them): what the inbox offers as
 * columns. Repeatable groups and files are left out (a column shows one
 * value per request).
 */
export function answerFields(definition: ServiceDefinition): AnswerField[] {
  // Only the fields the API takes as columns and filters (it checks them with fieldPointers).
  const known = fieldPointers(definition.schema);
  return formFields(definition)
    .filter((f) => !f.list && f.model.kind !== 'file' && f.model.kind !== 'files' && known.has(f.pointer))
    .map((f) => ({ pointer: f.pointer, label: f.label, model: f.model, filterable: f.model.kind !== 'checkboxes' }));
}

/** An answer as the caseworker reads it: choices by their label, dates in words, Oui/Non. */
export function answerDisplay(model: FieldModel | undefined, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (!model) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  return answerText(model, value, { formatDate, locale: lang });
}
