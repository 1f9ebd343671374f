import { useCallback, useEffect, useState } from 'react';
import { type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { type Apply } from './FieldPanel';

export interface History {
  def: ServiceDefinition;
  past: ServiceDefinition[];
  future: ServiceDefinition[];
  /** Keystrokes in the same input within a moment are one step of undo. */
  source?: string;
  at: number;
}

/** The workbench's definition with its undo and redo (buttons and keys), and what to announce of them. */
export function useWorkbenchHistory(draft: ServiceDefinition) {
  const [history, setHistory] = useState<History>({ def: draft, past: [], future: [], at: 0 });
  const [announce, setAnnounce] = useState('');

  const apply: Apply = useCallback((change, source, message) => {
    setHistory((h) => {
      const next = change(h.def);
      if (next === h.def) return h;
      const now = Date.now();
      const coalesce = source !== undefined && source === h.source && now - h.at < 1500;
      return { def: next, past: coalesce ? h.past : [...h.past.slice(-99), h.def], future: [], source, at: now };
    });
    if (message) setAnnounce(message);
  }, []);
  const undo = useCallback(() => {
    setHistory((h) => {
      const prev = h.past[h.past.length - 1];
      return prev ? { def: prev, past: h.past.slice(0, -1), future: [h.def, ...h.future], at: 0 } : h;
    });
    setAnnounce(tr('Modification annulée.', 'Change undone.'));
  }, []);
  const redo = useCallback(() => {
    setHistory((h) => {
      const next = h.future[0];
      return next ? { def: next, past: [...h.past, h.def], future: h.future.slice(1), at: 0 } : h;
    });
    setAnnounce(tr('Modification rétablie.', 'Change redone.'));
  }, []);

  // Undo and redo wherever focus is on the page (even nowhere, on body): never the browser's own undo into an input.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      // The JSON tab keeps the text editor's own undo.
      if ((event.target as HTMLElement | null)?.id === 'studio-json') return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        redo();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [undo, redo]);

  return {
    def: history.def,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    apply,
    undo,
    redo,
    announce,
  };
}
