/** The panel's labelled controls: a text input, a text area, a checkbox, a select. */
export function TextInput({
  id,
  label,
  value,
  onChange,
  numeric,
  error,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  numeric?: boolean;
  /** Said under the label, tied to the input, which is marked invalid. */
  error?: string;
  /** The id of a notice elsewhere that tells what changing this does (a group shared by several places). */
  describedBy?: string;
}) {
  const described = [error ? `${id}-erreur` : undefined, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          {error}
        </p>
      )}
      <input
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        inputMode={numeric ? 'decimal' : undefined}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function TextArea({
  id,
  label,
  value,
  onChange,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  describedBy?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={2}
        value={value}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function Check({
  id,
  label,
  checked,
  onChange,
  describedBy,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  describedBy?: string;
}) {
  return (
    <div className="choice">
      <input
        type="checkbox"
        id={id}
        checked={checked}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function Select({
  id,
  label,
  value,
  options,
  onChange,
  describedBy,
}: {
  id: string;
  label: string;
  value: string;
  options: Array<[string, string]>;
  onChange: (v: string) => void;
  describedBy?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}
