import { useEffect, useRef, useState } from 'react';
import { ErrorSummary, type SummaryItem } from '../form/ErrorSummary';
import { idOf } from '../form/model';
import { ApiError, api, signInUrl } from '../lib/api';
import { tr } from '../lib/i18n';
import { usePageTitle } from '../lib/title';
import { CharacterCount, overLimitMessage } from './CharacterCount';
import { actionErrorText } from './common';
import type { CaseAction, CaseView } from '@guichet/shared';

const POINTER = '/motivation';
const FIELD = idOf(POINTER);

export type TransitionOutcome =
  | { kind: 'done'; status: string }
  /** Someone acted in between (CONFLICT) or the status no longer allows it (TRANSITION_NOT_AVAILABLE). */
  | { kind: 'stale'; code: string; comment: string };

/**
 * Why a transition was not recorded, and what to do, the motivation kept on the page: the API's words, except
 * where they would mislead here (a network failure: the decision may have gone through, and confirming again is
 * safe; an ended session: her motivation is not lost by signing in again in another tab).
 */
function failureText(error: unknown): string {
  if (error instanceof ApiError && error.body.code === 'NETWORK')
    return tr(
      'Le serveur ne répond pas : la décision n’a peut-être pas été enregistrée. Votre motivation est gardée sur cette page ; vérifiez votre connexion puis confirmez à nouveau (une décision déjà enregistrée ne sera pas prise deux fois).',
      'The server does not answer: the decision may not have been recorded. Your motivation is kept on this page; check your connection, then confirm again (a decision already recorded is not taken twice).',
    );
  if (error instanceof ApiError && error.status === 401)
    return tr(
      'Votre session a pris fin : la décision n’a pas été enregistrée. Reconnectez-vous dans un nouvel onglet, puis confirmez à nouveau ici.',
      'Your session ended: the decision was not recorded. Sign in again in a new tab, then confirm again here.',
    );
  return actionErrorText(error);
}

/**
 * One transition of the request: its motivation (required where the
 * workflow says so, with the citizen forms' error pattern) and, for a
 * decision, a confirmation step before anything is sent.
 */
export function TransitionForm({
  file,
  action,
  title,
  onCancel,
  onOutcome,
}: {
  file: CaseView;
  action: CaseAction;
  /** The page's title, prefixed with "Erreur : " while the form shows errors. */
  title: string;
  onCancel: () => void;
  onOutcome: (outcome: TransitionOutcome) => void;
}) {
  const [comment, setComment] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [errors, setErrors] = useState<SummaryItem[]>([]);
  const [busy, setBusy] = useState(false);
  /** Said while a very busy server is asked again (Retry-After), the motivation kept. */
  const [waiting, setWaiting] = useState('');
  /** The session ended: a sign-in in another tab, then the same decision confirmed again from this page. */
  const [signedOut, setSignedOut] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const focusSummary = useRef(false);
  const focusField = useRef(false);
  usePageTitle(errors.length ? `${tr('Erreur : ', 'Error: ')}${title}` : title);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    if (focusSummary.current && errors.length) summaryRef.current?.focus();
    focusSummary.current = false;
  }, [errors]);
  useEffect(() => {
    if (step === 'confirm') confirmRef.current?.focus();
    else if (focusField.current) document.getElementById(FIELD)?.focus();
    focusField.current = false;
  }, [step]);

  const fieldError = errors.find((e) => e.pointer === POINTER)?.message;
  const label = tr('Motivation', 'Motivation');
  const showErrors = (items: SummaryItem[]) => {
    focusSummary.current = true;
    setStep('edit');
    setErrors(items);
  };

  const fire = async () => {
    if (busy) return;
    setBusy(true);
    setSignedOut(false);
    try {
      // The revision read makes a repeat harmless: a decision that went through is refused as stale, then said as
      // already recorded (DecisionPanel), never taken twice; so a very busy server's 503 is retried as the form does.
      const result = await api<{ status: string }>(`/api/v1/submissions/${file.id}/transitions`, {
        method: 'POST',
        body: {
          transition: action.transition,
          ...(comment.trim() ? { comment: comment.trim() } : {}),
          expectedRevision: file.revision,
        },
        busy: {
          onWait: (seconds) =>
            setWaiting(
              tr(
                `Le service est très chargé : nouvel essai dans ${seconds} seconde${seconds > 1 ? 's' : ''}… Votre motivation est gardée.`,
                `The service is very busy: trying again in ${seconds} second${seconds > 1 ? 's' : ''}… Your motivation is kept.`,
              ),
            ),
        },
      });
      onOutcome({ kind: 'done', status: result.status });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409)
        return onOutcome({ kind: 'stale', code: e.body.code, comment: comment.trim() });
      if (e instanceof ApiError && e.body.code === 'COMMENT_REQUIRED')
        return showErrors([{ pointer: POINTER, code: 'required', message: e.body.message, label }]);
      if (e instanceof ApiError && e.status === 401) setSignedOut(true);
      showErrors([{ code: 'server', message: failureText(e), label: '' }]);
    } finally {
      setWaiting('');
      setBusy(false);
    }
  };

  const next = (event: React.FormEvent) => {
    event.preventDefault();
    if (action.commentRequired && !comment.trim()) {
      return showErrors([
        {
          pointer: POINTER,
          code: 'required',
          message: tr(
            'Écrivez la motivation : elle est obligatoire pour cette action et sera lue par l’usager.',
            'Write the motivation: this action requires one, and the citizen will read it.',
          ),
          label,
        },
      ]);
    }
    const tooLong = overLimitMessage(comment.trim());
    if (tooLong) return showErrors([{ pointer: POINTER, code: 'maxLength', message: tooLong, label }]);
    setErrors([]);
    if (action.final) setStep('confirm');
    else void fire();
  };

  return (
    <section className="desk-transition" id="formulaire-action" aria-labelledby="formulaire-action-titre">
      <h3 id="formulaire-action-titre" tabIndex={-1} ref={headingRef}>
        {action.label}
      </h3>
      <ErrorSummary ref={summaryRef} items={errors} />
      {signedOut && (
        <p className="notice notice--warning">
          <a href={signInUrl('agent', window.location.pathname)} target="_blank" rel="noopener">
            {tr('Se reconnecter (nouvel onglet)', 'Sign in again (new tab)')}
          </a>
          {tr(
            ' : une fois reconnecté, revenez sur cet onglet et validez à nouveau. Votre motivation est gardée ici.',
            ': once signed in, come back to this tab and confirm again. Your motivation is kept here.',
          )}
        </p>
      )}
      <p role="status" className="desk-status">
        {waiting}
      </p>
      {step === 'edit' ? (
        <form noValidate onSubmit={next}>
          <div className={`field${fieldError ? ' field--error' : ''}`}>
            <label htmlFor={FIELD}>
              {label}{' '}
              {action.commentRequired ? (
                <span className="required">{tr('(obligatoire)', '(required)')}</span>
              ) : (
                tr('(facultative)', '(optional)')
              )}
            </label>
            <p className="hint" id={`${FIELD}-aide`}>
              {action.final
                ? tr(
                    'Visible par l’usager et reprise dans le courrier de décision.',
                    'Shown to the citizen and quoted in the decision letter.',
                  )
                : tr(
                    'Visible par l’usager, dans son suivi et dans le courriel qui l’avertit.',
                    'Shown to the citizen, in their request and in the email that tells them.',
                  )}
            </p>
            {fieldError && (
              <p className="error-message" id={`${FIELD}-erreur`}>
                <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
                {fieldError}
              </p>
            )}
            <textarea
              id={FIELD}
              rows={5}
              value={comment}
              required={action.commentRequired}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={[`${FIELD}-aide`, `${FIELD}-compte`, fieldError && `${FIELD}-erreur`]
                .filter(Boolean)
                .join(' ')}
              onChange={(e) => setComment(e.target.value)}
            />
            <CharacterCount id={FIELD} value={comment} />
          </div>
          <div className="actions">
            <button type="submit" className="button" aria-disabled={busy || undefined}>
              {action.final ? tr('Continuer', 'Continue') : action.label}
            </button>
            <button type="button" className="button button--secondary" onClick={onCancel}>
              {tr('Annuler', 'Cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="desk-confirm">
          <p tabIndex={-1} ref={confirmRef}>
            {tr('Vous allez prendre la décision « ', 'You are about to decide “')}
            <strong>{action.label}</strong>
            {tr(' » sur la demande ', '” on request ')}
            {file.reference}
            {tr(
              '. L’usager en sera informé par courriel ; la décision ne pourra pas être annulée.',
              '. The citizen will be told by email; the decision cannot be undone.',
            )}
          </p>
          {comment.trim() ? (
            <>
              <p className="label">{tr('Motivation :', 'Motivation:')}</p>
              <blockquote className="comment">{comment.trim()}</blockquote>
            </>
          ) : (
            <p>{tr('Sans motivation.', 'Without a motivation.')}</p>
          )}
          <div className="actions">
            <button type="button" className="button" aria-disabled={busy || undefined} onClick={() => void fire()}>
              {tr('Confirmer la décision', 'Confirm the decision')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                focusField.current = true;
                setStep('edit');
              }}
            >
              {tr('Modifier la motivation', 'Change the motivation')}
            </button>
            <button type="button" className="link-button" onClick={onCancel}>
              {tr('Annuler', 'Cancel')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
