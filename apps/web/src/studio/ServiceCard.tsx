import { useState } from 'react';
import { type ServiceSummary } from '@guichet/shared';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { errorText } from './errors';
import { Input, fieldErrors } from './ServiceInputs';

const STATUS_LABELS: Record<string, () => string> = {
  draft: () => tr('Brouillon, jamais publiée', 'Draft, never published'),
  published: () => tr('Publiée', 'Published'),
  closed: () => tr('Fermée aux nouveaux dépôts', 'Closed to new requests'),
};

/** One service in the list: its facts, and « Modifier », « Dupliquer », « Fermer ». */
export function ServiceCard({ service, onChanged }: { service: ServiceSummary; onChanged: (message: string) => void }) {
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
