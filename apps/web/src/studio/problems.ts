/** Problems of the server's 422, placed on the definition and said in the designer's words. */
import { decodePointerSegment, labelOf, type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { pageFieldKeys, type Path } from './definitionPaths';

/** Where a problem of the 422 points: a field (its path), a page, or another part of the definition. */
export type ProblemPlace =
  | { kind: 'field'; path: Path; pageId: string | null }
  | { kind: 'page'; pageId: string }
  | { kind: 'workflow' }
  | { kind: 'settings' }
  | { kind: 'other' };

export function placeOf(def: ServiceDefinition, pointer: string | undefined): ProblemPlace {
  const parts = (pointer ?? '').split('/').slice(1).map(decodePointerSegment);
  // A root field on no page (a branch or condition brings it) is on the page the studio lists it on.
  const pageOfKey = (key: string) =>
    (def.pages.find((p) => p.fields.includes(key)) ?? def.pages.find((p) => pageFieldKeys(def, p.id).includes(key)))
      ?.id ?? null;
  const fieldFromPointer = (p: string): ProblemPlace => {
    const path = p
      .split('/')
      .slice(1)
      .filter((s) => s !== '*' && !/^\d+$/.test(s));
    return path.length ? { kind: 'field', path, pageId: pageOfKey(path[0]!) } : { kind: 'other' };
  };
  if (parts[0] === 'schema') {
    const path: Path = [];
    for (let i = 1; i < parts.length - 1; i++) if (parts[i] === 'properties') path.push(parts[++i]!);
    return path.length ? { kind: 'field', path, pageId: pageOfKey(path[0]!) } : { kind: 'other' };
  }
  if (parts[0] === 'uiSchema' && parts[1]) return { kind: 'field', path: [parts[1]], pageId: pageOfKey(parts[1]) };
  if (parts[0] === 'pages' && parts[1] !== undefined) {
    const page = def.pages[Number(parts[1])];
    if (page && parts[2] === 'fields' && parts[3] !== undefined && page.fields[Number(parts[3])])
      return { kind: 'field', path: [page.fields[Number(parts[3])]!], pageId: page.id };
    return page ? { kind: 'page', pageId: page.id } : { kind: 'other' };
  }
  if (parts[0] === 'rules' && parts[1] === 'visibility' && parts[2] !== undefined) {
    const rule = def.rules?.visibility?.[Number(parts[2])];
    if (rule?.target.startsWith('page:')) return { kind: 'page', pageId: rule.target.slice(5) };
    if (rule) return fieldFromPointer(rule.target);
  }
  if (parts[0] === 'settings' && parts[1] === 'prefill' && parts[2] !== undefined) {
    const mapping = def.settings.prefill?.[Number(parts[2])];
    if (mapping) return fieldFromPointer(mapping.pointer);
  }
  if (parts[0] === 'workflow') return { kind: 'workflow' };
  if (parts[0] === 'settings') return { kind: 'settings' };
  return { kind: 'other' };
}

/**
 * Which control of the field's properties a problem is about, from its
 * pointer: its proposed answers (`…/oneOf`, `…/enum`, `…/items/enum`, one of
 * them) or its label (`…/title`, `…/ui:title`). The link of the problem goes
 * there and that control is marked invalid.
 */
export function problemControl(pointer: string | undefined): 'options' | 'label' | null {
  const parts = (pointer ?? '').split('/');
  const last = parts.lastIndexOf('properties');
  const tail = last >= 0 && parts[0] === '' && parts[1] === 'schema' ? parts.slice(last + 2) : parts.slice(2);
  const head = tail[0] === 'items' ? tail[1] : tail[0];
  if (head === 'oneOf' || head === 'anyOf' || head === 'enum') return 'options';
  if (tail.length === 1 && (tail[0] === 'title' || tail[0] === 'ui:title')) return 'label';
  return null;
}

/**
 * A problem in the designer's words: the server's message, except where the
 * schema's own wording would puzzle her (an emptied list of answers reads
 * « « oneOf » attend une liste de schémas. »).
 */
export function studioProblem(problem: ErrorItem): ErrorItem {
  if (problemControl(problem.pointer) === 'options' && problem.code !== 'missing_label')
    return {
      ...problem,
      message: tr(
        'Proposez au moins une réponse : une par ligne dans « Réponses proposées ».',
        'Offer at least one answer: one per line in “Answers offered”.',
      ),
    };
  return problem;
}

/**
 * A message with the fields it names by pointer (« /children/*\/days ») named
 * by their labels instead (« Enfants — Jours »): the designer knows her
 * fields by what they ask, not by their place in the JSON.
 */
export function inWords(def: ServiceDefinition, problem: ErrorItem): ErrorItem {
  const message = problem.message.replace(/« (\/[^»\s]*) »/g, (all, pointer: string) => {
    const label = labelOf(
      def.schema as Record<string, unknown>,
      (def.uiSchema ?? {}) as Record<string, unknown>,
      pointer,
    );
    return label && label !== pointer ? `« ${label} »` : all;
  });
  return message === problem.message ? problem : { ...problem, message };
}
