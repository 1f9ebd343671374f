import { useRef, useState } from 'react';
import { plainText } from '@guichet/shared';
import { Combobox, type ComboboxChoice } from './combobox';
import { LiveStatus, useLookupRefs } from './lookup-parts';
import type { FieldModel } from './model';

/**
 * The search-as-you-type of the commune and address fields: what each asks
 * and says differs, the rest is one behaviour. A search waits for a pause in
 * the typing, cancels the one before it, announces what it found; when it
 * does not answer, the inputs typed by hand open with what was typed, so the
 * request is never blocked.
 */
export interface SearchSpec<C extends ComboboxChoice> {
  initialText: () => string;
  initialByHand: () => boolean;
  debounceMs: number;
  /** The query to send for what was typed, or nothing while it is too short (or too long) to ask. */
  queryOf: (typed: string) => string | undefined;
  search: (query: string, signal: AbortSignal) => Promise<C[]>;
  /** The live status once `count` suggestions are found. */
  foundStatus: (count: number) => string;
  /** Whether finding nothing opens the inputs typed by hand. */
  byHandWhenNothing?: boolean;
  /** Called on each keystroke: a changed search is no longer the value chosen. */
  onTyped: () => void;
  /** The search does not answer: keep what was typed (trimmed) where it belongs; `failureStatus` is said. */
  onFailure: (typed: string) => void;
  failureStatus: string;
}

export function useSearchCombobox<C extends ComboboxChoice>(spec: SearchSpec<C>) {
  const [text, setText] = useState(spec.initialText);
  const [choices, setChoices] = useState<C[]>([]);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const [failed, setFailed] = useState(false);
  const [byHand, setByHand] = useState(spec.initialByHand);
  const { timer, inflight } = useLookupRefs();
  // The text as typed now: a search that fails answers for an earlier query, while the citizen may have typed on.
  const typed = useRef(text);

  const lookup = (query: string) => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    spec.search(query, controller.signal).then(
      (next) => {
        setChoices(next);
        setOpen(next.length > 0);
        setFailed(false);
        setStatus(spec.foundStatus(next.length));
        if (next.length === 0 && spec.byHandWhenNothing) setByHand(true);
      },
      (error: Error) => {
        if (error.name === 'AbortError') return;
        setChoices([]);
        setOpen(false);
        setFailed(true);
        setByHand(true);
        // What was typed is kept: the citizen goes on from there.
        spec.onFailure(typed.current.trim());
        setStatus(spec.failureStatus);
      },
    );
  };

  const onType = (next: string) => {
    typed.current = next;
    setText(next);
    spec.onTyped();
    clearTimeout(timer.current);
    const query = spec.queryOf(next);
    if (query === undefined) {
      setChoices([]);
      setOpen(false);
      return;
    }
    timer.current = setTimeout(() => lookup(query), spec.debounceMs);
  };

  /** A suggestion taken: `shown` in the input, the list closed, the inputs typed by hand put away, `said` announced. */
  const chosen = (shown: string, said: string) => {
    typed.current = shown;
    setText(shown);
    setOpen(false);
    setByHand(false);
    setStatus(said);
  };

  return { text, choices, open, setOpen, status, failed, byHand, setByHand, onType, chosen };
}

export type SearchState<C extends ComboboxChoice> = ReturnType<typeof useSearchCombobox<C>>;

/** The errors of a field and its parts, each message once. */
export function fieldMessage(errors: ReadonlyArray<{ message: string } | undefined>): string {
  return [...new Set(errors.filter((e) => e !== undefined).map((e) => e.message))].join(' ');
}

/** The combobox, its live status, and the status again as a hint when the search does not answer. */
export function SearchCombobox<C extends ComboboxChoice>(props: {
  search: SearchState<C>;
  model: FieldModel;
  id: string;
  formId?: string;
  label: string;
  message: string;
  required: boolean;
  onChoose: (choice: C) => void;
}) {
  const { search, model, id, message } = props;
  const described = [model.description && `${id}-aide`, message && `${id}-erreur`].filter(Boolean).join(' ');
  return (
    <>
      <Combobox
        id={`${id}-recherche`}
        formId={props.formId}
        label={props.label}
        listLabel={plainText(model.title)}
        text={search.text}
        choices={search.choices}
        open={search.open}
        setOpen={search.setOpen}
        onType={search.onType}
        onChoose={props.onChoose}
        describedBy={described}
        invalid={!!message}
        required={props.required}
      />
      <LiveStatus status={search.status} />
      {search.failed && <p className="hint">{search.status}</p>}
    </>
  );
}
