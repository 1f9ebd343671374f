import { useRef, useState, type KeyboardEvent } from 'react';
import { tr } from '../lib/i18n';
import { PALETTE, type FieldType } from './definition';

/**
 * The field types, one Tab stop (a toolbar with a roving tabindex): the
 * arrows, Home and End move between the types, Enter adds one.
 */
export function Palette({ onAdd }: { onAdd: (type: FieldType) => void }) {
  const [active, setActive] = useState(0);
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = PALETTE.length - 1;
    const next =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? Math.min(active + 1, last)
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? Math.max(active - 1, 0)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : -1;
    if (next < 0) return;
    event.preventDefault();
    setActive(next);
    buttons.current[next]?.focus();
  };
  return (
    <>
      <p className="hint" id="studio-palette-aide">
        {tr(
          'Les flèches passent d’un type de champ à l’autre ; Entrée ajoute le champ.',
          'Arrow keys move between field types; Enter adds the field.',
        )}
      </p>
      <div
        role="toolbar"
        aria-label={tr('Types de champ', 'Field types')}
        aria-describedby="studio-palette-aide"
        className="studio-palette-list"
        onKeyDown={onKeyDown}
      >
        {PALETTE.map((p, i) => (
          <button
            key={p.type}
            ref={(b) => {
              buttons.current[i] = b;
            }}
            type="button"
            className="button button--secondary button--small"
            tabIndex={i === active ? 0 : -1}
            onFocus={() => setActive(i)}
            onClick={() => onAdd(p.type)}
          >
            <span className="sr-only">{tr('Ajouter un champ ', 'Add a field ')}</span>
            {p.name()}
          </button>
        ))}
      </div>
    </>
  );
}
