import { useEffect, useState } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';
import { errorText } from './common';
import { answerFields } from './fields';
import { filterParams, type InboxState } from './inbox-state';
import type { DeskServiceView, InboxPage } from '@guichet/shared';

/**
 * The inbox's data: the service and the caseworker's columns once, then the
 * page of requests for each state of the address (the previous request
 * aborted), the filter errors the server found, and the selection, emptied
 * with each new page.
 */
export function useInbox(slug: string, state: InboxState) {
  const [service, setService] = useState<DeskServiceView | null>(null);
  const [columns, setColumns] = useState<string[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [page, setPage] = useState<InboxPage | null>(null);
  const [pageErrors, setPageErrors] = useState<ErrorItem[]>([]);
  const [status, setStatus] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reload, setReload] = useState(0);

  useEffect(() => {
    setService(null);
    setColumns(null);
    Promise.all([
      api<DeskServiceView>(`/api/v1/desk/services/${encodeURIComponent(slug)}`),
      api<{ columns: string[] }>(`/api/v1/me/preferences/columns/${encodeURIComponent(slug)}`),
    ]).then(
      ([s, prefs]) => {
        setService(s);
        setColumns(prefs.columns);
      },
      (e: unknown) => setFailure(errorText(e)),
    );
  }, [slug]);

  useEffect(() => {
    if (columns === null) return;
    const params = filterParams(state);
    if (state.cursor) params.set('cursor', state.cursor);
    if (state.limit) params.set('limit', state.limit);
    // A field since removed from the form is not asked for (the server would refuse the whole page).
    const known = service ? new Set(answerFields(service.definition).map((f) => f.pointer)) : new Set<string>();
    const asked = columns.filter((p) => known.has(p));
    if (asked.length) params.set('columns', asked.join(','));
    const controller = new AbortController();
    setPageErrors([]);
    api<InboxPage>(`/api/v1/services/${encodeURIComponent(slug)}/inbox?${params.toString()}`, {
      signal: controller.signal,
    }).then(
      (p) => {
        setPage(p);
        setSelected(new Set());
        setStatus(
          p.items.length === 0
            ? tr('Aucune demande ne correspond.', 'No request matches.')
            : p.items.length === 1
              ? tr('1 demande affichée.', '1 request shown.')
              : tr(`${p.items.length} demandes affichées.`, `${p.items.length} requests shown.`),
        );
      },
      (e: unknown) => {
        if ((e as Error).name === 'AbortError') return;
        setPage(null);
        if (e instanceof ApiError && e.body.errors?.length) setPageErrors(e.body.errors);
        else setFailure(errorText(e));
      },
    );
    return () => controller.abort();
  }, [slug, state, service, columns, reload]);

  return {
    service,
    columns,
    setColumns,
    failure,
    page,
    pageErrors,
    status,
    selected,
    setSelected,
    /** The same page again, after a batch action changed its requests. */
    reload: () => setReload((n) => n + 1),
  };
}
