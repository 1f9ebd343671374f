/**
 * The field model lives in `@guichet/shared` (one model for the form, the
 * review page, the studio, the desk, the exports and the receipt). This file
 * only keeps the web's imports short.
 */
export {
  alternativeTitle,
  ownAlternativeTitle,
  alternativesOf,
  branchUi,
  drawnType,
  fieldModel,
  globalOptionsOf,
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
