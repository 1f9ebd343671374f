import { renderToString } from 'react-dom/server';
import { createSchemaSemantics, needsSemantics, type PublicService, type SubmissionView } from '@guichet/shared';
import { Layout } from '../App';
import { FormPage, REVIEW } from '../form/FormPage';
import type { Schema } from '../form/model';
import { forgetKeptForm, keepLoadedForm } from '../form/preload';
import { ServiceView } from '../pages/ServicePage';
import { AddressField } from '../form/address-field';
import { CommuneField } from '../form/commune-field';
import { QuotientField } from '../form/quotient-field';
import { RnaField } from '../form/rna-field';
import { SiretField } from '../form/siret-field';
import { provideSpecialFields } from '../form/special-fields';
import { FileField, FilesField } from '../form/file-fields';
import { provideFileFields } from '../form/lazy-file-fields';

// The browser loads each lookup field when a definition uses it; the server draws a step in one synchronous pass,
// so it has them all at hand.
provideSpecialFields({
  siret: SiretField,
  rna: RnaField,
  quotient: QuotientField,
  address: AddressField,
  commune: CommuneField,
});
provideFileFields({ FileField, FilesField });

export interface FormPreviewInput {
  /** The published version the page carries (apps/api/src/web/web-app.ts embeds it). */
  service: PublicService;
  /** The draft's id, from the page's address (?brouillon=): checked as a UUID by the caller. */
  draftId: string;
  /** The step in the address (?etape=), if any. */
  step: string | null;
}

/** Nothing is checked while the drawing stands: every control in it is disabled. */
const checkNothing = { load: () => Promise.reject(new Error('a drawing checks nothing')), loaded: () => null };

/**
 * A form page as the app draws it (the same components), before the bundle
 * has run: the layout and the first step (or the step in the address) of
 * the published version, with no answers, in a disabled fieldset (nothing can
 * be typed that the app would then lose; assistive technologies are told it
 * is busy). The browser paints it as soon as the HTML and the stylesheet
 * arrive; the app replaces it in one commit once the form is loaded
 * (apps/web/src/main.tsx, ../form/preload.ts). Nothing personal: no session is
 * read, the draft's answers come later from the API as before.
 *
 * Null where there is nothing to draw (a closed service, the review step).
 */
export function renderFormPreview({ service, draftId, step }: FormPreviewInput): string | null {
  const definition = service.definition;
  if (!definition || !service.validator || step === REVIEW) return null;
  const root = definition.schema as Schema;
  const draft: SubmissionView = {
    id: draftId,
    service: { slug: service.slug, title: service.title },
    version: service.version,
    status: 'draft',
    revision: 0,
    reference: null,
    submittedAt: null,
    updatedAt: '',
    data: {},
    statusLabel: '',
    actions: [],
    history: [],
    documents: [],
    messages: [],
  };
  keepLoadedForm(service.slug, draftId, false, {
    service,
    definition,
    draft,
    check: checkNothing,
    semantics: needsSemantics(root) ? createSchemaSemantics(root) : undefined,
    signedIn: false,
    test: false,
    base: `/api/v1/submissions/${draftId}`,
  });
  try {
    return renderToString(
      <Layout path={`/demarches/${service.slug}`} me={null}>
        <fieldset className="preview" disabled aria-busy="true">
          <FormPage slug={service.slug} draftId={draftId} step={step} />
        </fieldset>
      </Layout>,
    );
  } finally {
    forgetKeptForm(service.slug, draftId, false);
  }
}

/** Nothing starts while the drawing stands: its start button is disabled. */
const startNothing = () => undefined;

/**
 * A service page (`/demarches/:slug`) as the app draws it (the same
 * `ServiceView`), before the bundle has run: the organisation, the title, the
 * description, the steps, the documents to prepare, in the same disabled,
 * busy fieldset as a form's step. Who is signed in is not known here (no
 * session is read: the page is the same for every visitor), so the start
 * controls are the neutral « Commencer », disabled, and no draft is offered;
 * the app replaces the drawing in one commit once it knows who is there
 * (apps/web/src/main.tsx, ../pages/service-page-data.ts).
 */
export function renderServicePreview({ service }: { service: PublicService }): string | null {
  return renderToString(
    <Layout path={`/demarches/${service.slug}`} me={null}>
      <fieldset className="preview" disabled aria-busy="true">
        <ServiceView service={service} me={undefined} drafts={[]} starting={false} onStart={startNothing} />
      </fieldset>
    </Layout>,
  );
}
