import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api';
import { errorText } from './common';
import type { CaseView as CaseFile } from '@guichet/shared';

/**
 * One request as the desk's API gives it, loaded once; `refresh` reads it
 * again after a transition (a failed read keeps what the page shows).
 */
export function useCaseFile(slug: string, id: string) {
  const [file, setFile] = useState<CaseFile | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const url = `/api/v1/services/${encodeURIComponent(slug)}/submissions/${encodeURIComponent(id)}`;

  const load = useCallback(() => api<CaseFile>(url).then(setFile, (e: unknown) => setFailure(errorText(e))), [url]);
  useEffect(() => {
    void load();
  }, [load]);

  const refresh = async (): Promise<CaseFile | null> => {
    const fresh = await api<CaseFile>(url).catch(() => null);
    if (fresh) setFile(fresh);
    return fresh;
  };

  return { file, setFile, failure, refresh };
}
