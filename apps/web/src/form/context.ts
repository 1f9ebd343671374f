import { createContext, useContext } from 'react';
import type { PrefillMapping, SchemaSemantics } from '@guichet/shared';
import type { Schema, Ui } from './model';
import type { FormStore } from './store';

export interface UploadResult {
  attachmentId: string;
}

export interface FormContextValue {
  store: FormStore;
  root: Schema;
  prefill: PrefillMapping[];
  /** The root uiSchema's `ui:globalOptions` (globalOptionsOf): every field's options fall back to them, as in RJSF. */
  globalOptions?: Ui;
  /** RJSF's semantics, for definitions with conditions, alternatives or defaults (see semantics.ts). */
  semantics?: SchemaSemantics;
  /** Every key some page lists: a key that only a condition brings is drawn after the field before it. */
  pageKeys?: ReadonlySet<string>;
  /** Whether prefilled values came from FranceConnect in this session (a signed-in citizen). */
  signedIn: boolean;
  /**
   * The id of the step's `<form>`, which holds only the buttons: the fields
   * join it with the `form` attribute. Outside it, a keystroke does not make
   * the browser rebuild the form's list of hundreds of named controls.
   */
  formId?: string;
  /** Sends one file for a file field; absent in previews, where files cannot be sent. */
  upload?: (pointer: string, file: File, onProgress: (fraction: number) => void) => Promise<UploadResult>;
  /**
   * Saves the draft now rather than after the usual pause: a file sent or
   * taken out is recorded at once (the server frees the quota of files sent
   * but not saved, and deletes a removed file's bytes).
   */
  saveNow?: () => void;
  /** Link to an uploaded file, when the citizen may open it again. */
  fileHref?: (attachmentId: string) => string;
}

export const FormContext = createContext<FormContextValue | null>(null);

export function useForm(): FormContextValue {
  const value = useContext(FormContext);
  if (!value) throw new Error('fields must be rendered inside a FormContext');
  return value;
}

/** Names of files sent in this browser, by attachment id (the server keeps only the id in the answers). */
const names = new Map<string, string>();
export function rememberFileName(id: string, name: string): void {
  names.set(id, name);
  try {
    sessionStorage.setItem(`guichet.file.${id}`, name);
  } catch {
    // No storage: the name is kept for this page only.
  }
}
export function fileName(id: string): string | undefined {
  if (names.has(id)) return names.get(id);
  try {
    return sessionStorage.getItem(`guichet.file.${id}`) ?? undefined;
  } catch {
    return undefined;
  }
}
