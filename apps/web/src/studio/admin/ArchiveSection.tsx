import { useEffect, useState } from 'react';
import type { OrganisationArchiveView } from '@guichet/shared';
import { ApiError, api } from '../../lib/api';
import { tr } from '../../lib/i18n';
import { archiveMessage, archiveSize } from './archive-text';

/** How often the status is asked while the worker prepares the archive. */
const POLL_MS = 2000;

/**
 * All of the organisation's data in one ZIP (the same archive as the
 * operator's `export-organisation`), prepared by a worker: the admin asks,
 * the status is followed here and announced, then the file is downloaded
 * (24 hours).
 */
export function ArchiveSection({ organisationId }: { organisationId: string }) {
  const [archive, setArchive] = useState<OrganisationArchiveView | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const preparing = archive?.status === 'queued' || archive?.status === 'running';

  useEffect(() => {
    if (!preparing || !archive) return;
    let stopped = false;
    const timer = setTimeout(() => {
      api<OrganisationArchiveView>(archive.statusUrl)
        .then((next) => {
          if (!stopped) setArchive(next);
        })
        .catch((e: unknown) => {
          if (stopped) return;
          setArchive(null);
          setError(e instanceof Error ? e.message : String(e));
        });
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [archive, preparing]);

  const prepare = async () => {
    // aria-disabled rather than disabled: the button keeps the focus while the archive is prepared.
    if (busy || preparing) return;
    setBusy(true);
    setError('');
    try {
      setArchive(
        await api<OrganisationArchiveView>(`/api/v1/organisations/${encodeURIComponent(organisationId)}/archives`, {
          method: 'POST',
          body: {},
        }),
      );
    } catch (e) {
      setError(e instanceof ApiError || e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const message = error || (archive ? archiveMessage(archive) : '');
  const failed = !!error || archive?.status === 'failed';
  return (
    <section aria-labelledby="archive-titre" className="admin-section">
      <h2 id="archive-titre">{tr('Exporter les données de l’organisation', 'Export the organisation’s data')}</h2>
      <p>
        {tr(
          'L’archive est un fichier ZIP qui contient toutes les données de l’organisation : son profil, ses démarches et chacune de leurs versions publiées, les demandes (un tableau CSV par démarche et un fichier JSON Lines), leur historique, les messages et notes, les pièces jointes et documents émis, les agents et leurs rôles, avec un manifeste qui donne l’empreinte SHA-256 de chaque fichier. Aucun mot de passe, jeton ni secret n’y figure.',
          'The archive is a ZIP file holding all of the organisation’s data: its profile, its services and each of their published versions, the requests (a CSV table per service and a JSON Lines file), their history, messages and notes, attachments and issued documents, agents and their roles, with a manifest giving each file’s SHA-256 checksum. No password, token or secret is in it.',
        )}
      </p>
      <p>
        {tr(
          'Elle est préparée en arrière-plan, puis reste téléchargeable 24 heures. Elle contient des données personnelles : conservez-la en lieu sûr.',
          'It is prepared in the background, then stays downloadable for 24 hours. It holds personal data: keep it somewhere safe.',
        )}
      </p>
      <div className="actions">
        <button type="button" className="button" aria-disabled={busy || preparing || undefined} onClick={prepare}>
          {tr('Préparer l’archive', 'Prepare the archive')}
        </button>
      </div>
      <p
        role="status"
        aria-live="polite"
        className={
          message
            ? `notice ${failed ? 'notice--error' : archive?.status === 'ready' ? 'notice--success' : ''} admin-status`
            : 'admin-status'
        }
      >
        {message}
      </p>
      {archive?.status === 'ready' && archive.downloadUrl ? (
        <p>
          <a href={archive.downloadUrl} download>
            {tr(
              `Télécharger l’archive (ZIP, ${archiveSize(archive.bytes ?? 0)})`,
              `Download the archive (ZIP, ${archiveSize(archive.bytes ?? 0)})`,
            )}
          </a>
        </p>
      ) : null}
    </section>
  );
}
