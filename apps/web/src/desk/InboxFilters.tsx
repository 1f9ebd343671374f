import { useRef, useState } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { ErrorMessage } from '../form/field-parts';
import { idOf } from '../form/model';
import { tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { AnswerFilter, boundErrors } from './AnswerFilter';
import { described, fieldClass } from './field-wiring';
import type { AnswerField } from './fields';
import { PAGE_SIZES, SORTS, SORT_LABELS, hrefOf, rangeKind, sortLabel, type InboxState } from './inbox-state';
import type { DeskServiceView } from '@guichet/shared';

/** The inbox's filters: checked in the page, then carried by the address (the server checks them again). */
export function Filters({
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

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const found = boundErrors(draft, chosen);
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
        <AnswerFilter fields={fields} draft={draft} onDraft={setDraft} errorOf={errorOf} />
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
