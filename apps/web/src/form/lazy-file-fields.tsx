import { Suspense, use, type ComponentType } from 'react';
import { usesFileFields } from '@guichet/shared';
import type { FieldModel } from './model';
import { NotLoaded, Placeholder } from './special-fields';

type FieldComponent = ComponentType<{ model: FieldModel }>;
interface FileFields {
  FileField: FieldComponent;
  FilesField: FieldComponent;
}

/**
 * The file fields (one file, a list of files) are a chunk of their own: a form whose schema has none does not
 * download them (issue 22). The API preloads the chunk for a form that has some (apps/api/src/web/web-app.ts,
 * `src/form/file-fields.tsx`), and `loadForm` waits for it with the validator, as for the lookup fields.
 */
let ready: FileFields | null = null;
let loading: Promise<FileFields> | null = null;

function loadFileFields(): Promise<FileFields> {
  loading ??= import('./file-fields').then(
    (m) => (ready = { FileField: m.FileField, FilesField: m.FilesField }),
    // Kept: the message asks for a reload, which tries again.
    () => ({ FileField: NotLoaded, FilesField: NotLoaded }),
  );
  return loading;
}

/** Starts loading the file fields if the schema may draw one. */
export function loadFileFieldsFor(schema: unknown): Promise<void> {
  return usesFileFields(schema) ? loadFileFields().then(() => undefined) : Promise.resolve();
}

/** At hand from the start: the server's drawing (../server/form-preview.tsx) renders synchronously. */
export function provideFileFields(fields: FileFields): void {
  ready = fields;
  loading = Promise.resolve(fields);
}

/** A file field: drawn at once when its chunk is loaded, else (the studio's preview) a placeholder meanwhile. */
export function LazyFileField({ model, multiple }: { model: FieldModel; multiple: boolean }) {
  if (ready) {
    const Component = multiple ? ready.FilesField : ready.FileField;
    return <Component model={model} />;
  }
  return (
    <Suspense fallback={<Placeholder model={model} />}>
      <WhenLoaded model={model} multiple={multiple} />
    </Suspense>
  );
}

function WhenLoaded({ model, multiple }: { model: FieldModel; multiple: boolean }) {
  const fields = use(loadFileFields());
  const Component = multiple ? fields.FilesField : fields.FileField;
  return <Component model={model} />;
}
