import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { ApiError, api, whoAmI, type Me } from '../lib/api';
import { tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { slugFromLabel } from './definition';
import { Editor } from './Editor';
import { type ServiceSummary } from '@guichet/shared';
import { errorText } from './errors';
import './studio.css';
import { AgentSignIn } from '../pages/AgentSignIn';

const AdminPage = lazy(() => import('./admin/AdminPage'));

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The designers' studio: my services, the editor of one, and the organisation's administration. */
export default function StudioApp({ segments }: { segments: string[]; query: URLSearchParams }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    whoAmI().then(setMe, (e: unknown) => setFailed(errorText(e)));
  }, []);
  if (failed) return <Failure message={failed} />;
  if (me === undefined) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;
  if (!me || me.kind !== 'agent') return <SignIn citizen={me?.kind === 'citizen'} />;
  if (segments.length === 0) return <Services me={me} />;
  if (segments[0] === 'organisations' && segments.length === 2)
    return (
      <Suspense fallback={<p role="status">{tr('Chargement…', 'Loading…')}</p>}>
        <AdminPage organisationId={segments[1]!} />
      </Suspense>
    );
  if (segments.length === 1) return <Editor key={segments[0]} slug={segments[0]!} />;
  return <Failure message={tr('Cette adresse ne correspond à aucune page.', 'This address matches no page.')} />;
}

export function Failure({ message }: { message: string }) {
  usePageTitle('Studio');
  return (
    <>
      <h1 tabIndex={-1}>Studio</h1>
      <p className="notice notice--error">{message}</p>
      <p>
        <a href="/studio" onClick={onLinkClick}>
          {tr('Retour à mes démarches', 'Back to my services')}
        </a>
      </p>
    </>
  );
}

function SignIn({ citizen }: { citizen: boolean }) {
  return (
    <AgentSignIn
      citizen={citizen}
      pageTitle={tr('Studio — connexion', 'Studio — sign in')}
      heading={tr('Studio de conception des démarches', 'Service design studio')}
      purpose={tr(
        'Cet espace est réservé aux agents qui conçoivent les démarches en ligne de leur collectivité.',
        'This area is for the agents who design their organisation’s online services.',
      )}
    />
  );
}

const STATUS_LABELS: Record<string, () => string> = {
  draft: () => tr('Brouillon, jamais publiée', 'Draft, never published'),
  published: () => tr('Publiée', 'Published'),
  closed: () => tr('Fermée aux nouveaux dépôts', 'Closed to new requests'),
};

function designerOrganisations(me: Me): Array<{ id: string; admin: boolean }> {
  const out = new Map<string, boolean>();
  for (const r of me.roles)
    if (r.role === 'designer' || r.role === 'admin')
      out.set(r.organisationId, out.get(r.organisationId) || r.role === 'admin');
  return [...out].map(([id, admin]) => ({ id, admin }));
}

function Services({ me }: { me: Me }) {
  usePageTitle(tr('Studio — mes démarches', 'Studio — my services'));
  const [services, setServices] = useState<ServiceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const organisations = designerOrganisations(me);
  const load = () =>
    api<ServiceSummary[]>('/api/v1/services').then(setServices, (e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  return (
    <div className="studio-list">
      <h1 tabIndex={-1}>{tr('Studio : mes démarches', 'Studio: my services')}</h1>
      {organisations.length === 0 ? (
        <p className="notice">
          {tr(
            'Vous n’êtes concepteur dans aucune organisation. Un administrateur de votre collectivité peut vous donner ce rôle.',
            'You are a designer in no organisation. An administrator of your organisation can give you this role.',
          )}
        </p>
      ) : null}
      {organisations.some((o) => o.admin) && (
        <p>
          {organisations
            .filter((o) => o.admin)
            .map((o, i) => (
              <a key={o.id} href={`/studio/organisations/${o.id}`} onClick={onLinkClick}>
                {tr('Administrer l’organisation', 'Manage the organisation')}
                {organisations.filter((x) => x.admin).length > 1 ? ` ${i + 1}` : ''}
              </a>
            ))}
        </p>
      )}
      <p role="status" className="studio-status">
        {status}
      </p>
      {error && <p className="notice notice--error">{error}</p>}
      {!services ? (
        !error && <p role="status">{tr('Chargement…', 'Loading…')}</p>
      ) : services.length === 0 ? (
        <p>{tr('Aucune démarche pour l’instant.', 'No service yet.')}</p>
      ) : (
        <ul className="cards studio-services">
          {services.map((s) => (
            <ServiceCard
              key={s.slug}
              service={s}
              onChanged={(message) => {
                setStatus(message);
                void load();
              }}
            />
          ))}
        </ul>
      )}
      {organisations.length > 0 && <CreateService organisations={organisations} />}
      {organisations.length > 0 && <ImportService organisations={organisations} />}
    </div>
  );
}

function ServiceCard({ service, onChanged }: { service: ServiceSummary; onChanged: (message: string) => void }) {
  const [open, setOpen] = useState<'duplicate' | 'close' | null>(null);
  return (
    <li className="card">
      <h2>
        <a href={`/studio/${service.slug}`} onClick={onLinkClick}>
          {service.title}
        </a>
      </h2>
      <dl className="studio-facts">
        <div>
          <dt>{tr('État', 'Status')}</dt>
          <dd>{STATUS_LABELS[service.status]?.() ?? service.status}</dd>
        </div>
        <div>
          <dt>{tr('Version en ligne', 'Live version')}</dt>
          <dd>{service.latestVersion ?? tr('aucune', 'none')}</dd>
        </div>
        <div>
          <dt>{tr('Adresse', 'Address')}</dt>
          <dd>
            {service.status === 'draft' ? (
              `/demarches/${service.slug}`
            ) : (
              <a href={`/demarches/${service.slug}`} onClick={onLinkClick}>
                /demarches/{service.slug}
              </a>
            )}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <a className="button" href={`/studio/${service.slug}`} onClick={onLinkClick}>
          {tr('Modifier', 'Edit')}
          <span className="sr-only"> « {service.title} »</span>
        </a>
        <button
          type="button"
          className="button button--secondary"
          aria-expanded={open === 'duplicate'}
          onClick={() => setOpen(open === 'duplicate' ? null : 'duplicate')}
        >
          {tr('Dupliquer', 'Duplicate')}
          <span className="sr-only"> « {service.title} »</span>
        </button>
        {service.status !== 'closed' && (
          <button
            type="button"
            className="button button--secondary"
            aria-expanded={open === 'close'}
            onClick={() => setOpen(open === 'close' ? null : 'close')}
          >
            {tr('Fermer', 'Close')}
            <span className="sr-only"> « {service.title} »</span>
          </button>
        )}
      </div>
      {open === 'duplicate' && <DuplicateForm service={service} onDone={onChanged} />}
      {open === 'close' && (
        <CloseForm
          service={service}
          onDone={(m) => {
            setOpen(null);
            onChanged(m);
          }}
        />
      )}
    </li>
  );
}

/** A labelled input with its error, tied by aria-describedby. */
function Input({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  required,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
}) {
  const described = [hint && `${id}-aide`, error && `${id}-erreur`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {hint && (
        <p className="hint" id={`${id}-aide`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {error}
        </p>
      )}
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={described}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        autoComplete="off"
      />
    </div>
  );
}

function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return { '': errorText(error) };
  const out: Record<string, string> = {};
  for (const e of error.body.errors ?? []) out[(e.pointer ?? '').split('/')[1] ?? ''] ??= e.message;
  if (Object.keys(out).length === 0) out[''] = error.message;
  return out;
}

function OrganisationChoice({
  id,
  organisations,
  value,
  onChange,
}: {
  id: string;
  organisations: Array<{ id: string }>;
  value: string;
  onChange: (v: string) => void;
}) {
  if (organisations.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{tr('Organisation', 'Organisation')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {organisations.map((o, i) => (
          <option key={o.id} value={o.id}>
            {tr('Organisation', 'Organisation')} {i + 1} ({o.id.slice(0, 8)})
          </option>
        ))}
      </select>
    </div>
  );
}

interface Example {
  name: string;
  title: string;
  description: string | null;
}

/** « À partir d'un exemple » : the installation's example services, as radios; none chosen starts from scratch. */
function ExampleChoice({
  examples,
  value,
  onChange,
  error,
}: {
  examples: Example[];
  value: string;
  onChange: (name: string) => void;
  error?: string;
}) {
  if (examples.length === 0) return null;
  const option = (name: string, label: string, hint: string | null) => {
    const id = `nouvelle-exemple-${name || 'aucun'}`;
    return (
      <div className="choice" key={name || '-'}>
        <input
          type="radio"
          id={id}
          name="nouvelle-exemple"
          value={name}
          checked={value === name}
          onChange={() => onChange(name)}
          aria-describedby={hint ? `${id}-aide` : undefined}
        />
        {/* Label and description in one column beside the radio, as the citizen's choices are laid out. */}
        <div>
          <label htmlFor={id}>{label}</label>
          {hint && (
            <p className="hint" id={`${id}-aide`}>
              {hint}
            </p>
          )}
        </div>
      </div>
    );
  };
  return (
    <fieldset
      className={`field${error ? ' field--error' : ''}`}
      aria-describedby={error ? 'nouvelle-exemple-erreur' : undefined}
    >
      <legend>{tr('À partir d’un exemple', 'From an example')}</legend>
      {error && (
        <p className="error-message" id="nouvelle-exemple-erreur">
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {error}
        </p>
      )}
      <div className="choices">
        {option('', tr('Aucun : une page et un champ', 'None: one page and one field'), null)}
        {examples.map((e) => option(e.name, e.title, e.description))}
      </div>
    </fieldset>
  );
}

function CreateService({ organisations }: { organisations: Array<{ id: string }> }) {
  const [examples, setExamples] = useState<Example[]>([]);
  const [fromExample, setFromExample] = useState('');
  useEffect(() => {
    api<Example[]>('/api/v1/examples').then(setExamples, () => setExamples([]));
  }, []);
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [organisationId, setOrganisationId] = useState(organisations[0]!.id);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const shownSlug = slugTouched ? slug : slugFromLabel(title).slice(0, 63);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!title.trim()) local.title = tr('Indiquez le titre de la démarche.', 'Give the service a title.');
    if (!SLUG.test(shownSlug) || shownSlug.length < 3)
      local.slug = tr(
        'L’adresse contient au moins 3 caractères : lettres minuscules, chiffres et tirets.',
        'At least 3 characters: lower-case letters, digits and hyphens.',
      );
    setErrors(local);
    if (Object.keys(local).length)
      return document.getElementById(local.title ? 'nouvelle-titre' : 'nouvelle-adresse')?.focus();
    setBusy(true);
    try {
      await api('/api/v1/services', {
        method: 'POST',
        body: { title: title.trim(), slug: shownSlug, organisationId, ...(fromExample ? { fromExample } : {}) },
      });
      navigate(`/studio/${shownSlug}`);
    } catch (error) {
      setBusy(false);
      setErrors(fieldErrors(error));
    }
  };
  return (
    <section aria-labelledby="creer" className="studio-section">
      <h2 id="creer">{tr('Créer une démarche', 'Create a service')}</h2>
      <p>
        {tr(
          'Partez d’une page et d’un champ, ou d’un exemple, puis construisez le formulaire dans l’éditeur. La démarche reste un brouillon jusqu’à sa publication.',
          'Start from one page and one field, or from an example, then build the form in the editor. The service stays a draft until you publish it.',
        )}
      </p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <ExampleChoice
          examples={examples}
          value={fromExample}
          onChange={(name) => {
            setFromExample(name);
            const example = examples.find((e) => e.name === name);
            if (example && !title.trim()) setTitle(example.title);
          }}
          error={errors.fromExample}
        />
        <Input
          id="nouvelle-titre"
          label={tr('Titre de la démarche', 'Title of the service')}
          value={title}
          onChange={setTitle}
          error={errors.title}
          required
        />
        <Input
          id="nouvelle-adresse"
          label={tr('Adresse de la démarche', 'Address of the service')}
          hint={tr(
            'Elle suit /demarches/ ; lettres minuscules, chiffres et tirets. Proposée d’après le titre.',
            'It follows /demarches/; lower-case letters, digits and hyphens. Suggested from the title.',
          )}
          value={shownSlug}
          onChange={(v) => {
            setSlugTouched(true);
            setSlug(v);
          }}
          error={errors.slug}
          required
        />
        <OrganisationChoice
          id="nouvelle-organisation"
          organisations={organisations}
          value={organisationId}
          onChange={setOrganisationId}
        />
        {errors[''] && <p className="notice notice--error">{errors['']}</p>}
        {errors.organisationId && <p className="notice notice--error">{errors.organisationId}</p>}
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {tr('Créer la démarche', 'Create the service')}
        </button>
      </form>
    </section>
  );
}

function ImportService({ organisations }: { organisations: Array<{ id: string }> }) {
  const [organisationId, setOrganisationId] = useState(organisations[0]!.id);
  const [slug, setSlug] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const file = useRef<HTMLInputElement>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return setErrors({ file: tr('Choisissez un fichier JSON.', 'Choose a JSON file.') });
    let content: unknown;
    try {
      content = JSON.parse(await chosen.text());
    } catch {
      return setErrors({ file: tr('Ce fichier n’est pas du JSON valide.', 'This file is not valid JSON.') });
    }
    try {
      const created = await api<ServiceSummary>('/api/v1/services/import', {
        method: 'POST',
        body: { organisationId, file: content, ...(slug ? { slug } : {}) },
      });
      navigate(`/studio/${created.slug}`);
    } catch (error) {
      const found = fieldErrors(error);
      setErrors({ ...found, file: found.file ?? found.definition ?? '' });
    }
  };
  const fileError = errors.file || errors[''];
  return (
    <section aria-labelledby="importer" className="studio-section">
      <h2 id="importer">{tr('Importer un fichier', 'Import a file')}</h2>
      <p>
        {tr(
          'Un export Guichet (par exemple un fichier du dossier forms/), ou un schéma JSON (JSON Schema).',
          'A Guichet export (for example a file of the forms/ folder), or a JSON Schema.',
        )}
      </p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <div className={`field${fileError ? ' field--error' : ''}`}>
          <label htmlFor="import-fichier">{tr('Fichier JSON', 'JSON file')}</label>
          {fileError && (
            <p className="error-message" id="import-fichier-erreur">
              {fileError}
            </p>
          )}
          <input
            id="import-fichier"
            type="file"
            accept="application/json,.json"
            ref={file}
            aria-describedby={fileError ? 'import-fichier-erreur' : undefined}
            aria-invalid={fileError ? true : undefined}
          />
        </div>
        <Input
          id="import-adresse"
          label={tr('Nouvelle adresse (facultatif)', 'New address (optional)')}
          hint={tr('Sinon, celle du fichier.', 'Otherwise, the one in the file.')}
          value={slug}
          onChange={setSlug}
          error={errors.slug}
        />
        <OrganisationChoice
          id="import-organisation"
          organisations={organisations}
          value={organisationId}
          onChange={setOrganisationId}
        />
        <button type="submit" className="button button--secondary">
          {tr('Importer', 'Import')}
        </button>
      </form>
    </section>
  );
}

function DuplicateForm({ service, onDone }: { service: ServiceSummary; onDone: (message: string) => void }) {
  const [title, setTitle] = useState(`${service.title} ${tr('(copie)', '(copy)')}`);
  const [slug, setSlug] = useState(`${service.slug}-copie`.slice(0, 63));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const id = `dupliquer-${service.slug}`;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      const file = await api<unknown>(`/api/v1/services/${service.slug}/export`);
      await api('/api/v1/services/import', {
        method: 'POST',
        body: { organisationId: service.organisationId, file, slug, title },
      });
      onDone(tr(`Copie « ${title} » créée.`, `Copy “${title}” created.`));
    } catch (error) {
      setErrors(fieldErrors(error));
    }
  };
  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="studio-inline-form">
      <Input
        id={`${id}-titre`}
        label={tr('Titre de la copie', 'Title of the copy')}
        value={title}
        onChange={setTitle}
        error={errors.title}
        required
      />
      <Input
        id={`${id}-adresse`}
        label={tr('Adresse de la copie', 'Address of the copy')}
        value={slug}
        onChange={setSlug}
        error={errors.slug}
        required
      />
      {errors[''] && <p className="notice notice--error">{errors['']}</p>}
      <button type="submit" className="button">
        {tr('Créer la copie', 'Create the copy')}
      </button>
    </form>
  );
}

function CloseForm({ service, onDone }: { service: ServiceSummary; onDone: (message: string) => void }) {
  const [message, setMessage] = useState(
    tr('Cette démarche n’accepte plus de nouvelles demandes.', 'This service no longer accepts new requests.'),
  );
  const [error, setError] = useState<string | null>(null);
  const id = `fermer-${service.slug}`;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    try {
      await api(`/api/v1/services/${service.slug}/close`, { method: 'POST', body: { message } });
      onDone(
        tr(`« ${service.title} » est fermée aux nouveaux dépôts.`, `“${service.title}” is closed to new requests.`),
      );
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="studio-inline-form">
      <Input
        id={`${id}-message`}
        label={tr('Message affiché aux usagers', 'Message shown to citizens')}
        value={message}
        onChange={setMessage}
        error={error ?? undefined}
        required
      />
      <button type="submit" className="button">
        {tr('Fermer aux nouveaux dépôts', 'Close to new requests')}
      </button>
    </form>
  );
}
