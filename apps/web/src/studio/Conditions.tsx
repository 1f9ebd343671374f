import { useState } from 'react';
import type { Expr, ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  conditionOf,
  describeCondition,
  itemCondition,
  questionsFor,
  setCondition,
  type ItemChoice,
  type Question,
} from './definition';

type Operator = 'eq' | 'ne' | 'filled' | 'contains';

/**
 * "Afficher seulement si « Vous avez des enfants ? » est « Oui »": one
 * condition per field, group or page, written as rules.visibility. A field
 * of another repeatable block is read for at least one of its items, or
 * its first (« « École » est « Jules-Ferry » pour au moins un élément de
 * « Enfants » »), see itemCondition.
 */
export function ConditionEditor({
  def,
  target,
  idPrefix,
  what,
  onChange,
}: {
  def: ServiceDefinition;
  /** `/pointer` or `page:id`. */
  target: string;
  idPrefix: string;
  /** "ce champ", "cette étape". */
  what: string;
  onChange: (next: ServiceDefinition, announce: string) => void;
}) {
  const questions = questionsFor(def, target);
  const current = conditionOf(def, target);
  const words = current !== undefined ? describeCondition(def, current, questions) : null;
  const [pointer, setPointer] = useState('');
  const [operator, setOperator] = useState<Operator>('eq');
  const [value, setValue] = useState('');
  const [item, setItem] = useState<ItemChoice>('any');
  const [error, setError] = useState<string | null>(null);
  const question = questions.find((q) => q.pointer === pointer);
  const choices = question ? choicesOf(question) : [];

  const apply = () => {
    if (!question)
      return setError(tr('Choisissez la question dont dépend l’affichage.', 'Choose the question it depends on.'));
    const field = { field: question.pointer };
    let expr: Expr;
    if (operator === 'filled') expr = { not: { empty: field } };
    else {
      const raw = choices.length ? choices.find((c) => c.key === value)?.value : parseValue(question, value);
      if (raw === undefined || raw === '')
        return setError(tr('Choisissez ou saisissez la réponse attendue.', 'Choose or type the expected answer.'));
      expr =
        operator === 'contains'
          ? { contains: [field, raw] }
          : operator === 'ne'
            ? { ne: [field, raw] }
            : { eq: [field, raw] };
    }
    setError(null);
    expr = itemCondition(question, expr, item);
    const next = setCondition(def, target, expr);
    onChange(
      next,
      `${tr('Condition enregistrée : afficher si ', 'Condition saved: show if ')}${describeCondition(next, expr, questions) ?? ''}.`,
    );
  };

  return (
    <fieldset className="studio-condition">
      <legend>{tr('Condition d’affichage', 'Display condition')}</legend>
      {current === undefined ? (
        <p className="hint">
          {tr(`Toujours affiché : ${what} n’a pas de condition.`, `Always shown: ${what} has no condition.`)}
        </p>
      ) : (
        <p className="studio-condition-current">
          {words
            ? `${tr('Afficher seulement si ', 'Show only if ')}${words}.`
            : tr(
                'Condition avancée : modifiez-la dans l’onglet JSON.',
                'Advanced condition: edit it in the JSON tab.',
              )}{' '}
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => onChange(setCondition(def, target, null), tr('Condition retirée.', 'Condition removed.'))}
          >
            {tr('Retirer la condition', 'Remove the condition')}
          </button>
        </p>
      )}
      {questions.length === 0 ? (
        <p className="hint">
          {tr(
            'Ajoutez d’abord une question dont dépendra l’affichage.',
            'First add a question the display will depend on.',
          )}
        </p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${idPrefix}-question`}>
              {tr('Afficher seulement si la réponse à', 'Show only if the answer to')}
            </label>
            <select
              id={`${idPrefix}-question`}
              value={pointer}
              onChange={(e) => {
                setPointer(e.target.value);
                setValue('');
                setItem('any');
                const q = questions.find((x) => x.pointer === e.target.value);
                setOperator(q?.kind === 'multiple' ? 'contains' : 'eq');
              }}
            >
              <option value="">{tr('Choisissez une question', 'Choose a question')}</option>
              {questions.map((q) => (
                <option key={q.pointer} value={q.pointer}>
                  {q.block ? `${q.block.label} › ${q.label}` : q.label}
                </option>
              ))}
            </select>
          </div>
          {question?.block && (
            <div className="field">
              <label htmlFor={`${idPrefix}-element`}>{tr('pour', 'for')}</label>
              <select id={`${idPrefix}-element`} value={item} onChange={(e) => setItem(e.target.value as ItemChoice)}>
                <option value="any">
                  {tr(
                    `au moins un élément de « ${question.block.label} »`,
                    `at least one item of “${question.block.label}”`,
                  )}
                </option>
                <option value="first">
                  {tr(
                    `le premier élément de « ${question.block.label} »`,
                    `the first item of “${question.block.label}”`,
                  )}
                </option>
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={`${idPrefix}-operateur`}>{tr('Comparaison', 'Comparison')}</label>
            <select
              id={`${idPrefix}-operateur`}
              value={operator}
              onChange={(e) => setOperator(e.target.value as Operator)}
            >
              {question?.kind === 'multiple' ? (
                <option value="contains">{tr('contient', 'contains')}</option>
              ) : (
                <>
                  <option value="eq">{tr('est', 'is')}</option>
                  <option value="ne">{tr('n’est pas', 'is not')}</option>
                </>
              )}
              <option value="filled">{tr('est renseignée', 'is answered')}</option>
            </select>
          </div>
          {operator !== 'filled' && (
            <div className="field">
              <label htmlFor={`${idPrefix}-valeur`}>{tr('Réponse attendue', 'Expected answer')}</label>
              {choices.length ? (
                <select id={`${idPrefix}-valeur`} value={value} onChange={(e) => setValue(e.target.value)}>
                  <option value="">{tr('Choisissez une réponse', 'Choose an answer')}</option>
                  {choices.map((c) => (
                    <option key={c.key} value={c.key}>
                      {c.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${idPrefix}-valeur`}
                  value={value}
                  onChange={(e) => setValue(e.target.value)}
                  autoComplete="off"
                />
              )}
            </div>
          )}
          {error && (
            <p className="error-message" role="alert">
              {error}
            </p>
          )}
          <button type="button" className="button button--secondary" onClick={apply}>
            {current === undefined
              ? tr('Ajouter la condition', 'Add the condition')
              : tr('Remplacer la condition', 'Replace the condition')}
          </button>
        </>
      )}
    </fieldset>
  );
}

function choicesOf(q: Question): Array<{ key: string; label: string; value: string | boolean }> {
  if (q.kind === 'boolean')
    return [
      { key: 'true', label: tr('Oui', 'Yes'), value: true },
      { key: 'false', label: tr('Non', 'No'), value: false },
    ];
  return q.options.map((o) => ({ key: o.value, label: o.label, value: o.value }));
}

function parseValue(q: Question, text: string): string | number | undefined {
  if (text.trim() === '') return undefined;
  if (q.kind === 'number') {
    const n = Number(text.replace(',', '.'));
    return Number.isFinite(n) ? n : undefined;
  }
  return text;
}
