import { useRef, useState } from 'react';
import { tr } from '../lib/i18n';
import { TransitionForm, type TransitionOutcome } from './TransitionForm';
import type { Me } from '../lib/api';
import type { CaseAction, CaseView as CaseFile } from '@guichet/shared';

/** What the page says at its top after an action: focused, a status or an alert. */
export interface Notice {
  kind: 'success' | 'error';
  text: string;
  /** Text the caseworker typed and that was not recorded, given back to copy (a motivation come too late). */
  unsent?: { label: string; text: string };
}

/**
 * What a transition's outcome tells the caseworker, with the request as it is now. A refusal as stale may be
 * her own decision, recorded from another tab or before the connection dropped on its answer: she is told so,
 * not that a colleague came first (and the citizen was told once, not twice).
 */
function outcomeNotice(
  outcome: TransitionOutcome,
  action: CaseAction | null,
  fresh: CaseFile | null,
  before: string,
  meId: string,
): Notice {
  const now = fresh?.statusLabel ?? before;
  if (outcome.kind === 'stale') {
    const last = fresh?.history.filter((e) => e.type === 'transition').at(-1);
    if (last && last.actor === `account:${meId}` && last.transition === action?.transition) {
      return {
        kind: 'success',
        text: tr(
          `Cette décision était déjà enregistrée (depuis un autre onglet, ou avant que la connexion ne coupe) : la demande est « ${now} ». Elle n’a pas été prise une seconde fois.`,
          `This decision was already recorded (from another tab, or before the connection dropped): the request is “${now}”. It was not taken twice.`,
        ),
      };
    }
    const unsent = outcome.comment
      ? {
          label: tr(
            'Votre motivation, non enregistrée (à copier si vous en avez besoin) :',
            'Your motivation, not recorded (copy it if you need it):',
          ),
          text: outcome.comment,
        }
      : undefined;
    if (last && last.actor === `account:${meId}`) {
      return {
        kind: 'error',
        unsent,
        text: tr(
          `Vous avez déjà agi sur cette demande depuis un autre onglet : elle est maintenant « ${now} ». Cette action n’a pas été enregistrée.`,
          `You already acted on this request from another tab: it is now “${now}”. This action was not recorded.`,
        ),
      };
    }
    return { ...staleNotice(outcome, now), unsent };
  }
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

function staleNotice(outcome: Extract<TransitionOutcome, { kind: 'stale' }>, now: string): Notice {
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
  me,
  title,
  onNotice,
  refresh,
}: {
  file: CaseFile;
  me: Me;
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
    onNotice(outcomeNotice(outcome, action, fresh, before, me.id));
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
