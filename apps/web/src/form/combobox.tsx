import { useState, type KeyboardEvent } from 'react';

/** One suggestion of a combobox: a unique id (for `aria-activedescendant`) and what it says. */
export interface ComboboxChoice {
  id: string;
  label: string;
}

export interface ComboboxProps<C extends ComboboxChoice> {
  /** The input's id; the list is `{id}-liste`. */
  id: string;
  formId?: string;
  label: string;
  /** The list's accessible name. */
  listLabel?: string;
  text: string;
  choices: C[];
  open: boolean;
  setOpen: (open: boolean) => void;
  onType: (text: string) => void;
  onChoose: (choice: C) => void;
  describedBy?: string;
  invalid?: boolean;
  required?: boolean;
  autoComplete?: string;
}

/**
 * An editable combobox with a list of suggestions (WAI-ARIA 1.2 pattern,
 * « list autocomplete »), shared by the commune and address fields: focus
 * stays in the input; ↓ / ↑ move through the suggestions (wrapping;
 * `aria-activedescendant`), Entrée picks the highlighted one and never sends
 * the form, Échap closes the list (then clears the input); Début / Fin move
 * the caret in the input, as the pattern says for an editable combobox.
 * What was found is announced by the field's own live region.
 */
export function Combobox<C extends ComboboxChoice>(props: ComboboxProps<C>) {
  const { id, choices, open, setOpen } = props;
  const [active, setActive] = useState(-1);
  const listId = `${id}-liste`;
  const activeChoice = open && active >= 0 ? choices[active] : undefined;

  const choose = (choice: C) => {
    setActive(-1);
    props.onChoose(choice);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (choices.length === 0) return;
      event.preventDefault();
      setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + choices.length + (current === -1 && step < 0 ? 1 : 0)) % choices.length);
    } else if (event.key === 'Enter') {
      // Never sends the form from the search: Entrée picks the highlighted suggestion.
      event.preventDefault();
      if (open && active >= 0 && choices[active]) choose(choices[active]);
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        setOpen(false);
        setActive(-1);
      } else if (props.text) {
        event.preventDefault();
        props.onType('');
      }
    }
  };

  return (
    <div className="field combobox">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        form={props.formId}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeChoice?.id}
        aria-describedby={props.describedBy || undefined}
        aria-invalid={props.invalid || undefined}
        aria-required={props.required || undefined}
        autoComplete={props.autoComplete ?? 'off'}
        spellCheck={false}
        value={props.text}
        onChange={(e) => {
          setActive(-1);
          props.onType(e.target.value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul id={listId} role="listbox" className="combobox-list" hidden={!open} aria-label={props.listLabel}>
        {choices.map((choice, i) => (
          <li
            key={choice.id}
            id={choice.id}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox-option combobox-option--active' : 'combobox-option'}
            // Before the input's blur closes the list.
            onMouseDown={(e) => {
              e.preventDefault();
              choose(choice);
            }}
          >
            {choice.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
