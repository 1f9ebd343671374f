import { formatDate, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import type { Me } from '../lib/api';
import { TAB_LABELS, assigneeText } from './common';
import { answerDisplay, type AnswerField } from './fields';
import { sortLabel, type InboxState, type Sort } from './inbox-state';
import type { InboxPage } from '@guichet/shared';

/**
 * The page's requests: a checkbox each for the batch actions, the fixed
 * columns and the chosen answers, headers that sort.
 */
export function InboxTable({
  slug,
  me,
  state,
  fields,
  shown,
  items,
  selected,
  onSelect,
  onSort,
}: {
  slug: string;
  me: Me;
  state: InboxState;
  fields: AnswerField[];
  /** The answers chosen as columns, in the form's order. */
  shown: AnswerField[];
  items: InboxPage['items'];
  selected: Set<string>;
  onSelect: (selected: Set<string>) => void;
  /** A header's button asked for this order; `id` is that button's, to put the focus back on it. */
  onSort: (id: string, sort: Sort) => void;
}) {
  return (
    <div className="desk-table-wrap" role="region" aria-labelledby="demandes-legende" tabIndex={0}>
      <table className="desk-table">
        <caption id="demandes-legende">
          {TAB_LABELS[state.tab]()} — {sortLabel(state.sort, fields)}
          {state.cursor ? tr(' (suite)', ' (continued)') : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                id="tout-selectionner"
                checked={items.every((i) => selected.has(i.id))}
                onChange={(e) => onSelect(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
              />
              <label htmlFor="tout-selectionner" className="sr-only">
                {tr('Tout sélectionner sur cette page', 'Select all on this page')}
              </label>
            </th>
            {(
              [
                ['reference', tr('Référence', 'Reference'), 'reference', '-reference'],
                ['depot', tr('Déposée le', 'Sent on'), 'oldest', 'submitted'],
                ['etat', tr('État', 'Status')],
                ['echeance', tr('Échéance', 'Deadline')],
                ['usager', tr('Usager', 'Citizen'), 'contact', '-contact'],
                ['attribution', tr('Attribuée à', 'Assigned to')],
                ...shown.map((f, i) => [`reponse-${i}`, f.label, f.pointer, `-${f.pointer}`]),
              ] as Array<[string, string, string?, string?]>
            ).map(([key, label, ascending, descending]) => (
              <SortableHeader
                key={key}
                id={`tri-${key}`}
                label={label}
                sort={state.sort}
                ascending={ascending}
                descending={descending}
                onSort={(sort) => onSort(`tri-${key}`, sort)}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const reference = item.reference ?? item.id.slice(0, 8);
            return (
              <tr key={item.id} className={selected.has(item.id) ? 'desk-row--selected' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    id={`selection-${item.id}`}
                    checked={selected.has(item.id)}
                    onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(item.id);
                      else next.delete(item.id);
                      onSelect(next);
                    }}
                  />
                  <label htmlFor={`selection-${item.id}`} className="sr-only">
                    {tr('Sélectionner', 'Select')} {reference}
                  </label>
                </td>
                <th scope="row">
                  <a href={`/instruction/${slug}/${item.id}`} onClick={onLinkClick}>
                    {reference}
                  </a>
                </th>
                <td>{formatDate(item.submittedAt)}</td>
                <td>
                  {item.statusLabel}
                  {item.awaitingReplySince && (
                    <span className="desk-awaiting-badge">
                      {' '}
                      {tr('En attente de réponse depuis le ', 'Waiting for a reply since ')}
                      {formatDate(item.awaitingReplySince)}
                    </span>
                  )}
                </td>
                <td>{item.deadlineAt ? formatDate(item.deadlineAt) : '—'}</td>
                <td>{item.contactName ?? <span className="muted">{tr('Non connu', 'Unknown')}</span>}</td>
                <td>{assigneeText(item.assignee, me.id, item.assigneeName)}</td>
                {shown.map((f) => (
                  <td key={f.pointer}>{answerDisplay(f.model, item.answers[f.pointer]) || '—'}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A column header that sorts (APG's sortable table): a button whose name is
 * the column's, `aria-sort` on the header for the current order; a second
 * press reverses it. Columns without an order are plain headers.
 */
function SortableHeader({
  id,
  label,
  sort,
  ascending,
  descending,
  onSort,
}: {
  id: string;
  label: string;
  sort: Sort;
  ascending?: string;
  descending?: string;
  onSort: (sort: Sort) => void;
}) {
  if (!ascending || !descending) return <th scope="col">{label}</th>;
  const current = sort === ascending ? 'ascending' : sort === descending ? 'descending' : undefined;
  const next = current === 'ascending' ? descending : ascending;
  return (
    <th scope="col" aria-sort={current}>
      <button type="button" id={id} className="desk-sort" onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true" className="desk-sort-arrow">
          {current === 'ascending' ? ' ▲' : current === 'descending' ? ' ▼' : ' ↕'}
        </span>
        <span className="sr-only">
          {current === 'ascending'
            ? tr(' (trié par ordre croissant ; trier par ordre décroissant)', ' (sorted ascending; sort descending)')
            : tr(' (trier par ordre croissant)', ' (sort ascending)')}
        </span>
      </button>
    </th>
  );
}
