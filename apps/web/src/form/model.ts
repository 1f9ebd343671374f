/**
 * The field model lives in `@guichet/shared` (one model for the form, the
 * review page, the studio, the desk, the exports and the receipt). This file
 * only keeps the web's imports short.
 */
export {
  alternativeTitle,
  alternativesOf,
  fieldModel,
  hasAlternatives,
  idOf,
  isRequired,
  itemsSchema,
  labelOf,
  optionsOf,
  orderedKeys,
  propertySchema,
  resolve,
  tupleLength,
  typeOf,
  uiChild,
  type FieldModel,
  type Kind,
  type Option,
  type Schema,
  type Ui,
} from '@guichet/shared';
import { answerText as format, type FieldModel } from '@guichet/shared';

/** @deprecated the review page and the desk move to `answerRows`; kept while they do. */
export function answerText(model: FieldModel, value: unknown, yes: string, no: string): string {
  return format(model, value, { locale: yes === 'Yes' || no === 'No' ? 'en' : 'fr' });
}
