import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { domId, type PlacedProblems } from './helpers';

/** Problems placed by anchor pointer, for the controls below. */
export const ProblemsContext = createContext<PlacedProblems>({ at: new Map(), unplaced: [] });

/** The problems shown at `pointer`, the id of their message, and the ids a control is described by. */
export function useProblems(pointer: string, hintId?: string) {
  const items = useContext(ProblemsContext).at.get(pointer) ?? [];
  const errorId = `${domId(pointer)}-erreur`;
  const describedBy = [hintId, items.length ? errorId : undefined].filter(Boolean).join(' ') || undefined;
  return { items, errorId, describedBy, invalid: items.length > 0 };
}

/** The messages of a control, in the citizen forms' pattern. */
export function ProblemMessages({ id, items }: { id: string; items: ErrorItem[] }) {
  if (items.length === 0) return null;
  return (
    <div id={id}>
      {items.map((item, i) => (
        <p className="error-message" key={i}>
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {item.message}
        </p>
      ))}
    </div>
  );
}

/** Opens the `<details>` around an element, then focuses it or its first control. */
export function focusPointer(pointer: string): void {
  const element = document.getElementById(domId(pointer));
  if (!element) return;
  for (let p = element.parentElement; p; p = p.parentElement) if (p instanceof HTMLDetailsElement) p.open = true;
  const focusable = element.matches('input, select, textarea, button, summary')
    ? element
    : element.querySelector<HTMLElement>('input:not([disabled]), select, textarea, button, summary');
  const target = focusable ?? element;
  if (!focusable && !element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  target.focus();
  target.scrollIntoView?.({ block: 'center' });
}

/**
 * Every problem of the tab at its top: placed ones as links to their control,
 * the others as text. Not an alert: the live check changes as the designer
 * types, and each control already says its own problems.
 */
export function ProblemSummary({ placed, title }: { placed: PlacedProblems; title: string }) {
  const linked = [...placed.at.entries()].flatMap(([pointer, items]) => items.map((item) => ({ pointer, item })));
  const count = linked.length + placed.unplaced.length;
  if (count === 0) return null;
  return (
    <section className="error-summary wf-summary" aria-labelledby="wf-summary-title">
      <h2 id="wf-summary-title">
        {count === 1
          ? tr(`${title} : 1 problème`, `${title}: 1 problem`)
          : tr(`${title} : ${count} problèmes`, `${title}: ${count} problems`)}
      </h2>
      <ul>
        {placed.unplaced.map((item, i) => (
          <li key={`u${i}`}>{item.message}</li>
        ))}
        {linked.map(({ pointer, item }, i) => (
          <li key={`p${i}`}>
            <a
              href={`#${domId(pointer)}`}
              onClick={(event) => {
                event.preventDefault();
                focusPointer(pointer);
              }}
            >
              {item.message}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A polite status region: `say(text)` after an addition or a removal. The
 * same text twice is announced twice (the region is emptied first).
 */
export function useStatus(): [ReactNode, (text: string) => void] {
  const [message, setMessage] = useState('');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const say = useCallback((text: string) => {
    setMessage('');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setMessage(text), 50);
  }, []);
  const node = (
    <p role="status" className="wf-status">
      {message}
    </p>
  );
  return [node, say];
}

/** A labelled text input with its hint and problems. */
export function TextInput(props: {
  pointer: string;
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  hint?: ReactNode;
  type?: 'text' | 'url';
  inputMode?: 'numeric' | 'text' | 'url';
  autoComplete?: string;
  maxLength?: number;
  className?: string;
  /** A message of the editor itself (a value that cannot be stored as typed). */
  localError?: string;
}) {
  const id = domId(props.pointer);
  const hintId = props.hint ? `${id}-aide` : undefined;
  const { items, errorId, describedBy, invalid } = useProblems(props.pointer, hintId);
  const all = props.localError ? [{ code: 'local', message: props.localError }, ...items] : items;
  const describedByAll = props.localError && !invalid ? [hintId, errorId].filter(Boolean).join(' ') : describedBy;
  return (
    <div className={`field${all.length ? ' field--error' : ''}${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <ProblemMessages id={errorId} items={all} />
      <input
        id={id}
        type={props.type ?? 'text'}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={props.type === 'url' ? false : undefined}
        maxLength={props.maxLength}
        value={props.value}
        aria-invalid={all.length ? true : undefined}
        aria-describedby={describedByAll}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

/** Problems of a block (a state, a transition, a rule), shown under its legend. */
export function BlockProblems({ pointer }: { pointer: string }) {
  const { items, errorId } = useProblems(pointer);
  return <ProblemMessages id={errorId} items={items} />;
}
