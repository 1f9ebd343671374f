import type { OrganisationArchiveView } from '@guichet/shared';
import { formatDateTime, formatNumber, tr } from '../../lib/i18n';

/** 123 Mo, 45 Ko (decimal units, as file managers show them in French). */
export function archiveSize(bytes: number): string {
  if (bytes >= 1_000_000) {
    const mb = formatNumber(Math.round(bytes / 100_000) / 10);
    return tr(`${mb} Mo`, `${mb} MB`);
  }
  const kb = formatNumber(Math.max(1, Math.round(bytes / 1000)));
  return tr(`${kb} Ko`, `${kb} KB`);
}

/** What the status region says about an archive. */
export function archiveMessage(archive: OrganisationArchiveView): string {
  if (archive.status === 'ready')
    return tr(
      `Archive prête (${archiveSize(archive.bytes ?? 0)}), disponible jusqu’au ${formatDateTime(archive.expiresAt)}.`,
      `Archive ready (${archiveSize(archive.bytes ?? 0)}), available until ${formatDateTime(archive.expiresAt)}.`,
    );
  if (archive.status === 'failed')
    return archive.error ?? tr('L’archive n’a pas pu être préparée.', 'The archive could not be prepared.');
  return tr('Archive en préparation…', 'Preparing the archive…');
}
