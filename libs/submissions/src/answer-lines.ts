import { createHash } from 'node:crypto';
import {
  answerRows,
  createSchemaSemantics,
  LruCache,
  needsSemantics,
  type SchemaSemantics,
  type ServiceDefinition,
} from '@guichet/shared';

/** One line of the answers as the citizen filled them, in the form's order and words. */
export interface AnswerLine {
  label: string;
  value: string;
  /** -1 for a step's title, 0 for its fields, +1 per group or repeated item. */
  depth: number;
}

export type AnswerDefinition = Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>;

/**
 * RJSF's semantics per published version: building them compiles nothing but
 * reads the whole schema, and a version's receipts are drawn again and again.
 * Keyed by the schema's content (a version never changes, and a render thread
 * gets a copy of the definition, not the same object).
 */
const SEMANTICS_CACHED = 32;
const semanticsByContent = new LruCache<string, SchemaSemantics>(SEMANTICS_CACHED);

function semanticsFor(schema: AnswerDefinition['schema']): SchemaSemantics | undefined {
  if (!needsSemantics(schema)) return undefined;
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
  let semantics = semanticsByContent.get(key);
  if (!semantics) {
    semantics = createSchemaSemantics(schema as Record<string, unknown>);
    semanticsByContent.set(key, semantics);
  }
  return semantics;
}

/**
 * The answers, page by page, field by field, with the titles the citizen saw:
 * choices by their labels, Oui/Non, dates in French, groups in the authored
 * order, conditional fields as the answers decided them. The same walk as the
 * review page and the desk (`answerRows` in @guichet/shared).
 */
export function answerLines(definition: AnswerDefinition, data: unknown): AnswerLine[] {
  return answerRows(definition, data, { semantics: semanticsFor(definition.schema) }).map((row) => ({
    label: row.title,
    value: row.text,
    depth: row.kind === 'page' ? -1 : row.depth,
  }));
}
