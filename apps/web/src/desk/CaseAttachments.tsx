import { labelOf, type Schema, type Ui } from '../form/model';
import { formatDateTime, tr } from '../lib/i18n';
import { AttachmentItem } from './Answers';
import type { CaseView } from '@guichet/shared';

/** The files the citizen joined, named by their question, and the documents the service issued. */
export function CaseAttachments({ file }: { file: CaseView }) {
  const root = file.definition.schema as Schema;
  const ui = (file.definition.uiSchema ?? {}) as Ui;
  return (
    <section aria-labelledby="pieces">
      <h2 id="pieces">{tr('Pièces jointes', 'Attachments')}</h2>
      {file.attachments.length === 0 ? (
        <p>{tr('Aucune pièce jointe.', 'No attachment.')}</p>
      ) : (
        <ul className="desk-attachments">
          {file.attachments.map((a) => (
            <li key={a.id}>
              <span className="label">{labelOf(root, ui, a.pointer)}</span>
              <AttachmentItem file={file} attachment={a} field={labelOf(root, ui, a.pointer)} preview={false} />
            </li>
          ))}
        </ul>
      )}
      {file.documents.length > 0 && (
        <>
          <h3>{tr('Documents émis', 'Documents issued')}</h3>
          <ul>
            {file.documents.map((d) => (
              <li key={d.id}>
                {d.filename} <span className="muted">({formatDateTime(d.at)})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
