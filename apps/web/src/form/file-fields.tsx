import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import { dataUrlName, fileTypesText } from '@guichet/shared';
import { lang, tr } from '../lib/i18n';
import { fileName, rememberFileName, useForm } from './context';
import { ErrorMessage, Required, useDescriptions } from './field-parts';
import { idOf, itemsSchema, type FieldModel, type Schema } from './model';
import { useFieldError, useValue } from './store';

/** The form page's sender (context `upload`) travels with the fields that use it: no chunk of its own to wait for. */
export { uploadFile } from './upload';

/** RJSF's files carried in the answer (`format: "data-url"`): small, since they travel with every save. */
export const DATA_URL_MAX_BYTES = 512 * 1024;

const isDataUrlField = (schema: Schema) => schema.format === 'data-url';

function accepted(model: FieldModel, schema: Schema): { accept?: string; maxBytes?: number; text: string } {
  const inline = isDataUrlField(schema);
  const config = (schema['x-file'] ?? {}) as { accept?: string[]; maxBytes?: number };
  const declared = (model.ui['ui:options'] as { accept?: string | string[] } | undefined)?.accept;
  const accept = config.accept ?? (typeof declared === 'string' ? declared.split(',') : declared);
  // In words: « PDF ou tableur ODS ou XLSX », never a MIME type.
  const types = fileTypesText(accept ?? (inline ? [] : ['application/pdf', 'image/*']), lang);
  const maxBytes = inline ? Math.min(config.maxBytes ?? DATA_URL_MAX_BYTES, DATA_URL_MAX_BYTES) : config.maxBytes;
  const size = maxBytes
    ? maxBytes < 1024 * 1024
      ? `${Math.round(maxBytes / 1024)} ${tr('ko', 'kB')}`
      : `${Math.round(maxBytes / 1024 / 1024)} ${tr('Mo', 'MB')}`
    : undefined;
  const parts = [
    types ? `${tr('Formats acceptés', 'Accepted formats')} : ${types}` : '',
    size ? `${tr('taille maximale', 'maximum size')} : ${size}` : '',
  ].filter(Boolean);
  const text = parts.join(' ; ');
  return { accept: accept?.join(','), maxBytes, text: text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : '' };
}

/** The file as RJSF's FileWidget keeps it: a data URL with its name (`data:<type>;name=<name>;base64,…`). */
function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new Error(tr('Le fichier n’a pas pu être lu.', 'The file could not be read.')));
    reader.onload = () => {
      const url = String(reader.result);
      const typed = url.startsWith('data:;') ? url.replace('data:;', 'data:application/octet-stream;') : url;
      resolve(typed.replace(';base64,', `;name=${encodeURIComponent(file.name)};base64,`));
    };
    reader.readAsDataURL(file);
  });
}

/** One file input: the file is sent as soon as it is chosen, with its progress. */
function FileInput({
  model,
  pointer,
  schema,
  label,
  onUploaded,
  describedBy,
  invalid,
}: {
  model: FieldModel;
  pointer: string;
  schema: Schema;
  label: ReactNode;
  onUploaded: (id: string) => void;
  describedBy?: string;
  invalid: boolean;
}) {
  const { upload } = useForm();
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const id = idOf(pointer);
  const { accept, maxBytes, text } = accepted(model, schema);
  const onChange = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setProblem(null);
    // Said before anything is sent (a file not yet downloaded from a cloud drive, a failed save), in the server's
    // words for FILE_EMPTY; a data-url answer never reaches the server's check.
    if (file.size === 0) {
      setProblem(
        tr(
          'Ce fichier est vide (0 octet) : il a pu être mal enregistré ou ne pas être encore téléchargé sur cet appareil. Ouvrez-le pour le vérifier, puis choisissez-le à nouveau.',
          'This file is empty (0 bytes): it may have been saved badly or not yet be downloaded to this device. Open it to check, then choose it again.',
        ),
      );
      input.value = '';
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      setProblem(tr('Le fichier est trop lourd. ', 'The file is too large. ') + text);
      input.value = '';
      return;
    }
    if (isDataUrlField(schema)) {
      try {
        onUploaded(await readAsDataUrl(file));
      } catch (error) {
        setProblem((error as Error).message);
      } finally {
        input.value = '';
      }
      return;
    }
    if (!upload) return setProblem(tr('L’envoi de fichiers n’est pas possible ici.', 'Files cannot be sent here.'));
    setProgress(0);
    try {
      const result = await upload(pointer, file, setProgress);
      rememberFileName(result.attachmentId, file.name);
      onUploaded(result.attachmentId);
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setProgress(null);
      input.value = '';
    }
  };
  const described = [`${id}-formats`, problem && `${id}-probleme`, describedBy].filter(Boolean).join(' ');
  return (
    <div className="file-input">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-formats`}>
        {text}
      </p>
      {problem && (
        <p className="error-message" id={`${id}-probleme`} role="alert">
          {problem}
        </p>
      )}
      <input
        type="file"
        id={id}
        accept={accept}
        aria-describedby={described}
        aria-invalid={invalid || problem ? true : undefined}
        onChange={(e) => void onChange(e.currentTarget)}
      />
      {progress !== null && (
        <p role="status">
          <progress max={1} value={progress} aria-label={tr('Envoi du fichier', 'Sending the file')} />{' '}
          {tr('Envoi en cours', 'Sending')} : {Math.round(progress * 100)} %
        </p>
      )}
    </div>
  );
}

function UploadedFile({
  id,
  onRemove,
  label,
  removeId,
}: {
  id: string;
  onRemove: () => void;
  label: string;
  /** The « Retirer » button's id: focus goes there once the file is sent. */
  removeId?: string;
}) {
  const { fileHref } = useForm();
  const inline = id.startsWith('data:');
  const name = (inline ? dataUrlName(id) : fileName(id)) ?? tr('Fichier joint', 'Attached file');
  return (
    <p className="uploaded">
      <span>
        {fileHref && !inline ? <a href={fileHref(id)}>{name}</a> : name} —{' '}
        {inline ? tr('joint', 'attached') : tr('envoyé', 'sent')}
      </span>{' '}
      <button type="button" className="button button--secondary button--small" id={removeId} onClick={onRemove}>
        {tr('Retirer', 'Remove')}
        <span className="sr-only"> {label}</span>
      </button>
    </p>
  );
}

/**
 * Where focus goes once a file control is replaced by another (the file
 * input by the sent file, or back): an element id set before the change and
 * focused after the next draw, so focus never falls to the page's body.
 */
function useFocusAfterDraw(): (elementId: string) => void {
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === null) return;
    document.getElementById(pending.current)?.focus();
    pending.current = null;
  });
  return (elementId) => {
    pending.current = elementId;
  };
}

export const FileField = memo(function FileField({ model }: { model: FieldModel }) {
  const { store, saveNow } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  const focusAfterDraw = useFocusAfterDraw();
  return (
    <div className={`field${error ? ' field--error' : ''}`} data-pointer={model.pointer}>
      {typeof value === 'string' ? (
        <>
          <p className="label" id={id} tabIndex={-1}>
            {model.title}
            <Required on={model.required} />
          </p>
          {nodes}
          <ErrorMessage id={id} message={error?.message} />
          <UploadedFile
            id={value}
            label={model.title}
            removeId={`${id}-retirer`}
            onRemove={() => {
              focusAfterDraw(id);
              store.set(model.pointer, undefined);
              saveNow?.();
            }}
          />
        </>
      ) : (
        <>
          <ErrorMessage id={id} message={error?.message} />
          <FileInput
            model={model}
            pointer={model.pointer}
            schema={model.schema}
            describedBy={describedBy}
            invalid={!!error}
            label={
              <>
                {model.title}
                <Required on={model.required} />
              </>
            }
            onUploaded={(attachment) => {
              focusAfterDraw(`${id}-retirer`);
              store.set(model.pointer, attachment);
              saveNow?.();
            }}
          />
          {nodes}
        </>
      )}
    </div>
  );
});

export const FilesField = memo(function FilesField({ model }: { model: FieldModel }) {
  const { store, root, saveNow } = useForm();
  const value = useValue(store, model.pointer);
  const error = useFieldError(store, model.pointer);
  const { id, describedBy, nodes } = useDescriptions(model, !!error);
  const files = Array.isArray(value) ? (value as string[]) : [];
  const max = typeof model.schema.maxItems === 'number' ? model.schema.maxItems : Infinity;
  const items = itemsSchema(root, model.schema);
  const focusAfterDraw = useFocusAfterDraw();
  const removeId = (i: number) => `${id}-retirer-${i}`;
  return (
    <fieldset
      className={`field${error ? ' field--error' : ''}`}
      data-pointer={model.pointer}
      aria-describedby={describedBy}
    >
      <legend>
        {model.title}
        <Required on={model.required} />
      </legend>
      {nodes}
      <ErrorMessage id={id} message={error?.message} />
      {files.map((f, i) => (
        <UploadedFile
          key={f}
          id={f}
          label={`${model.title} ${i + 1}`}
          removeId={removeId(i)}
          onRemove={() => {
            const next = files.filter((x) => x !== f);
            // The file that takes its place, or the file input when none is left after it.
            focusAfterDraw(i < next.length ? removeId(i) : idOf(`${model.pointer}/${next.length}`));
            store.set(model.pointer, next.length ? next : undefined);
            saveNow?.();
          }}
        />
      ))}
      {files.length < max && (
        <FileInput
          model={model}
          pointer={`${model.pointer}/${files.length}`}
          schema={items}
          invalid={!!error}
          label={
            files.length === 0
              ? tr('Choisir un fichier', 'Choose a file')
              : tr('Ajouter un autre fichier', 'Add another file')
          }
          onUploaded={(attachment) => {
            // The next file input when more may be sent, else the file just sent.
            focusAfterDraw(
              files.length + 1 < max ? idOf(`${model.pointer}/${files.length + 1}`) : removeId(files.length),
            );
            store.set(model.pointer, [...files, attachment]);
            saveNow?.();
          }}
        />
      )}
    </fieldset>
  );
});
