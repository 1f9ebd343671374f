// The lazy chunk's entry: @rjsf/utils and the interpreting validator come with it.
export { createSchemaSemantics } from '@guichet/shared';
