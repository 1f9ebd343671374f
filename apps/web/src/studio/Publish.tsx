import { useEffect, useRef, useState } from 'react';
import { api } from '../lib/api';
import { formatNumber, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { errorText, type FieldChange, type PublishPreview } from './types';

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
export function PublishPanel({
  slug,
  flush,
  hasProblems,
}: {
  slug: string;
  flush: () => Promise<boolean>;
  hasProblems: boolean;
}) {
  const [preview, setPreview] = useState<PublishPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; version?: number } | null>(null);
  const panel = useRef<HTMLElement>(null);
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (preview) panel.current?.focus();
  }, [preview]);
  useEffect(() => {
    if (message) result.current?.focus();
  }, [message]);

  const open = async () => {
    setMessage(null);
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
        <button type="button" className="button" onClick={() => void open()} aria-disabled={busy || undefined}>
          {tr('Publier…', 'Publish…')}
        </button>
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
            <button type="button" className="button button--secondary" onClick={() => setPreview(null)}>
              {tr('Ne pas publier maintenant', 'Not now')}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
