/**
 * The studio's model of a service definition, one import for the editor:
 * paths and navigation (definitionPaths.ts), groups shared by `$ref`
 * (sharedGroups.ts), the palette of field kinds
 * (fieldKinds.ts), edits of fields, pages and prefill (fieldEdits.ts),
 * visibility conditions (conditionRules.ts) and the server's problems placed
 * on the definition (problems.ts).
 */
export {
  childKeys,
  clone,
  containerOf,
  declarationAt,
  declarationsOf,
  existsAt,
  inTuple,
  isRequiredAt,
  isTuple,
  keyFromLabel,
  labelAt,
  nodeAt,
  pageFieldKeys,
  pointerOf,
  shapeAt,
  slugFromLabel,
  uiAt,
  type BranchStep,
  type Declaration,
  type Node,
  type Path,
} from './definitionPaths';
export { placesOfField, sharedGroupOf, type SharedGroup } from './sharedGroups';
export { fieldTypeAt, holdsFields, PALETTE, typeName, typeOf, type FieldType, type PaletteEntry } from './fieldKinds';
export {
  addField,
  addPage,
  CLAIM_LABELS,
  moveField,
  moveFieldBefore,
  movePage,
  optionsAt,
  optionsEditable,
  prefillOf,
  hasUiLabel,
  keptWhenRemoved,
  labelOf,
  removeField,
  renameField,
  removePage,
  setKeyword,
  setOptions,
  setPrefill,
  setRequired,
  setUiText,
  uiTextOf,
  updateField,
  updatePage,
  type ChoiceOption,
} from './fieldEdits';
export {
  conditionOf,
  describeCondition,
  itemCondition,
  questionsFor,
  setCondition,
  type ItemChoice,
  type Question,
} from './conditionRules';
export { inWords, placeOf, problemControl, studioProblem, type ProblemPlace } from './problems';
