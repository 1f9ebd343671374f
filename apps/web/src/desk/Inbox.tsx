import { useEffect, useMemo, useRef, useState } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { ErrorSummary } from '../form/ErrorSummary';
import { ErrorMessage } from '../form/field-parts';
import { idOf } from '../form/model';
import { ApiError, api, type Me } from '../lib/api';
import { formatDate, formatNumber, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { Failure, TAB_LABELS, assigneeText, errorText } from './common';
import { answerDisplay, answerFields, type AnswerField } from './fields';
import { TABS, type DeskServiceView, type InboxPage } from './types';
import {
  PAGE_SIZES,
  SORTS,
  SORT_LABELS,
  filterParams,
  filterPointer,
  hrefOf,
  rangeKind,
  readNumber,
  sortLabel,
  stateOf,
  summaryItem,
  type InboxState,
  type Sort,
} from './inbox-state';
import { BatchForm } from './BatchForm';
import { ColumnChooser } from './ColumnChooser';
import { ExportLinks } from './ExportLinks';
import { described, fieldClass } from './field-wiring';

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

function Filters({
  slug,
  service,
  fields,
  state,
  errors,
}: {
  slug: string;
  service: DeskServiceView;
  fields: AnswerField[];
  state: InboxState;
  errors: ErrorItem[];
}) {
  const [draft, setDraft] = useState(state);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const toRef = useRef<HTMLInputElement>(null);
  const errorOf = (pointer: string) =>
    localErrors[pointer] ?? errors.find((e) => e.pointer === pointer)?.message ?? undefined;
  const set = (key: keyof InboxState) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft({ ...draft, [key]: e.target.value });
  const chosen = fields.find((f) => f.pointer === draft.champ);
  const id = (pointer: string) => idOf(pointer);

  const range = rangeKind(chosen);

  /** Bounds checked here first, in words that name the field (the server checks them again). */
  const boundErrors = (): Record<string, string> => {
    if (!range || !chosen) return {};
    const found: Record<string, string> = {};
    const name = `« ${chosen.label} »`;
    if (range === 'number') {
      for (const [key, pointer] of [
        ['min', '/field-min'],
        ['max', '/field-max'],
      ] as const) {
        if (draft[key] !== '' && readNumber(draft[key]) === null)
          found[pointer] = tr(
            `${name} : nombre attendu, par exemple 5000 ou 5000,50.`,
            `${name}: a number is expected, such as 5000 or 5000.50.`,
          );
      }
    }
    const min = range === 'number' ? readNumber(draft.min) : draft.min;
    const max = range === 'number' ? readNumber(draft.max) : draft.max;
    if (!found['/field-min'] && !found['/field-max'] && draft.min !== '' && draft.max !== '' && min! > max!)
      found['/field-max'] = tr(
        `${name} : la borne « au plus » doit être supérieure ou égale à « au moins ».`,
        `${name}: the upper bound must be at least the lower one.`,
      );
    return found;
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = boundErrors();
    if (draft.from && draft.to && draft.from > draft.to)
      found['/to'] = tr('La date de fin doit suivre la date de début.', 'The end date must follow the start date.');
    if (Object.keys(found).length) {
      setLocalErrors(found);
      const first = ['/to', '/field-min', '/field-max'].find((p) => found[p]);
      if (first === '/to') toRef.current?.focus();
      else if (first) document.getElementById(id(first))?.focus();
      return;
    }
    // Bounds go to the address as typed; only a value of the chosen kind is kept (a range replaces equality).
    navigate(
      hrefOf(slug, {
        ...draft,
        valeur: range ? '' : draft.valeur,
        min: range ? draft.min.trim() : '',
        max: range ? draft.max.trim() : '',
        cursor: '',
      }),
    );
  };

  return (
    <section aria-labelledby="filtres-titre" className="desk-filters-section">
      <h2 id="filtres-titre">{tr('Filtrer', 'Filter')}</h2>
      <form noValidate onSubmit={submit} className="desk-filters">
        <div className={fieldClass(errorOf('/q'))}>
          <label htmlFor={id('/q')}>{tr('Rechercher', 'Search')}</label>
          <p className="hint" id={`${id('/q')}-aide`}>
            {tr(
              'Référence, nom ou courriel de l’usager, réponses courtes.',
              'Reference, citizen’s name or email, short answers.',
            )}
          </p>
          <ErrorMessage id={id('/q')} message={errorOf('/q')} />
          <input
            type="search"
            id={id('/q')}
            value={draft.q}
            maxLength={200}
            onChange={set('q')}
            {...described(id('/q'), errorOf('/q'), true)}
          />
        </div>
        <div className={fieldClass(errorOf('/status'))}>
          <label htmlFor={id('/status')}>{tr('État', 'Status')}</label>
          <ErrorMessage id={id('/status')} message={errorOf('/status')} />
          <select
            id={id('/status')}
            value={draft.status}
            onChange={set('status')}
            {...described(id('/status'), errorOf('/status'))}
          >
            <option value="">{tr('Tous les états', 'Every status')}</option>
            {service.states.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div className={fieldClass(errorOf('/assignee'))}>
          <label htmlFor={id('/assignee')}>{tr('Attribution', 'Assignment')}</label>
          <ErrorMessage id={id('/assignee')} message={errorOf('/assignee')} />
          <select
            id={id('/assignee')}
            value={draft.assignee}
            onChange={set('assignee')}
            {...described(id('/assignee'), errorOf('/assignee'))}
          >
            <option value="">{tr('Attribuées ou non', 'Assigned or not')}</option>
            <option value="me">{tr('Attribuées à moi', 'Assigned to me')}</option>
            <option value="none">{tr('Attribuées à personne', 'Assigned to nobody')}</option>
          </select>
        </div>
        <div className={fieldClass(errorOf('/from'))}>
          <label htmlFor={id('/from')}>{tr('Déposées à partir du', 'Sent from')}</label>
          <ErrorMessage id={id('/from')} message={errorOf('/from')} />
          <input
            type="date"
            id={id('/from')}
            value={draft.from}
            onChange={set('from')}
            {...described(id('/from'), errorOf('/from'))}
          />
        </div>
        <div className={fieldClass(errorOf('/to'))}>
          <label htmlFor={id('/to')}>{tr('Déposées jusqu’au (inclus)', 'Sent until (included)')}</label>
          <ErrorMessage id={id('/to')} message={errorOf('/to')} />
          <input
            type="date"
            id={id('/to')}
            ref={toRef}
            value={draft.to}
            onChange={set('to')}
            {...described(id('/to'), errorOf('/to'))}
          />
        </div>
        <fieldset className="group desk-answer-filter">
          <legend>{tr('Une réponse précise', 'One answer')}</legend>
          <div className="field">
            <label htmlFor="filtre-champ">{tr('Champ', 'Field')}</label>
            <select
              id="filtre-champ"
              value={draft.champ}
              onChange={(e) => setDraft({ ...draft, champ: e.target.value, valeur: '', min: '', max: '' })}
            >
              <option value="">{tr('Aucun', 'None')}</option>
              {fields
                .filter((f) => f.filterable)
                .map((f) => (
                  <option key={f.pointer} value={f.pointer}>
                    {f.label}
                  </option>
                ))}
            </select>
          </div>
          {range ? (
            <div className="desk-answer-range">
              {(
                [
                  ['min', '/field-min', range === 'number' ? tr('Au moins', 'At least') : tr('À partir du', 'From')],
                  [
                    'max',
                    '/field-max',
                    range === 'number' ? tr('Au plus', 'At most') : tr('Jusqu’au (inclus)', 'Until (included)'),
                  ],
                ] as const
              ).map(([key, pointer, label]) => (
                <div className={fieldClass(errorOf(pointer))} key={key}>
                  <label htmlFor={id(pointer)}>{label}</label>
                  {range === 'number' && (
                    <p className="hint" id={`${id(pointer)}-aide`}>
                      {tr('Un nombre, par exemple 5000 ou 5 000,50.', 'A number, such as 5000 or 5,000.50.')}
                    </p>
                  )}
                  <ErrorMessage id={id(pointer)} message={errorOf(pointer)} />
                  <input
                    type={range === 'date' ? 'date' : 'text'}
                    inputMode={range === 'number' ? 'decimal' : undefined}
                    id={id(pointer)}
                    value={draft[key]}
                    onChange={set(key)}
                    {...described(id(pointer), errorOf(pointer), range === 'number')}
                  />
                </div>
              ))}
            </div>
          ) : (
            <div className={fieldClass(errorOf('/field'))}>
              <label htmlFor={id('/field')}>{tr('Est égal à', 'Equals')}</label>
              <ErrorMessage id={id('/field')} message={errorOf('/field')} />
              {chosen && (chosen.model.options.length > 0 || chosen.model.kind === 'boolean') ? (
                <select
                  id={id('/field')}
                  value={draft.valeur}
                  onChange={set('valeur')}
                  {...described(id('/field'), errorOf('/field'))}
                >
                  <option value="">{tr('Choisir', 'Choose')}</option>
                  {(chosen.model.options.length
                    ? chosen.model.options
                    : [
                        { value: true, label: tr('Oui', 'Yes') },
                        { value: false, label: tr('Non', 'No') },
                      ]
                  ).map((o) => (
                    <option key={String(o.value)} value={String(o.value)}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  type="text"
                  id={id('/field')}
                  value={draft.valeur}
                  disabled={!chosen}
                  onChange={set('valeur')}
                  inputMode={chosen?.model.inputMode}
                  {...described(id('/field'), errorOf('/field'))}
                />
              )}
            </div>
          )}
        </fieldset>
        <div className={fieldClass(errorOf('/sort'))}>
          <label htmlFor={id('/sort')}>{tr('Trier par', 'Sort by')}</label>
          <ErrorMessage id={id('/sort')} message={errorOf('/sort')} />
          <select
            id={id('/sort')}
            value={draft.sort}
            onChange={set('sort')}
            {...described(id('/sort'), errorOf('/sort'))}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]!()}
              </option>
            ))}
            {/* An order chosen from a column's header stays offered here. */}
            {!SORTS.includes(draft.sort) && <option value={draft.sort}>{sortLabel(draft.sort, fields)}</option>}
          </select>
        </div>
        <div className="field">
          <label htmlFor="par-page">{tr('Demandes par page', 'Requests per page')}</label>
          <select
            id="par-page"
            value={draft.limit || '25'}
            onChange={(e) => setDraft({ ...draft, limit: e.target.value === '25' ? '' : e.target.value })}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div className="actions desk-filter-actions">
          <button type="submit" className="button">
            {tr('Filtrer', 'Filter')}
          </button>
          <a
            href={hrefOf(slug, { tab: state.tab, limit: state.limit })}
            onClick={onLinkClick}
            className="button button--secondary"
          >
            {tr('Effacer les filtres', 'Clear the filters')}
          </a>
        </div>
      </form>
    </section>
  );
}
