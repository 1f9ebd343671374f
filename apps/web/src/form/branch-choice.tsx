/** A choice between branches (`oneOf`/`anyOf` of schemas): which branch is chosen, and the choice as the citizen sees it. */
import { useEffect, useMemo, useState } from 'react';
import { plainText } from '@guichet/shared';
import { useForm } from './context';
import { Required } from './field-parts';
import { RichText } from './RichText';
import { withMinimumItems } from './minimum-items';
import { alternativesOf, resolve, type Schema } from './model';
import { useValue } from './store';

/**
 * The branches, the one chosen and the switch to another. Switching keeps
 * what still applies (RJSF's `sanitizeDataForNewSchema`) and fills the new
 * branch's defaults.
 */
export function useBranches(schema: Schema, pointer: string) {
  const { store, root, semantics } = useForm();
  const branches = useMemo(() => alternativesOf(root, schema), [root, schema]);
  const value = useValue(store, pointer);
  const [selected, setSelected] = useState(() =>
    Math.max(0, semantics ? semantics.matchOption(branches, store.get(pointer)) : 0),
  );
  // A branch that is a group opens its lists of groups to their `minItems`, as the form's first page does and as
  // RJSF's defaults pad them when it opens or switches to an option (the defaults here never pad a list).
  const opened = (branch: Schema, data: unknown): unknown => {
    const shape = resolve(root, branch);
    if (shape.type !== 'object' || data === null || typeof data !== 'object' || Array.isArray(data)) return data;
    return withMinimumItems(root, shape, data, semantics ? (items) => semantics.withDefaults(items, {}) : undefined);
  };
  // The branch shown first gets its defaults and consts, as RJSF fills the option it opens with.
  useEffect(() => {
    if (!semantics || !branches[selected]) return;
    const current = store.get(pointer);
    const next = opened(branches[selected], semantics.withDefaults(branches[selected], current));
    const empty = next === undefined || (typeof next === 'object' && next !== null && Object.keys(next).length === 0);
    if (!empty && JSON.stringify(next) !== JSON.stringify(current)) store.set(pointer, next);
    // Once, when drawn: a switch of branch fills its own defaults (choose), so neither is a dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [semantics, store, pointer]);
  const choose = (next: number) => {
    if (next === selected || !branches[next]) return;
    let data: unknown = store.get(pointer);
    if (semantics) {
      data = semantics.switchBranch(branches[next]!, branches[selected]!, data);
      data = semantics.withDefaults(branches[next]!, data);
    }
    data = opened(branches[next]!, data);
    setSelected(next);
    store.set(pointer, data);
  };
  return { branches, value, selected, choose };
}

/** Radios in a fieldset whose legend is the question, or a labelled list past six branches. */
export function BranchChoice({
  id,
  pointer,
  title,
  required,
  labels,
  selected,
  choose,
  locked = false,
  hint,
}: {
  id: string;
  pointer: string;
  title: string;
  required: boolean;
  labels: string[];
  selected: number;
  choose(next: number): void;
  /** In a group drawn read-only or disabled: shown, not changeable. */
  locked?: boolean;
  /** Help or description of the whole choice, under the question. */
  hint?: string;
}) {
  const hintId = hint ? `${id}-aide` : undefined;
  return labels.length <= 6 ? (
    <fieldset className="field alternatives-choice" id={id} tabIndex={-1} aria-describedby={hintId}>
      <legend>
        {plainText(title)}
        <Required on={required} />
      </legend>
      {hint && <RichText className="hint" id={hintId} text={hint} />}
      <div className={`choices${labels.length <= 2 ? ' choices--inline' : ''}`}>
        {labels.map((label, i) => (
          <div className="choice" key={i}>
            <input
              type="radio"
              id={`${id}-${i}`}
              name={`${pointer}#branche`}
              checked={selected === i}
              disabled={locked}
              onChange={() => choose(i)}
            />
            <label htmlFor={`${id}-${i}`}>{label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  ) : (
    <div className="field alternatives-choice">
      <label htmlFor={id}>
        {plainText(title)}
        <Required on={required} />
      </label>
      {hint && <RichText className="hint" id={hintId} text={hint} />}
      <select
        id={id}
        value={String(selected)}
        disabled={locked}
        aria-describedby={hintId}
        onChange={(e) => choose(Number(e.target.value))}
      >
        {labels.map((label, i) => (
          <option key={i} value={String(i)}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
