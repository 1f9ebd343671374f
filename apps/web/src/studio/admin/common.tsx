import { forwardRef, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../../lib/api';
import { tr } from '../../lib/i18n';

export type Role = 'admin' | 'designer' | 'caseworker';
export const ROLES: readonly Role[] = ['admin', 'designer', 'caseworker'];
export const ROLE_LABELS: Record<Role, () => string> = {
  admin: () => tr('Administrateur', 'Administrator'),
  designer: () => tr('Concepteur de démarches', 'Designer'),
  caseworker: () => tr('Instructeur', 'Caseworker'),
};

export interface Profile {
  id: string;
  slug: string;
  name: string;
  contact: { email: string | null; phone: string | null; address: string | null; website: string | null };
  accentColor: string | null;
  logoUrl: string | null;
  updatedAt: string;
}

export interface Agent {
  id: string;
  email: string;
  role: Role;
  service: { id: string; slug: string; title: string } | null;
  group: string | null;
  createdAt: string;
}

export interface ServiceSummary {
  slug: string;
  title: string;
  organisationId: string;
}

/** One problem of a form: the field it concerns (its id), its label, the message. */
export interface Problem {
  fieldId?: string;
  label: string;
  message: string;
}

/**
 * The problems of a failed call, each tied to its field through the error's
 * JSON pointer (`fields` maps pointers to field ids and labels); the rest
 * (no pointer, a refusal of the whole request) is shown without a link.
 */
export function problemsOf(error: unknown, fields: Record<string, { id: string; label: string }>): Problem[] {
  if (!(error instanceof ApiError))
    return [{ label: '', message: error instanceof Error ? error.message : String(error) }];
  const items = error.body.errors ?? [];
  const tied = items.flatMap((item) => {
    const field = item.pointer !== undefined ? fields[item.pointer] : undefined;
    return field ? [{ fieldId: field.id, label: field.label, message: item.message }] : [];
  });
  return tied.length ? tied : [{ label: '', message: items[0]?.message ?? error.body.message }];
}

export const errorOf = (problems: Problem[], fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;

/**
 * A form's error summary (RGAA 11.10): it takes focus when the form fails,
 * and each link puts the focus on its field.
 */
export const ErrorList = forwardRef<HTMLDivElement, { id: string; problems: Problem[] }>(function ErrorList(
  { id, problems },
  ref,
) {
  if (problems.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby={`${id}-titre`}>
      <h3 id={`${id}-titre`}>
        {problems.length === 1
          ? tr('Il y a une erreur dans ce formulaire', 'There is a problem in this form')
          : tr(
              `Il y a ${problems.length} erreurs dans ce formulaire`,
              `There are ${problems.length} problems in this form`,
            )}
      </h3>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.fieldId ? (
              <a
                href={`#${p.fieldId}`}
                onClick={(event) => {
                  event.preventDefault();
                  const target = document.getElementById(p.fieldId!);
                  target?.focus();
                  target?.scrollIntoView({ block: 'center' });
                }}
              >
                {p.label} : {p.message}
              </a>
            ) : (
              p.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
});

/** Problems of a form, and a summary that takes focus each time they are set after a submit. */
export function useProblems(): {
  problems: Problem[];
  show: (problems: Problem[]) => void;
  clear: () => void;
  summaryRef: React.RefObject<HTMLDivElement | null>;
} {
  const [problems, setProblems] = useState<Problem[]>([]);
  const summaryRef = useRef<HTMLDivElement>(null);
  const focus = useRef(false);
  useEffect(() => {
    if (focus.current && problems.length) summaryRef.current?.focus();
    focus.current = false;
  }, [problems]);
  return {
    problems,
    summaryRef,
    show: (next) => {
      focus.current = true;
      setProblems(next);
    },
    clear: () => setProblems([]),
  };
}

/** A labelled input with its hint and its error, tied by aria-describedby. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  multiline = false,
  required = false,
  autoComplete,
  maxLength,
  describedBy: extra,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'tel' | 'url';
  multiline?: boolean;
  required?: boolean;
  autoComplete?: string;
  maxLength?: number;
  /** Ids of more text that describes the field (a live figure). */
  describedBy?: string;
  /** Shown after the input (a live figure, a preview). */
  children?: ReactNode;
}) {
  const describedBy = [hint && `${id}-aide`, error && `${id}-erreur`, extra].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    required,
    maxLength,
    autoComplete,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  } as const;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>
        {label} {required ? <span className="required">{tr('(obligatoire)', '(required)')}</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={`${id}-aide`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-message" id={`${id}-erreur`}>
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {error}
        </p>
      ) : null}
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
      {children}
    </div>
  );
}

/** A message for screen readers and eyes alike, after something was done (role=status). */
export function Status({ message }: { message: string }) {
  return (
    <p role="status" className={message ? 'notice notice--success admin-status' : 'admin-status'}>
      {message}
    </p>
  );
}

/** A two-step removal: the button, then a question with confirm and cancel; focus follows. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
}: {
  /** The button's text, unique on the page (e.g. "Retirer claire@… (administrateur)"). */
  label: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const back = useRef(false);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (back.current) openRef.current?.focus();
    back.current = false;
  }, [asking]);
  if (!asking)
    return (
      <button
        type="button"
        className="button button--secondary button--small"
        ref={openRef}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <span className="admin-confirm" role="group" aria-label={question}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className="button button--small admin-danger"
        ref={confirmRef}
        aria-disabled={busy || undefined}
        onClick={async () => {
          if (busy) return;
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          back.current = true;
          setAsking(false);
        }}
      >
        {tr('Annuler', 'Cancel')}
      </button>
    </span>
  );
}
