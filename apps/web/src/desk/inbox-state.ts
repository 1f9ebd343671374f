/**
 * The inbox's state: what its address holds (tab, order, filters, page), how
 * it becomes the API's query and the page's address again, and how the
 * server's filter errors are named.
 */
import type { ErrorItem } from '@guichet/shared';
import { tr } from '../lib/i18n';
import type { AnswerField } from './fields';
import { TABS, type Tab } from '@guichet/shared';

/** The orders the « Trier par » list offers; columns also sort by reference, citizen and answers (`/p`, `-/p`). */
export type Sort = string;
export const SORTS: Sort[] = ['oldest', 'submitted', 'deadline'];

export const SORT_LABELS: Record<string, () => string> = {
  oldest: () => tr('Date de dépôt, les plus anciennes d’abord', 'Date sent, oldest first'),
  submitted: () => tr('Date de dépôt, les plus récentes d’abord', 'Date sent, newest first'),
  deadline: () => tr('Échéance, la plus proche d’abord', 'Deadline, soonest first'),
  reference: () => tr('Référence, ordre croissant', 'Reference, ascending'),
  '-reference': () => tr('Référence, ordre décroissant', 'Reference, descending'),
  contact: () => tr('Usager, de A à Z', 'Citizen, A to Z'),
  '-contact': () => tr('Usager, de Z à A', 'Citizen, Z to A'),
};

/** What a sort orders by, in words: a fixed order, or an answer's column (« Montant demandé, décroissant »). */
export function sortLabel(sort: Sort, fields: AnswerField[]): string {
  const fixed = SORT_LABELS[sort];
  if (fixed) return fixed();
  const desc = sort.startsWith('-');
  const field = fields.find((f) => f.pointer === (desc ? sort.slice(1) : sort));
  const name = field?.label ?? tr('Réponse', 'Answer');
  return desc
    ? tr(`${name}, ordre décroissant`, `${name}, descending`)
    : tr(`${name}, ordre croissant`, `${name}, ascending`);
}

/** A sort the address may carry: a fixed one, or an answer's pointer (the server checks it is a field). */
function isSort(value: string): boolean {
  return value in SORT_LABELS || /^-?\/./.test(value);
}

/** The page's own parameters (kept in its address, so that Back and links work). */
export interface InboxState {
  tab: Tab;
  sort: Sort;
  status: string;
  assignee: string;
  q: string;
  from: string;
  to: string;
  /** An answer filter: the field's pointer and the value it must equal, or bounds (numbers and dates). */
  champ: string;
  valeur: string;
  min: string;
  max: string;
  /** Requests per page ('' for the API's 25). */
  limit: string;
  cursor: string;
}

export const PAGE_SIZES = ['10', '25', '50', '100'];

export function stateOf(query: URLSearchParams): InboxState {
  const tab = (TABS as readonly string[]).includes(query.get('tab') ?? '') ? (query.get('tab') as Tab) : 'a_traiter';
  const sort = isSort(query.get('sort') ?? '') ? query.get('sort')! : defaultSort(tab);
  const get = (name: string) => query.get(name) ?? '';
  return {
    tab,
    sort,
    status: get('status'),
    assignee: get('assignee'),
    q: get('q'),
    from: get('from'),
    to: get('to'),
    champ: get('champ'),
    valeur: get('valeur'),
    min: get('min'),
    max: get('max'),
    limit: PAGE_SIZES.includes(get('par_page')) && get('par_page') !== '25' ? get('par_page') : '',
    cursor: get('cursor'),
  };
}

/** À traiter: oldest first, so that nobody waits forever; elsewhere the newest first. */
function defaultSort(tab: Tab): Sort {
  return tab === 'a_traiter' ? 'oldest' : 'submitted';
}

/** The page's address for a state (defaults left out, so addresses stay short). */
export function hrefOf(slug: string, state: Partial<InboxState> & { tab: Tab }): string {
  const p = new URLSearchParams();
  p.set('tab', state.tab);
  if (state.sort && state.sort !== defaultSort(state.tab)) p.set('sort', state.sort);
  for (const key of ['status', 'assignee', 'q', 'from', 'to', 'champ', 'valeur', 'min', 'max'] as const) {
    const value = state[key];
    if (value) p.set(key, value);
  }
  if (state.limit) p.set('par_page', state.limit);
  if (state.cursor) p.set('cursor', state.cursor);
  return `/instruction/${encodeURIComponent(slug)}?${p.toString()}`;
}

/** The API's filter for a state: what the inbox and the exports take. */
export function filterParams(state: InboxState): URLSearchParams {
  const p = new URLSearchParams();
  p.set('tab', state.tab);
  p.set('sort', state.sort);
  if (state.status) p.set('status', state.status);
  if (state.assignee) p.set('assignee', state.assignee);
  if (state.q.trim()) p.set('q', state.q.trim());
  if (state.from) p.set('from', state.from);
  if (state.to) p.set('to', state.to);
  if (state.champ) {
    if (state.valeur !== '') p.append('field', `${state.champ}=${state.valeur}`);
    if (state.min !== '') p.append('field', `${state.champ}>=${state.min}`);
    if (state.max !== '') p.append('field', `${state.champ}<=${state.max}`);
  }
  return p;
}

const FILTER_LABELS: Record<string, () => string> = {
  '/status': () => tr('État', 'Status'),
  '/assignee': () => tr('Attribution', 'Assignment'),
  '/q': () => tr('Rechercher', 'Search'),
  '/from': () => tr('Déposées à partir du', 'Sent from'),
  '/to': () => tr('Déposées jusqu’au', 'Sent until'),
  '/field': () => tr('Valeur de la réponse', 'Answer value'),
  '/sort': () => tr('Trier par', 'Sort by'),
  '/cursor': () => tr('Page', 'Page'),
  '/columns': () => tr('Colonnes', 'Columns'),
};

/** A field that takes bounds: numbers, and dates (days or date-times). */
export function rangeKind(field: AnswerField | undefined): 'number' | 'date' | null {
  if (!field) return null;
  if (field.model.kind === 'number' || field.model.kind === 'integer') return 'number';
  if (field.model.inputType === 'date' || field.model.inputType === 'datetime-local') return 'date';
  return null;
}

/** The server's `/field` error, said at the input that holds the value it refused. */
export function filterPointer(pointer: string | undefined, state: InboxState): string | undefined {
  if (pointer !== '/field') return pointer;
  return state.valeur === '' && state.min !== ''
    ? '/field-min'
    : state.valeur === '' && state.max !== ''
      ? '/field-max'
      : pointer;
}

/**
 * An item of the error summary (form/ErrorSummary): named by the filter's
 * label, or by the field's own name for an answer filter.
 */
export function summaryItem(error: ErrorItem, state: InboxState, fields: AnswerField[]): ErrorItem & { label: string } {
  const pointer = filterPointer(error.pointer, state);
  const field = fields.find((f) => f.pointer === state.champ);
  const label =
    pointer?.startsWith('/field') && field
      ? field.label
      : (FILTER_LABELS[error.pointer ?? '']?.() ?? tr('Filtre', 'Filter'));
  return { ...error, pointer, label };
}

/** A number as typed in French or English (`5 000`, `5000,50`), or null. */
export function readNumber(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const normal = compact.includes('.') ? compact : compact.replace(',', '.');
  return /^[-+]?\d+(\.\d+)?$/.test(normal) ? Number(normal) : null;
}
