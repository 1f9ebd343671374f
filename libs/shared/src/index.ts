export * from './errors';
export * from './json-pointer';
export * from './json-depth';
export * from './definition';
export * from './rules';
export * from './schema-fields';
export * from './visibility';
export * from './formats';
