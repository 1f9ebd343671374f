import { hiddenPointers, type SchemaSemantics } from '@guichet/shared';
import { reviewRows } from '../form/review-rows';
import { formatNumber, tr } from '../lib/i18n';
import type { CaseView } from '@guichet/shared';

type Attachment = Pick<CaseView['attachments'][number], 'id' | 'filename' | 'mediaType' | 'bytes'>;

export function attachmentHref(file: CaseView, attachment: Attachment): string {
  return `/api/v1/services/${encodeURIComponent(file.service.slug)}/submissions/${file.id}/attachments/${attachment.id}`;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10)} ${tr('Mo', 'MB')}`
    : `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} ${tr('ko', 'kB')}`;
}

/** Whether this browser draws PDFs in the page (false: headless browsers, some phones, viewers turned off). */
function drawsPdf(): boolean {
  return typeof navigator !== 'undefined' && (navigator as { pdfViewerEnabled?: boolean }).pdfViewerEnabled === true;
}

/**
 * One attached file: images and PDFs previewed in the page where the browser
 * can (an image's alternative, a PDF frame's title name the field and the
 * file), with a link that opens or downloads it in any case; other files
 * through a link that says what it downloads.
 */
export function AttachmentItem({
  file,
  attachment,
  field,
  preview = true,
}: {
  file: CaseView;
  attachment: Attachment;
  field: string;
  /** Files are previewed once, with the answers; the list of files only links them. */
  preview?: boolean;
}) {
  const href = attachmentHref(file, attachment);
  const image = attachment.mediaType.startsWith('image/');
  const pdf = attachment.mediaType === 'application/pdf';
  const kind = pdf ? 'PDF' : image ? tr('image', 'image') : attachment.mediaType;
  return (
    <div className="desk-attachment">
      {image && preview && (
        <img
          className="desk-preview"
          src={href}
          alt={`${field} : ${attachment.filename}`}
          loading="lazy"
          decoding="async"
        />
      )}
      {pdf &&
        preview &&
        (drawsPdf() ? (
          // Served inline in a sandbox (no script, no request of its own), framed by this site only.
          <iframe
            className="desk-pdf-preview"
            src={`${href}?inline=1`}
            title={`${tr('Aperçu du PDF', 'PDF preview')} — ${field} : ${attachment.filename}`}
            loading="lazy"
          />
        ) : (
          <p className="hint desk-pdf-fallback">
            {tr(
              'Ce navigateur n’affiche pas les PDF dans la page : ouvrez-le dans un nouvel onglet.',
              'This browser does not show PDFs in the page: open it in a new tab.',
            )}
          </p>
        ))}
      {pdf ? (
        <a href={`${href}?inline=1`} target="_blank" rel="noopener noreferrer">
          {tr('Ouvrir le PDF ', 'Open the PDF ')}
          {attachment.filename}
          <span className="sr-only">{tr(' (nouvel onglet)', ' (new tab)')}</span>
        </a>
      ) : (
        <a href={href} download={attachment.filename}>
          {tr('Télécharger ', 'Download ')}
          {attachment.filename}
        </a>
      )}{' '}
      <span className="muted">
        ({kind}, {size(attachment.bytes)})
      </span>
    </div>
  );
}

function wildcard(pattern: string, pointer: string): boolean {
  const a = pattern.split('/');
  const b = pointer.split('/');
  return a.length === b.length && a.every((s, i) => s === '*' || s === b[i]);
}

/**
 * The answers, read-only, laid out by the pages of the version the request
 * was filed on, read back as the citizen's review page and receipt read them.
 * `semantics` (RJSF's, for conditions and branches) only when the page has
 * them already: without, answered fields of branches are listed as stored.
 */
export function Answers({ file, semantics }: { file: CaseView; semantics?: SchemaSemantics }) {
  const definition = file.definition;
  const hidden = new Set(hiddenPointers({ definition, data: file.data }));
  // Only what FranceConnect sent and the citizen kept, as recorded at submit; requests filed before that was
  // recorded: the locked fields only (the server puts FranceConnect's value back in them at submit).
  const fromIdentity = file.identity.franceConnect
    ? (file.identity.fromIdentity ?? (definition.settings?.prefill ?? []).filter((p) => p.locked).map((p) => p.pointer))
    : [];
  const byPage = reviewRows(definition, file.data, hidden, {
    semantics,
    fileName: (id) => file.attachments.find((a) => a.id === id)?.filename,
  });
  const pages = definition.pages
    .map((page) => ({ page, rows: byPage.get(page.id) ?? [] }))
    .filter((p) => p.rows.length > 0);
  return (
    <>
      {pages.map(({ page, rows }) => (
        <section key={page.id} className="review-page" aria-labelledby={`reponses-${page.id}`}>
          <h3 id={`reponses-${page.id}`}>{page.title}</h3>
          <dl className="answers">
            {rows.map((row) => {
              const files = row.file
                ? file.attachments.filter((a) => a.pointer === row.pointer || a.pointer.startsWith(`${row.pointer}/`))
                : [];
              const fromFranceConnect = fromIdentity.some((p) => p === row.pointer || wildcard(p, row.pointer));
              return (
                <div key={row.pointer} data-pointer={row.pointer}>
                  <dt>
                    {row.label}
                    {fromFranceConnect && (
                      <span className="desk-fc"> {tr('(transmis par FranceConnect)', '(from FranceConnect)')}</span>
                    )}
                  </dt>
                  <dd>
                    {files.length > 0
                      ? files.map((a) => <AttachmentItem key={a.id} file={file} attachment={a} field={row.label} />)
                      : row.text || <span className="muted">{tr('Non renseigné', 'Not answered')}</span>}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
    </>
  );
}
