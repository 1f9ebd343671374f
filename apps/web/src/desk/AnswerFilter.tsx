import { ErrorMessage } from '../form/field-parts';
import { idOf } from '../form/model';
import { tr } from '../lib/i18n';
import { described, fieldClass } from './field-wiring';
import type { AnswerField } from './fields';
import { rangeKind, readNumber, type InboxState } from './inbox-state';

/** Bounds checked in the page first, in words that name the field (the server checks them again). */
export function boundErrors(draft: InboxState, chosen: AnswerField | undefined): Record<string, string> {
  const range = rangeKind(chosen);
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
}

/**
 * « Une réponse précise »: one answer field, and the value it must equal or,
 * for numbers and dates, the bounds it must lie within.
 */
export function AnswerFilter({
  fields,
  draft,
  onDraft,
  errorOf,
}: {
  fields: AnswerField[];
  draft: InboxState;
  onDraft: (draft: InboxState) => void;
  errorOf: (pointer: string) => string | undefined;
}) {
  const set = (key: keyof InboxState) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    onDraft({ ...draft, [key]: e.target.value });
  const chosen = fields.find((f) => f.pointer === draft.champ);
  const id = (pointer: string) => idOf(pointer);
  const range = rangeKind(chosen);

  return (
    <fieldset className="group desk-answer-filter">
      <legend>{tr('Une réponse précise', 'One answer')}</legend>
      <div className="field">
        <label htmlFor="filtre-champ">{tr('Champ', 'Field')}</label>
        <select
          id="filtre-champ"
          value={draft.champ}
          onChange={(e) => onDraft({ ...draft, champ: e.target.value, valeur: '', min: '', max: '' })}
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
  );
}
