export { ALLOWED_FORMATS, createAjv } from './ajv';
export { canonicalJson, checkDefinition, definitionHash, type DefinitionCheck } from './check-definition';
export { DEFINITION_SCHEMA } from './definition-schema';
export { toErrorItems } from './messages';
export { POLICY_LIMITS, checkSchemaPolicy } from './policy';
export {
  FormValidator,
  ValidatorCache,
  type ValidateOptions,
  type ValidationMode,
  type ValidationOutcome,
} from './validator';
