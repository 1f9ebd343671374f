import { useEffect, useMemo, useRef } from 'react';
import { ErrorSummary } from '../form/ErrorSummary';
import type { Me } from '../lib/api';
import { tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { Failure, TAB_LABELS } from './common';
import { answerFields, type AnswerField } from './fields';
import { filterParams, filterPointer, hrefOf, stateOf, summaryItem } from './inbox-state';
import { BatchForm } from './BatchForm';
import { ColumnChooser } from './ColumnChooser';
import { ExportLinks } from './ExportLinks';
import { Filters } from './InboxFilters';
import { InboxPages, InboxTabs } from './InboxNav';
import { InboxTable } from './InboxTable';
import { useInbox } from './use-inbox';

/** The inbox of one service: tabs, filters, chosen columns, selection and batch actions, pages, exports. */
export function InboxView({ slug, query, me }: { slug: string; query: URLSearchParams; me: Me }) {
  const queryText = query.toString();
  const state = useMemo(() => stateOf(new URLSearchParams(queryText)), [queryText]);
  const { service, columns, setColumns, failure, page, pageErrors, status, selected, setSelected, reload } = useInbox(
    slug,
    state,
  );

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

      <InboxTabs slug={slug} state={state} counts={counts} />

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
              onDone={reload}
            />
            {page.items.length > 0 && (
              <InboxTable
                slug={slug}
                me={me}
                state={state}
                fields={fields}
                shown={shown}
                items={page.items}
                selected={selected}
                onSelect={setSelected}
                onSort={(id, sort) => {
                  sortedBy.current = id;
                  navigate(hrefOf(slug, { ...state, sort, cursor: '' }));
                }}
              />
            )}
            <InboxPages slug={slug} state={state} nextCursor={page.nextCursor} />
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
        {page && page.items.length === 0 && !state.cursor && (
          // The files are still valid (an empty month is a result too): said so, so that an empty file is no surprise.
          <p className="hint" id="exporter-vide">
            {tr(
              'Aucune demande ne correspond : les fichiers ne contiendront que la ligne des titres (rien en JSON Lines).',
              'No request matches: the files will hold the title row alone (nothing in JSON Lines).',
            )}
          </p>
        )}
        <ExportLinks
          base={`${exportBase}${columns.length ? `&columns=${encodeURIComponent(columns.join(','))}` : ''}`}
        />
      </section>
    </div>
  );
}
