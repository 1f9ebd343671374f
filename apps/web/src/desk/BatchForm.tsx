import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../form/field-parts';
import { api, type Me } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { errorText } from './common';
import { described, fieldClass } from './field-wiring';
import type { BatchResult, DeskServiceView } from '@guichet/shared';

type BatchChoice = '' | 'assign_me' | 'unassign' | `t:${string}`;

/**
 * One action on the selected requests (assign, unassign, a transition): a
 * decision is confirmed first; then each request's outcome, linked.
 */
export function BatchForm({
  slug,
  service,
  me,
  selected,
  onDone,
}: {
  slug: string;
  service: DeskServiceView;
  me: Me;
  selected: Array<{ id: string; reference: string | null }>;
  onDone: () => void;
}) {
  const [choice, setChoice] = useState<BatchChoice>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<{ rows: BatchResult[]; references: Map<string, string> } | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const resultsRef = useRef<HTMLHeadingElement>(null);
  const transition = choice.startsWith('t:') ? service.transitions.find((t) => t.name === choice.slice(2)) : undefined;

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  useEffect(() => {
    if (results) resultsRef.current?.focus();
  }, [results]);

  const stateLabel = (name: string | undefined) => service.states.find((s) => s.name === name)?.label ?? name ?? '';

  const check = (): boolean => {
    const next: Record<string, string> = {};
    if (selected.length === 0)
      next.selection = tr(
        'Sélectionnez au moins une demande dans le tableau.',
        'Select at least one request in the table.',
      );
    if (!choice) next.action = tr('Choisissez une action.', 'Choose an action.');
    if (transition?.commentRequired && !comment.trim())
      next.comment = tr(
        'Écrivez la motivation : elle est obligatoire pour cette action.',
        'Write the motivation: this action requires one.',
      );
    setErrors(next);
    const first = next.action ? 'lot-action' : next.comment ? 'lot-motivation' : next.selection ? 'lot-action' : null;
    if (first) document.getElementById(first)?.focus();
    return Object.keys(next).length === 0;
  };

  const run = async () => {
    setBusy(true);
    const references = new Map(selected.map((s) => [s.id, s.reference ?? s.id.slice(0, 8)]));
    const action =
      choice === 'assign_me'
        ? { assign: `account:${me.id}` }
        : choice === 'unassign'
          ? { assign: null }
          : { transition: transition!.name, ...(comment.trim() ? { comment: comment.trim() } : {}) };
    try {
      const answer = await api<{ results: BatchResult[] }>(`/api/v1/services/${encodeURIComponent(slug)}/batch`, {
        method: 'POST',
        body: { ids: selected.map((s) => s.id), action },
      });
      setResults({ rows: answer.results, references });
      setConfirming(false);
      setComment('');
      onDone();
    } catch (e) {
      setErrors({ action: errorText(e) });
      setConfirming(false);
      document.getElementById('lot-action')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (busy || !check()) return;
    if (transition?.final && !confirming) {
      setConfirming(true);
      return;
    }
    void run();
  };

  const ok = results?.rows.filter((r) => r.status === 200).length ?? 0;
  const outcome = (r: BatchResult) => {
    if (r.status !== 200) return `${tr('refusé', 'refused')} — ${r.message ?? r.code ?? r.status}`;
    if (r.result && 'assignee' in r.result)
      return r.result.assignee ? tr('attribuée à vous', 'assigned to you') : tr('attribution retirée', 'unassigned');
    return `${tr('nouvel état : ', 'new status: ')}${stateLabel(r.result?.status)}`;
  };

  return (
    <>
      <form noValidate onSubmit={submit} className="desk-batch" aria-labelledby="lot-titre">
        <h3 id="lot-titre">{tr('Action sur la sélection', 'Action on the selection')}</h3>
        <p id="lot-selection" className={errors.selection ? 'error-message' : undefined}>
          {errors.selection ? (
            <>
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {errors.selection}
            </>
          ) : selected.length === 0 ? (
            tr('Aucune demande sélectionnée.', 'No request selected.')
          ) : selected.length === 1 ? (
            tr('1 demande sélectionnée.', '1 request selected.')
          ) : (
            tr(`${selected.length} demandes sélectionnées.`, `${selected.length} requests selected.`)
          )}
        </p>
        <div className={fieldClass(errors.action)}>
          <label htmlFor="lot-action">{tr('Action', 'Action')}</label>
          <ErrorMessage id="lot-action" message={errors.action} />
          <select
            id="lot-action"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value as BatchChoice);
              setConfirming(false);
            }}
            aria-invalid={errors.action || errors.selection ? true : undefined}
            aria-describedby={['lot-selection', errors.action && 'lot-action-erreur'].filter(Boolean).join(' ')}
          >
            <option value="">{tr('Choisir une action', 'Choose an action')}</option>
            <option value="assign_me">{tr('Me les attribuer', 'Assign them to me')}</option>
            <option value="unassign">{tr('Retirer l’attribution', 'Unassign them')}</option>
            {service.transitions.map((t) => (
              <option key={t.name} value={`t:${t.name}`}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        {transition && (
          <div className={fieldClass(errors.comment)}>
            <label htmlFor="lot-motivation">
              {tr('Motivation', 'Motivation')}
              {transition.commentRequired ? (
                <span className="required"> {tr('(obligatoire)', '(required)')}</span>
              ) : (
                ` ${tr('(facultative)', '(optional)')}`
              )}
            </label>
            <p className="hint" id="lot-motivation-aide">
              {tr('Visible par chaque usager concerné.', 'Shown to each citizen concerned.')}
            </p>
            <ErrorMessage id="lot-motivation" message={errors.comment} />
            <textarea
              id="lot-motivation"
              rows={3}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              {...described('lot-motivation', errors.comment, true)}
            />
          </div>
        )}
        {confirming && transition ? (
          <div
            className="notice notice--warning"
            tabIndex={-1}
            ref={confirmRef}
            role="group"
            aria-labelledby="lot-confirmation"
          >
            <p id="lot-confirmation">
              {tr(
                `Vous allez prendre la décision « ${transition.label} » pour ${selected.length} demande(s). Chaque usager en sera informé ; la décision ne pourra pas être annulée.`,
                `You are about to decide “${transition.label}” for ${selected.length} request(s). Each citizen will be told; the decision cannot be undone.`,
              )}
            </p>
            <div className="actions">
              <button type="submit" className="button" aria-disabled={busy || undefined}>
                {tr('Confirmer la décision', 'Confirm the decision')}
              </button>
              <button type="button" className="button button--secondary" onClick={() => setConfirming(false)}>
                {tr('Revenir', 'Go back')}
              </button>
            </div>
          </div>
        ) : (
          <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
            {tr('Appliquer à la sélection', 'Apply to the selection')}
          </button>
        )}
      </form>
      {results && (
        <div className="desk-batch-results">
          <h3 id="lot-resultats" tabIndex={-1} ref={resultsRef}>
            {tr('Résultat de l’action', 'Result of the action')} :{' '}
            {tr(`${ok} réussie(s) sur ${results.rows.length}`, `${ok} of ${results.rows.length} done`)}
          </h3>
          <ul>
            {results.rows.map((r) => (
              <li key={r.id} className={r.status === 200 ? undefined : 'desk-result--refused'}>
                <a href={`/instruction/${slug}/${r.id}`} onClick={onLinkClick}>
                  {results.references.get(r.id) ?? r.id}
                </a>{' '}
                : {outcome(r)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
