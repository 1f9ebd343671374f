import { useEffect, useMemo, useRef, useState } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { ErrorSummary } from '../form/ErrorSummary';
import { idOf } from '../form/model';
import { ApiError, api, type Me } from '../lib/api';
import { formatDate, formatNumber, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { Failure, TAB_LABELS, assigneeText, errorText } from './common';
import { answerDisplay, answerFields, type AnswerField } from './fields';
import { TABS, type BatchResult, type DeskServiceView, type InboxPage } from './types';
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

const MAX_COLUMNS = 10;

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

interface PendingExport {
  exportId: string;
  status: 'pending' | 'running' | 'ready' | 'failed';
  statusUrl?: string;
  downloadUrl?: string;
}

/**
 * The export links. A small set streams straight into a download; past the
 * installation's limit the server answers 202 and a worker prepares the file:
 * the page then follows it and offers the download link when it is ready.
 */
function ExportLinks({ base }: { base: string }) {
  const [message, setMessage] = useState('');
  const [ready, setReady] = useState<string | null>(null);
  const formats: Array<[string, string]> = [
    ['format=csv', tr('CSV, séparateur virgule', 'CSV, comma-separated')],
    [
      'format=csv&sep=semicolon',
      tr('CSV, séparateur point-virgule (tableurs en français)', 'CSV, semicolon-separated (French spreadsheets)'),
    ],
    ['format=xlsx', tr('Classeur Excel (XLSX)', 'Excel workbook (XLSX)')],
    ['format=jsonl', tr('JSON Lines, une demande par ligne', 'JSON Lines, one request a line')],
  ];
  const follow = async (statusUrl: string) => {
    for (let i = 0; i < 600; i++) {
      const state = await api<PendingExport>(statusUrl);
      if (state.status === 'ready' && state.downloadUrl) {
        setReady(state.downloadUrl);
        setMessage(tr('Votre export est prêt.', 'Your export is ready.'));
        return;
      }
      if (state.status === 'failed') {
        setMessage(tr('L’export a échoué ; réessayez.', 'The export failed; try again.'));
        return;
      }
      await new Promise((resolve) => window.setTimeout(resolve, 2000));
    }
  };
  const start = async (event: React.MouseEvent<HTMLAnchorElement>, url: string) => {
    event.preventDefault();
    setReady(null);
    const controller = new AbortController();
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: '*/*' } });
      if (response.status === 202) {
        const pending = (await response.json()) as PendingExport;
        setMessage(
          tr(
            'Beaucoup de demandes : le fichier est préparé en arrière-plan, le lien apparaîtra ici.',
            'Many requests: the file is being prepared, its link will appear here.',
          ),
        );
        await follow(pending.statusUrl ?? response.headers.get('Location') ?? '');
        return;
      }
      controller.abort();
      if (!response.ok) {
        setMessage(tr('L’export n’a pas pu être fait.', 'The export could not be made.'));
        return;
      }
      // Small enough to stream: the browser downloads it as a plain link would.
      window.location.assign(url);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') setMessage(String((error as Error).message));
    }
  };
  return (
    <>
      <ul className="desk-exports">
        {formats.map(([params, label]) => (
          <li key={params}>
            <a href={`${base}&${params}`} onClick={(e) => void start(e, `${base}&${params}`)}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <p role="status">
        {message} {ready && <a href={ready}>{tr('Télécharger l’export', 'Download the export')}</a>}
      </p>
    </>
  );
}

function fieldClass(error: string | undefined): string {
  return `field${error ? ' field--error' : ''}`;
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="error-message" id={`${id}-erreur`}>
      <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
      {message}
    </p>
  );
}

/** aria-invalid and aria-describedby of a field that may be in error, with its hint if any. */
function described(id: string, error: string | undefined, hint = false) {
  const ids = [hint && `${id}-aide`, error && `${id}-erreur`].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
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
          <FieldError id={id('/q')} message={errorOf('/q')} />
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
          <FieldError id={id('/status')} message={errorOf('/status')} />
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
          <FieldError id={id('/assignee')} message={errorOf('/assignee')} />
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
          <FieldError id={id('/from')} message={errorOf('/from')} />
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
          <FieldError id={id('/to')} message={errorOf('/to')} />
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
                  <FieldError id={id(pointer)} message={errorOf(pointer)} />
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
              <FieldError id={id('/field')} message={errorOf('/field')} />
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
          <FieldError id={id('/sort')} message={errorOf('/sort')} />
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

function ColumnChooser({
  slug,
  fields,
  columns,
  onSaved,
}: {
  slug: string;
  fields: AnswerField[];
  columns: string[];
  onSaved: (columns: string[]) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(columns);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState('');
  if (fields.length === 0) return null;
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved('');
    if (chosen.length > MAX_COLUMNS) {
      setError(tr(`Choisissez ${MAX_COLUMNS} colonnes au plus.`, `Choose ${MAX_COLUMNS} columns at most.`));
      document.getElementById(`colonne-${0}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      // In the form's order, whatever the order of the clicks.
      const ordered = fields.map((f) => f.pointer).filter((p) => chosen.includes(p));
      const saved = await api<{ columns: string[] }>(`/api/v1/me/preferences/columns/${encodeURIComponent(slug)}`, {
        method: 'PUT',
        body: { columns: ordered },
      });
      onSaved(saved.columns);
      setSaved(tr('Colonnes enregistrées.', 'Columns saved.'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="desk-columns">
      <summary>
        {tr('Choisir les colonnes', 'Choose the columns')} ({formatNumber(columns.length)}{' '}
        {columns.length > 1 ? tr('choisies', 'chosen') : tr('choisie', 'chosen')})
      </summary>
      <form noValidate onSubmit={(e) => void save(e)}>
        <fieldset
          className={`group${error ? ' field--error' : ''}`}
          aria-describedby={error ? 'colonnes-erreur' : 'colonnes-aide'}
        >
          <legend>{tr('Réponses à montrer en colonnes', 'Answers to show as columns')}</legend>
          <p className="hint" id="colonnes-aide">
            {tr(
              `${MAX_COLUMNS} au plus. Ce choix vous est propre et valable pour cette démarche.`,
              `${MAX_COLUMNS} at most. This choice is yours, for this service.`,
            )}
          </p>
          {error && (
            <p className="error-message" id="colonnes-erreur">
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {error}
            </p>
          )}
          <div className="choices desk-column-choices">
            {fields.map((f, i) => (
              <div className="choice" key={f.pointer}>
                <input
                  type="checkbox"
                  id={`colonne-${i}`}
                  checked={chosen.includes(f.pointer)}
                  onChange={(e) =>
                    setChosen(e.target.checked ? [...chosen, f.pointer] : chosen.filter((p) => p !== f.pointer))
                  }
                />
                <label htmlFor={`colonne-${i}`}>{f.label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
          {tr('Enregistrer les colonnes', 'Save the columns')}
        </button>
        <p role="status" className="desk-status">
          {saved}
        </p>
      </form>
    </details>
  );
}

type BatchChoice = '' | 'assign_me' | 'unassign' | `t:${string}`;

function BatchForm({
  slug,
  service,
  me,
  selected,
  onDone,
}: {
  slug: string;
  service: DeskServiceView;
  me: Me;
  selected: Array<{ id: string; reference: string | null }>;
  onDone: () => void;
}) {
  const [choice, setChoice] = useState<BatchChoice>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<{ rows: BatchResult[]; references: Map<string, string> } | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const resultsRef = useRef<HTMLHeadingElement>(null);
  const transition = choice.startsWith('t:') ? service.transitions.find((t) => t.name === choice.slice(2)) : undefined;

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (results) resultsRef.current?.focus();
  }, [results]);

  const stateLabel = (name: string | undefined) => service.states.find((s) => s.name === name)?.label ?? name ?? '';

  const check = (): boolean => {
    const next: Record<string, string> = {};
    if (selected.length === 0)
      next.selection = tr(
        'Sélectionnez au moins une demande dans le tableau.',
        'Select at least one request in the table.',
      );
    if (!choice) next.action = tr('Choisissez une action.', 'Choose an action.');
    if (transition?.commentRequired && !comment.trim())
      next.comment = tr(
        'Écrivez la motivation : elle est obligatoire pour cette action.',
        'Write the motivation: this action requires one.',
      );
    setErrors(next);
    const first = next.action ? 'lot-action' : next.comment ? 'lot-motivation' : next.selection ? 'lot-action' : null;
    if (first) document.getElementById(first)?.focus();
    return Object.keys(next).length === 0;
  };

  const run = async () => {
    setBusy(true);
    const references = new Map(selected.map((s) => [s.id, s.reference ?? s.id.slice(0, 8)]));
    const action =
      choice === 'assign_me'
        ? { assign: `account:${me.id}` }
        : choice === 'unassign'
          ? { assign: null }
          : { transition: transition!.name, ...(comment.trim() ? { comment: comment.trim() } : {}) };
    try {
      const answer = await api<{ results: BatchResult[] }>(`/api/v1/services/${encodeURIComponent(slug)}/batch`, {
        method: 'POST',
        body: { ids: selected.map((s) => s.id), action },
      });
      setResults({ rows: answer.results, references });
      setConfirming(false);
      setComment('');
      onDone();
    } catch (e) {
      setErrors({ action: errorText(e) });
      setConfirming(false);
      document.getElementById('lot-action')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !check()) return;
    if (transition?.final && !confirming) {
      setConfirming(true);
      return;
    }
    void run();
  };

  const ok = results?.rows.filter((r) => r.status === 200).length ?? 0;
  const outcome = (r: BatchResult) => {
    if (r.status !== 200) return `${tr('refusé', 'refused')} — ${r.message ?? r.code ?? r.status}`;
    if (r.result && 'assignee' in r.result)
      return r.result.assignee ? tr('attribuée à vous', 'assigned to you') : tr('attribution retirée', 'unassigned');
    return `${tr('nouvel état : ', 'new status: ')}${stateLabel(r.result?.status)}`;
  };

  return (
    <>
      <form noValidate onSubmit={submit} className="desk-batch" aria-labelledby="lot-titre">
        <h3 id="lot-titre">{tr('Action sur la sélection', 'Action on the selection')}</h3>
        <p id="lot-selection" className={errors.selection ? 'error-message' : undefined}>
          {errors.selection ? (
            <>
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {errors.selection}
            </>
          ) : selected.length === 0 ? (
            tr('Aucune demande sélectionnée.', 'No request selected.')
          ) : selected.length === 1 ? (
            tr('1 demande sélectionnée.', '1 request selected.')
          ) : (
            tr(`${selected.length} demandes sélectionnées.`, `${selected.length} requests selected.`)
          )}
        </p>
        <div className={fieldClass(errors.action)}>
          <label htmlFor="lot-action">{tr('Action', 'Action')}</label>
          <FieldError id="lot-action" message={errors.action} />
          <select
            id="lot-action"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value as BatchChoice);
              setConfirming(false);
            }}
            aria-invalid={errors.action || errors.selection ? true : undefined}
            aria-describedby={['lot-selection', errors.action && 'lot-action-erreur'].filter(Boolean).join(' ')}
          >
            <option value="">{tr('Choisir une action', 'Choose an action')}</option>
            <option value="assign_me">{tr('Me les attribuer', 'Assign them to me')}</option>
            <option value="unassign">{tr('Retirer l’attribution', 'Unassign them')}</option>
            {service.transitions.map((t) => (
              <option key={t.name} value={`t:${t.name}`}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        {transition && (
          <div className={fieldClass(errors.comment)}>
            <label htmlFor="lot-motivation">
              {tr('Motivation', 'Motivation')}
              {transition.commentRequired ? (
                <span className="required"> {tr('(obligatoire)', '(required)')}</span>
              ) : (
                ` ${tr('(facultative)', '(optional)')}`
              )}
            </label>
            <p className="hint" id="lot-motivation-aide">
              {tr('Visible par chaque usager concerné.', 'Shown to each citizen concerned.')}
            </p>
            <FieldError id="lot-motivation" message={errors.comment} />
            <textarea
              id="lot-motivation"
              rows={3}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              {...described('lot-motivation', errors.comment, true)}
            />
          </div>
        )}
        {confirming && transition ? (
          <div
            className="notice notice--warning"
            tabIndex={-1}
            ref={confirmRef}
            role="group"
            aria-labelledby="lot-confirmation"
          >
            <p id="lot-confirmation">
              {tr(
                `Vous allez prendre la décision « ${transition.label} » pour ${selected.length} demande(s). Chaque usager en sera informé ; la décision ne pourra pas être annulée.`,
                `You are about to decide “${transition.label}” for ${selected.length} request(s). Each citizen will be told; the decision cannot be undone.`,
              )}
            </p>
            <div className="actions">
              <button type="submit" className="button" aria-disabled={busy || undefined}>
                {tr('Confirmer la décision', 'Confirm the decision')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                {tr('Revenir', 'Go back')}
              </button>
            </div>
          </div>
        ) : (
          <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
            {tr('Appliquer à la sélection', 'Apply to the selection')}
          </button>
        )}
      </form>
      {results && (
        <div className="desk-batch-results">
          <h3 id="lot-resultats" tabIndex={-1} ref={resultsRef}>
            {tr('Résultat de l’action', 'Result of the action')} :{' '}
            {tr(`${ok} réussie(s) sur ${results.rows.length}`, `${ok} of ${results.rows.length} done`)}
          </h3>
          <ul>
            {results.rows.map((r) => (
              <li key={r.id} className={r.status === 200 ? undefined : 'desk-result--refused'}>
                <a href={`/instruction/${slug}/${r.id}`} onClick={onLinkClick}>
                  {results.references.get(r.id) ?? r.id}
                </a>{' '}
                : {outcome(r)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
