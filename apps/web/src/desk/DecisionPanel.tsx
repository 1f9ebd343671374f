import { useRef, useState } from 'react';
import { tr } from '../lib/i18n';
import { TransitionForm, type TransitionOutcome } from './TransitionForm';
import type { CaseAction, CaseView as CaseFile } from '@guichet/shared';

/** What the page says at its top after an action: focused, a status or an alert. */
export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

/** What a transition's outcome tells the caseworker, with the request's status as it is now. */
function outcomeNotice(outcome: TransitionOutcome, action: CaseAction | null, now: string): Notice {
  if (outcome.kind === 'done') {
    return {
      kind: 'success',
      text: action?.final
        ? tr(
            `Décision enregistrée : la demande est « ${now} ». L’usager en est informé.`,
            `Decision recorded: the request is “${now}”. The citizen is told.`,
          )
        : tr(`C’est fait : la demande est « ${now} ».`, `Done: the request is “${now}”.`),
    };
  }
  return {
    kind: 'error',
    text:
      outcome.code === 'CONFLICT'
        ? tr(
            `Un collègue a agi sur cette demande pendant que vous la consultiez : votre action n’a pas été enregistrée et rien n’a été écrasé. État actuel : « ${now} ». Relisez la demande avant d’agir à nouveau.`,
            `A colleague acted on this request while you were reading it: your action was not recorded and nothing was overwritten. Current status: “${now}”. Read the request again before acting.`,
          )
        : tr(
            `Cette action n’est plus possible : la demande est maintenant « ${now} ». Rien n’a été modifié.`,
            `This action is no longer possible: the request is now “${now}”. Nothing was changed.`,
          ),
  };
}

/**
 * « Instruire »: the transitions the request's status allows, one open at a
 * time in its form; closing it puts the focus back on its button.
 */
export function DecisionPanel({
  file,
  title,
  onNotice,
  refresh,
}: {
  file: CaseFile;
  /** The page's title, for the transition form's error prefix. */
  title: string;
  onNotice: (notice: Notice | null) => void;
  /** Reads the request again; null if that failed. */
  refresh: () => Promise<CaseFile | null>;
}) {
  const [open, setOpen] = useState<CaseAction | null>(null);
  const actionButtons = useRef(new Map<string, HTMLButtonElement>());

  const closeForm = () => {
    const name = open?.transition;
    setOpen(null);
    if (name) actionButtons.current.get(name)?.focus();
  };

  const onOutcome = async (outcome: TransitionOutcome) => {
    const action = open;
    setOpen(null);
    const before = file.statusLabel;
    const fresh = await refresh();
    onNotice(outcomeNotice(outcome, action, fresh?.statusLabel ?? before));
  };

  return (
    <section aria-labelledby="instruire">
      <h2 id="instruire">{tr('Instruire', 'Process')}</h2>
      {file.actions.length === 0 ? (
        <p>
          {tr(
            `Aucune action possible dans l’état « ${file.statusLabel} ».`,
            `No action is possible in the status “${file.statusLabel}”.`,
          )}
        </p>
      ) : (
        <ul className="desk-transitions">
          {file.actions.map((action) => (
            <li key={action.transition}>
              <button
                type="button"
                className={`button${open?.transition === action.transition ? '' : ' button--secondary'}`}
                aria-expanded={open?.transition === action.transition}
                aria-controls={open?.transition === action.transition ? 'formulaire-action' : undefined}
                ref={(el) => {
                  if (el) actionButtons.current.set(action.transition, el);
                  else actionButtons.current.delete(action.transition);
                }}
                onClick={() => {
                  onNotice(null);
                  setOpen(open?.transition === action.transition ? null : action);
                }}
              >
                {action.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <TransitionForm
          key={open.transition}
          file={file}
          action={open}
          title={title}
          onCancel={closeForm}
          onOutcome={(o) => void onOutcome(o)}
        />
      )}
    </section>
  );
}
