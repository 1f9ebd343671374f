import { useCallback, useEffect, useRef, useState } from 'react';
import { type ErrorItem, type ServiceDefinition, type ServiceView } from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { studioProblem } from './definition';
import { errorText } from './errors';

export type Save =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'invalid' }
  | { kind: 'conflict' }
  | { kind: 'offline'; message: string };

/** Autosave of the workbench: a PUT a moment after the last change, with If-Match. */
export function useWorkbenchSave(view: ServiceView, def: ServiceDefinition) {
  const [problems, setProblems] = useState<ErrorItem[]>([]);
  const [save, setSave] = useState<Save>({ kind: 'idle' });
  const revision = useRef(view.draftRevision);
  const saved = useRef<ServiceDefinition>(view.draft);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(def);
  latest.current = def;
  const conflict = useRef(false);
  const problemsRef = useRef<ErrorItem[]>([]);

  const saveNow = useCallback(async (): Promise<boolean> => {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    const sending = latest.current;
    if (sending === saved.current || conflict.current) return !conflict.current && problemsRef.current.length === 0;
    setSave({ kind: 'saving' });
    const attempt = api<ServiceView>(`/api/v1/services/${encodeURIComponent(view.slug)}/draft`, {
      method: 'PUT',
      body: sending,
      headers: { 'If-Match': `"${revision.current}"` },
    })
      .then((result) => {
        revision.current = result.draftRevision;
        saved.current = sending;
        problemsRef.current = [];
        setProblems([]);
        setSave({ kind: 'saved', at: new Date() });
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 422) {
          saved.current = sending;
          problemsRef.current = (
            error.body.errors ?? [{ pointer: '', code: error.body.code, message: error.message }]
          ).map(studioProblem);
          setProblems(problemsRef.current);
          setSave({ kind: 'invalid' });
        } else if (error instanceof ApiError && error.status === 409) {
          conflict.current = true;
          setSave({ kind: 'conflict' });
        } else {
          setSave({ kind: 'offline', message: errorText(error) });
          timer.current = window.setTimeout(() => void saveNow(), 10_000);
        }
        return false;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = attempt;
    return attempt;
  }, [view.slug]);

  useEffect(() => {
    if (def === saved.current) return;
    setSave((s) => (s.kind === 'conflict' ? s : { kind: 'pending' }));
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), 800);
  }, [def, saveNow]);
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (latest.current !== saved.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, []);

  return { save, problems, saveNow };
}
