/**
 * JSON Schema 2020-12's validation vocabulary: the keywords whose value is
 * data (a number, a list of names, a type), not a subschema. The policy, the
 * draft schema and the error budget each start from this one list.
 */
export const VALIDATION_KEYWORDS = [
  'type',
  'enum',
  'const',
  'required',
  'dependentRequired',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minContains',
  'maxContains',
  'minProperties',
  'maxProperties',
  // ajv-formats' vocabulary, which RJSF's validator turns on: bounds on a `date` or `date-time` answer.
  'formatMinimum',
  'formatMaximum',
  'formatExclusiveMinimum',
  'formatExclusiveMaximum',
] as const;
