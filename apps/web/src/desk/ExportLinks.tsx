import { useState } from 'react';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';

interface PendingExport {
  exportId: string;
  status: 'pending' | 'running' | 'ready' | 'failed';
  statusUrl?: string;
  downloadUrl?: string;
}

/**
 * The export links. A small set streams straight into a download; past the
 * installation's limit the server answers 202 and a worker prepares the file:
 * the page then follows it and offers the download link when it is ready.
 */
export function ExportLinks({ base }: { base: string }) {
  const [message, setMessage] = useState('');
  const [ready, setReady] = useState<string | null>(null);
  const formats: Array<[string, string]> = [
    ['format=csv', tr('CSV, séparateur virgule', 'CSV, comma-separated')],
    [
      'format=csv&sep=semicolon',
      tr('CSV, séparateur point-virgule (tableurs en français)', 'CSV, semicolon-separated (French spreadsheets)'),
    ],
    ['format=xlsx', tr('Classeur Excel (XLSX)', 'Excel workbook (XLSX)')],
    ['format=jsonl', tr('JSON Lines, une demande par ligne', 'JSON Lines, one request a line')],
  ];
  const follow = async (statusUrl: string) => {
    for (let i = 0; i < 600; i++) {
      const state = await api<PendingExport>(statusUrl);
      if (state.status === 'ready' && state.downloadUrl) {
        setReady(state.downloadUrl);
        setMessage(tr('Votre export est prêt.', 'Your export is ready.'));
        return;
      }
      if (state.status === 'failed') {
        setMessage(tr('L’export a échoué ; réessayez.', 'The export failed; try again.'));
        return;
      }
      await new Promise((resolve) => window.setTimeout(resolve, 2000));
    }
  };
  const start = async (event: React.MouseEvent<HTMLAnchorElement>, url: string) => {
    event.preventDefault();
    setReady(null);
    const controller = new AbortController();
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: '*/*' } });
      if (response.status === 202) {
        const pending = (await response.json()) as PendingExport;
        setMessage(
          tr(
            'Beaucoup de demandes : le fichier est préparé en arrière-plan, le lien apparaîtra ici.',
            'Many requests: the file is being prepared, its link will appear here.',
          ),
        );
        await follow(pending.statusUrl ?? response.headers.get('Location') ?? '');
        return;
      }
      controller.abort();
      if (!response.ok) {
        setMessage(tr('L’export n’a pas pu être fait.', 'The export could not be made.'));
        return;
      }
      // Small enough to stream: the browser downloads it as a plain link would.
      window.location.assign(url);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') setMessage(String((error as Error).message));
    }
  };
  return (
    <>
      <ul className="desk-exports">
        {formats.map(([params, label]) => (
          <li key={params}>
            <a href={`${base}&${params}`} onClick={(e) => void start(e, `${base}&${params}`)}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <p role="status">
        {message} {ready && <a href={ready}>{tr('Télécharger l’export', 'Download the export')}</a>}
      </p>
    </>
  );
}
