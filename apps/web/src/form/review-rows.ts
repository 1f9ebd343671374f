import { answerRows, rowLabel, type SchemaSemantics, type ServiceDefinition } from '@guichet/shared';
import { formatDate, lang } from '../lib/i18n';

export interface ReviewRow {
  pointer: string;
  label: string;
  text: string;
  /** A file field: the desk shows its files instead of their names. */
  file: boolean;
}

export interface ReviewOptions {
  /** RJSF's semantics, when the page already has them: conditions and branches decided as the citizen saw them. */
  semantics?: SchemaSemantics;
  /** A file's name from its attachment id (the citizen's browser remembers those it sent). */
  fileName?: (attachmentId: string) => string | undefined;
}

/**
 * Every visible answer, by page: the shared `answerRows` walk (authored
 * order, choice labels, conditions), each answer labelled with the repeated
 * item it belongs to (`Enfant 2 — Prénom`), unanswered fields included.
 */
export function reviewRows(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema' | 'pages'>,
  data: Record<string, unknown>,
  hidden: ReadonlySet<string>,
  options: ReviewOptions = {},
): Map<string, ReviewRow[]> {
  const byPage = new Map<string, ReviewRow[]>();
  const rows = answerRows(definition, data, {
    includeEmpty: true,
    hidden,
    semantics: options.semantics,
    fileName: options.fileName,
    formatDate,
    locale: lang,
  });
  for (const row of rows) {
    // A group says nothing by itself, except the branch the citizen chose (« Par téléphone »).
    if (row.kind === 'page' || (row.kind === 'group' && !row.text)) continue;
    const list = byPage.get(row.pageId) ?? [];
    const file = row.kind === 'field' && (row.model?.kind === 'file' || row.model?.kind === 'files');
    list.push({ pointer: row.pointer, label: rowLabel(row), text: row.text, file });
    byPage.set(row.pageId, list);
  }
  return byPage;
}
