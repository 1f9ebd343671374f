import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { formatNumber, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import type { ErrorItem } from '@guichet/shared';
import { type FieldChange, type PublishPreview } from '@guichet/shared';
import { errorText } from './errors';

const TYPE_NAMES: Record<string, () => string> = {
  string: () => tr('texte', 'text'),
  integer: () => tr('nombre entier', 'whole number'),
  number: () => tr('nombre', 'number'),
  boolean: () => tr('oui/non', 'yes/no'),
  object: () => tr('groupe', 'group'),
  array: () => tr('liste', 'list'),
  choice: () => tr('choix', 'choice'),
};
const typeName = (t?: string) => (t ? (TYPE_NAMES[t]?.() ?? t) : '');
const name = (c: FieldChange) => `« ${c.title ?? c.pointer} »`;

/** Publish: first what would change, in words, then the confirmation. */
/** A problem that blocks publishing, in words, with the way to it. */
export interface Blocker {
  problem: ErrorItem;
  label: string;
  go: () => void;
}

export function PublishPanel({
  slug,
  flush,
  hasProblems,
  blockers,
}: {
  slug: string;
  flush: () => Promise<boolean>;
  hasProblems: boolean;
  blockers: Blocker[];
}) {
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [blocked, setBlocked] = useState(false);
  const blockedRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (blocked) blockedRef.current?.focus();
  }, [blocked]);
  // Fixed one by one, the list shrinks; once empty it goes.
  if (blocked && blockers.length === 0) setBlocked(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; version?: number } | null>(null);
  const panel = useRef<HTMLElement>(null);
  // « Ne pas publier maintenant » takes itself away: focus returns to « Publier… », which comes back.
  const openButton = useRef<HTMLButtonElement>(null);
  const [backToOpen, setBackToOpen] = useState(false);
  useEffect(() => {
    if (backToOpen && !preview) {
      openButton.current?.focus();
      setBackToOpen(false);
    }
  }, [backToOpen, preview]);
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (preview) panel.current?.focus();
  }, [preview]);
  useEffect(() => {
    if (message) result.current?.focus();
  }, [message]);

  const open = async () => {
    setMessage(null);
    if (blockers.length > 0) {
      setBlocked(false);
      queueMicrotask(() => setBlocked(true));
      return;
    }
    setBusy(true);
    try {
      const ok = await flush();
      if (!ok || hasProblems) {
        setMessage({
          ok: false,
          text: tr(
            'Le brouillon n’est pas enregistré : corrigez d’abord les problèmes signalés.',
            'The draft is not saved: fix the problems listed first.',
          ),
        });
        return;
      }
      setPreview(await api<PublishPreview>(`/api/v1/services/${slug}/publish/preview`, { method: 'POST' }));
    } catch (error) {
      setMessage({ ok: false, text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      const { version } = await api<{ version: number }>(`/api/v1/services/${slug}/publish`, { method: 'POST' });
      setPreview(null);
      setMessage({ ok: true, text: tr(`Version ${version} publiée.`, `Version ${version} published.`), version });
    } catch (error) {
      setMessage({ ok: false, text: errorText(error) });
    } finally {
      setBusy(false);
    }
  };

  const d = preview?.diff;
  const nothing =
    d && !d.added.length && !d.removed.length && !d.retyped.length && !d.madeRequired.length && !d.moved.length;
  return (
    <div className="studio-publish">
      {!preview && (
        <button
          ref={openButton}
          type="button"
          className="button"
          onClick={() => void open()}
          aria-disabled={busy || undefined}
        >
          {tr('Publier…', 'Publish…')}
        </button>
      )}
      {blocked && blockers.length > 0 && (
        <div
          ref={blockedRef}
          tabIndex={-1}
          className="error-summary"
          role="alert"
          aria-labelledby="studio-publication-bloquee"
        >
          <h2 id="studio-publication-bloquee">
            {blockers.length === 1
              ? tr(
                  '1 problème empêche la publication : les usagers ne pourraient pas remplir le formulaire',
                  '1 problem prevents publishing: citizens could not fill in the form',
                )
              : tr(
                  `${blockers.length} problèmes empêchent la publication : les usagers ne pourraient pas remplir le formulaire`,
                  `${blockers.length} problems prevent publishing: citizens could not fill in the form`,
                )}
          </h2>
          <ul>
            {blockers.map((b, i) => (
              <li key={i}>
                <button type="button" className="link-button" onClick={b.go}>
                  {b.label} : {b.problem.message}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {message && (
        <div
          ref={result}
          tabIndex={-1}
          className={`notice ${message.ok ? 'notice--success' : 'notice--error'}`}
          role={message.ok ? 'status' : 'alert'}
        >
          <p>
            {message.text}{' '}
            {message.ok && (
              <a href={`/demarches/${slug}`} onClick={onLinkClick}>
                {tr('Voir la démarche en ligne', 'See the service online')}
              </a>
            )}
          </p>
        </div>
      )}
      {preview && d && (
        <section ref={panel} tabIndex={-1} aria-labelledby="studio-publier-titre" className="studio-publish-panel">
          <h2 id="studio-publier-titre">
            {preview.fromVersion === null
              ? tr('Publier la première version', 'Publish the first version')
              : tr(
                  `Publier la version ${preview.toVersion} (en ligne : version ${preview.fromVersion})`,
                  `Publish version ${preview.toVersion} (online: version ${preview.fromVersion})`,
                )}
          </h2>
          {nothing ? (
            <p>
              {tr(
                'Aucun champ ne change par rapport à la version en ligne.',
                'No field changes from the online version.',
              )}
            </p>
          ) : (
            <ul className="studio-changes">
              {d.added.length > 0 && (
                <li>
                  {tr('Champs ajoutés', 'Fields added')} : {d.added.map(name).join(', ')}
                </li>
              )}
              {d.removed.length > 0 && (
                <li>
                  {tr(
                    'Champs retirés (les réponses déjà données restent dans les demandes)',
                    'Fields removed (answers already given stay in the requests)',
                  )}{' '}
                  : {d.removed.map(name).join(', ')}
                </li>
              )}
              {d.retyped.length > 0 && (
                <li>
                  {tr('Champs dont le type de réponse change', 'Fields whose answer type changes')} :{' '}
                  {d.retyped.map((c) => `${name(c)} (${typeName(c.from)} → ${typeName(c.to)})`).join(', ')}
                </li>
              )}
              {d.madeRequired.length > 0 && (
                <li>
                  {tr('Champs devenus obligatoires', 'Fields now required')} : {d.madeRequired.map(name).join(', ')}
                </li>
              )}
              {d.moved.length > 0 && (
                <li>
                  {tr('Champs déplacés sur une autre étape', 'Fields moved to another step')} :{' '}
                  {d.moved.map(name).join(', ')}
                </li>
              )}
            </ul>
          )}
          <p>
            {preview.fromVersion === null
              ? tr('La démarche sera ouverte aux usagers.', 'The service will open to citizens.')
              : `${formatNumber(preview.impact.drafts)} ${tr(
                  'brouillon(s) en cours : leurs auteurs répondront aux nouvelles questions en reprenant leur demande',
                  'draft(s) in progress: their authors will answer the new questions when they resume',
                )} ; ${formatNumber(preview.impact.openSubmissions)} ${tr(
                  'demande(s) en cours d’instruction, qui gardent la version avec laquelle elles ont été déposées.',
                  'request(s) being processed, which keep the version they were filed with.',
                )}`}
          </p>
          <div className="actions">
            <button type="button" className="button" onClick={() => void confirm()} aria-disabled={busy || undefined}>
              {tr('Confirmer la publication', 'Confirm publication')}
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setPreview(null);
                setBackToOpen(true);
              }}
            >
              {tr('Ne pas publier maintenant', 'Not now')}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
