import { useCallback, useEffect, useRef, useState } from 'react';
import { withoutPointers } from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { lang } from '../lib/i18n';
import { dropLocalCopy, writeLocalCopy } from './draft-recovery';
import type { FormStore } from './store';
import type { Check, CheckLoader } from './validation';

/** Refusals that no retry will change: the page says them instead of « connexion perdue ». */
const REFUSALS = new Set(['SERVICE_CLOSED', 'SUBMISSION_LIMIT_REACHED']);

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date; partial: boolean }
  | { kind: 'offline' }
  /** The server is very busy (503 with Retry-After): the same save is sent again by itself after `seconds`. */
  | { kind: 'busy'; seconds: number }
  | { kind: 'checking' }
  /** Saved elsewhere since (another tab, another device); `keepable` while it is still a draft this tab may overwrite. */
  | { kind: 'conflict'; message: string; keepable: boolean }
  /** The server will not take this draft any more (service closed, limit reached): said once, no retry. */
  | { kind: 'refused'; message: string }
  /** The anonymous session ended: the answers on screen can go into a new draft. */
  | { kind: 'expired'; message: string };

/** What `saveNow` came to: everything on screen is on the server, or why not (said by the save status). */
export type SaveOutcome = 'saved' | 'offline' | 'conflict' | 'refused' | 'expired';

interface Options {
  store: FormStore;
  check: CheckLoader;
  draftId: string;
  /** Where the draft lives in the API (a request or a designer's trial). */
  base: string;
  revision: number;
  /** Defaults the draft did not have yet are saved like any answer (the server would not know them otherwise). */
  unsavedAtStart: boolean;
  /**
   * What is on screen at the start is not the server's (answers this browser kept while the connection was lost, the
   * tab closed since): saved as soon as the page opens, not only at the citizen's next change.
   */
  saveAtStart?: boolean;
}

/**
 * The draft's autosave: a second after the last change, what is valid goes to
 * the server and what is not yet stays in this browser; a lost connection is
 * retried, a conflict or a refusal is said once. `saveNow` flushes at once and
 * tells whether the server now has everything on screen: sending goes on only then.
 */
export function useAutosave({
  store,
  check,
  draftId,
  base,
  revision: start,
  unsavedAtStart,
  saveAtStart = false,
}: Options) {
  const revision = useRef(start);
  const savedVersion = useRef(unsavedAtStart ? -1 : store.version);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });

  const saveNow = useCallback(async (): Promise<SaveOutcome> => {
    window.clearTimeout(timer.current);
    let checkDraft: Check;
    try {
      checkDraft = await check.load();
    } catch {
      if (!inFlight.current && store.version === savedVersion.current) return 'saved';
      // The check's code did not load (./check.ts): as a lost connection, tried again later.
      setSave({ kind: 'offline' });
      timer.current = window.setTimeout(() => void saveNow(), 10_000);
      return 'offline';
    }
    if (inFlight.current) await inFlight.current;
    if (store.version === savedVersion.current) return 'saved';
    let outcome: SaveOutcome = 'saved';
    const version = store.version;
    const data = store.snapshot();
    // What is not valid yet stays in this browser; the server keeps everything else.
    const invalid = checkDraft(data, { mode: 'draft', locale: lang })
      .errors.map((e) => e.pointer ?? '')
      .filter((p) => p !== '');
    const clean = invalid.length ? (withoutPointers(data, invalid, 'remove') as Record<string, unknown>) : data;
    writeLocalCopy(draftId, { revision: revision.current, data });
    setSave({ kind: 'saving' });
    const attempt = api<{ revision: number; savedAt: string }>(base, {
      method: 'PATCH',
      body: { data: clean, expectedRevision: revision.current },
      busy: { onWait: (seconds) => setSave({ kind: 'busy', seconds }) },
    })
      .then((result) => {
        revision.current = result.revision;
        savedVersion.current = version;
        if (invalid.length === 0) dropLocalCopy(draftId);
        else writeLocalCopy(draftId, { revision: result.revision, data });
        setSave({ kind: 'saved', at: new Date(result.savedAt), partial: invalid.length > 0 });
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.body.code === 'CONFLICT' || error.body.code === 'NOT_A_DRAFT'))
          setSave({ kind: (outcome = 'conflict'), message: error.message, keepable: error.body.code === 'CONFLICT' });
        else if (error instanceof ApiError && REFUSALS.has(error.body.code))
          setSave({ kind: (outcome = 'refused'), message: error.message });
        else if (error instanceof ApiError && error.body.code === 'SESSION_EXPIRED')
          setSave({ kind: (outcome = 'expired'), message: error.message });
        else {
          setSave({ kind: (outcome = 'offline') });
          // Tried again later; the answers are in this browser meanwhile.
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => void saveNow(), 10_000);
        }
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = attempt;
    await attempt;
    return outcome;
  }, [store, check, draftId, base]);

  useEffect(() => {
    if (!saveAtStart) return;
    timer.current = window.setTimeout(() => void saveNow(), 0);
    return () => window.clearTimeout(timer.current);
    // Once, when the page opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(
    () =>
      store.subscribe(() => {
        if (store.version === savedVersion.current) return;
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => void saveNow(), 1000);
      }),
    [store, saveNow],
  );
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (store.version !== savedVersion.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [store]);

  /**
   * A conflict settled for this tab: the citizen chose the answers on screen over those saved elsewhere. They are
   * saved over the latest revision, knowingly (the other way, « Charger la dernière version », reloads the page).
   */
  const keepMine = useCallback(async (): Promise<SaveOutcome> => {
    try {
      const latest = await api<{ revision: number }>(base);
      revision.current = latest.revision;
    } catch {
      setSave({ kind: 'offline' });
      return 'offline';
    }
    savedVersion.current = -1;
    return saveNow();
  }, [base, saveNow]);

  /** After sending: what is on screen is the server's, nothing to keep here. */
  const markSent = useCallback(() => {
    dropLocalCopy(draftId);
    savedVersion.current = store.version;
  }, [draftId, store]);

  return { save, setSave, saveNow, keepMine, revision, markSent };
}
