import { useEffect, useMemo, useRef, useState } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { ErrorSummary } from '../form/ErrorSummary';
import { ApiError, api, type Me } from '../lib/api';
import { formatDate, formatNumber, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { Failure, TAB_LABELS, assigneeText, errorText } from './common';
import { answerDisplay, answerFields, type AnswerField } from './fields';
import { TABS, type DeskServiceView, type InboxPage } from './types';
import { filterParams, filterPointer, hrefOf, sortLabel, stateOf, summaryItem, type Sort } from './inbox-state';
import { BatchForm } from './BatchForm';
import { ColumnChooser } from './ColumnChooser';
import { ExportLinks } from './ExportLinks';
import { Filters } from './InboxFilters';

/** The inbox of one service: tabs, filters, chosen columns, selection and batch actions, pages, exports. */
export function InboxView({ slug, query, me }: { slug: string; query: URLSearchParams; me: Me }) {
  const queryText = query.toString();
  const state = useMemo(() => stateOf(new URLSearchParams(queryText)), [queryText]);
  const [service, setService] = useState<DeskServiceView | null>(null);
  const [columns, setColumns] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [page, setPage] = useState<InboxPage | null>(null);
  const [pageErrors, setPageErrors] = useState<ErrorItem[]>([]);
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reload, setReload] = useState(0);

  useEffect(() => {
    setService(null);
    setColumns(null);
    Promise.all([
      api<DeskServiceView>(`/api/v1/desk/services/${encodeURIComponent(slug)}`),
      api<{ columns: string[] }>(`/api/v1/me/preferences/columns/${encodeURIComponent(slug)}`),
    ]).then(
      ([s, prefs]) => {
        setService(s);
        setColumns(prefs.columns);
      },
      (e: unknown) => setFailure(errorText(e)),
    );
  }, [slug]);

  useEffect(() => {
    if (columns === null) return;
    const params = filterParams(state);
    if (state.cursor) params.set('cursor', state.cursor);
    if (state.limit) params.set('limit', state.limit);
    // A field since removed from the form is not asked for (the server would refuse the whole page).
    const known = service ? new Set(answerFields(service.definition).map((f) => f.pointer)) : new Set<string>();
    const asked = columns.filter((p) => known.has(p));
    if (asked.length) params.set('columns', asked.join(','));
    const controller = new AbortController();
    setPageErrors([]);
    api<InboxPage>(`/api/v1/services/${encodeURIComponent(slug)}/inbox?${params.toString()}`, {
      signal: controller.signal,
    }).then(
      (p) => {
        setPage(p);
        setSelected(new Set());
        setStatus(
          p.items.length === 0
            ? tr('Aucune demande ne correspond.', 'No request matches.')
            : p.items.length === 1
              ? tr('1 demande affichée.', '1 request shown.')
              : tr(`${p.items.length} demandes affichées.`, `${p.items.length} requests shown.`),
        );
      },
      (e: unknown) => {
        if ((e as Error).name === 'AbortError') return;
        setPage(null);
        if (e instanceof ApiError && e.body.errors?.length) setPageErrors(e.body.errors);
        else setFailure(errorText(e));
      },
    );
    return () => controller.abort();
  }, [slug, state, service, columns, reload]);

  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (pageErrors.length) summaryRef.current?.focus();
  }, [pageErrors]);
  // A column sorted by its header's button: once the page in the new order is shown, focus goes back to that button.
  const sortedBy = useRef<string | null>(null);
  useEffect(() => {
    if (!page || !sortedBy.current) return;
    document.getElementById(sortedBy.current)?.focus();
    sortedBy.current = null;
  }, [page]);
  const fields = useMemo(() => (service ? answerFields(service.definition) : []), [service]);
  usePageTitle(
    service
      ? `${pageErrors.length ? tr('Erreur : ', 'Error: ') : ''}${TAB_LABELS[state.tab]()} — ${service.title}`
      : tr('Instruction', 'Casework'),
  );

  if (failure) return <Failure title={tr('Démarche introuvable', 'Service not found')} message={failure} />;
  if (!service || columns === null) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;

  const counts = page?.counts ?? service.counts;
  const shown = columns.map((p) => fields.find((f) => f.pointer === p)).filter((f): f is AnswerField => !!f);
  const exportBase = `/api/v1/services/${encodeURIComponent(slug)}/export?${filterParams(state).toString()}`;

  return (
    <div className="desk-inbox">
      <p className="eyebrow">
        <a href="/instruction" onClick={onLinkClick}>
          {tr('Instruction', 'Casework')}
        </a>{' '}
        › {service.organisation.name}
      </p>
      <h1 tabIndex={-1}>{service.title}</h1>

      <nav className="desk-tabs" aria-label={tr('Onglets des demandes', 'Request tabs')}>
        <ul>
          {TABS.map((tab) => (
            <li key={tab}>
              <a
                href={hrefOf(slug, { ...state, tab, sort: undefined, cursor: '' })}
                onClick={onLinkClick}
                aria-current={tab === state.tab ? 'page' : undefined}
              >
                {TAB_LABELS[tab]()} <span className="desk-tab-count">{formatNumber(counts[tab])}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <ErrorSummary ref={summaryRef} items={pageErrors.map((e) => summaryItem(e, state, fields))} />
      <Filters
        key={queryText}
        slug={slug}
        service={service}
        fields={fields}
        state={state}
        errors={pageErrors.map((e) => ({ ...e, pointer: filterPointer(e.pointer, state) }))}
      />
      <ColumnChooser slug={slug} fields={fields} columns={columns} onSaved={setColumns} />

      <section aria-labelledby="demandes-titre">
        <h2 id="demandes-titre">{tr('Demandes', 'Requests')}</h2>
        <p role="status" className="desk-status">
          {status}
        </p>
        {page && (
          <>
            <BatchForm
              key={queryText}
              slug={slug}
              service={service}
              me={me}
              selected={page.items.filter((i) => selected.has(i.id))}
              onDone={() => setReload((n) => n + 1)}
            />
            {page.items.length > 0 && (
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
                          checked={page.items.every((i) => selected.has(i.id))}
                          onChange={(e) =>
                            setSelected(e.target.checked ? new Set(page.items.map((i) => i.id)) : new Set())
                          }
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
                          onSort={(sort) => {
                            sortedBy.current = `tri-${key}`;
                            navigate(hrefOf(slug, { ...state, sort, cursor: '' }));
                          }}
                        />
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((item) => {
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
                                setSelected(next);
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
            )}
            {(page.nextCursor || state.cursor) && (
              <nav className="desk-pages" aria-label={tr('Pages de demandes', 'Pages of requests')}>
                <ul>
                  {state.cursor && (
                    <li>
                      <a href={hrefOf(slug, { ...state, cursor: '' })} onClick={onLinkClick}>
                        {tr('Revenir à la première page', 'Back to the first page')}
                      </a>
                    </li>
                  )}
                  {page.nextCursor && (
                    <li>
                      <a href={hrefOf(slug, { ...state, cursor: page.nextCursor })} onClick={onLinkClick}>
                        {tr('Page suivante', 'Next page')}
                      </a>
                    </li>
                  )}
                </ul>
              </nav>
            )}
          </>
        )}
      </section>

      <section aria-labelledby="exporter-titre">
        <h2 id="exporter-titre">{tr('Exporter', 'Export')}</h2>
        <p>
          {tr(
            'Toutes les demandes de l’onglet et des filtres actuels, pas seulement cette page.',
            'Every request of the current tab and filters, not only this page.',
          )}
        </p>
        <ExportLinks
          base={`${exportBase}${columns.length ? `&columns=${encodeURIComponent(columns.join(','))}` : ''}`}
        />
      </section>
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
