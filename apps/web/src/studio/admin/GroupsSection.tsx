import { useCallback, useEffect, useState } from 'react';
import { api } from '../../lib/api';
import { tr } from '../../lib/i18n';
import {
  ConfirmButton,
  ErrorList,
  Status,
  TextField,
  errorOf,
  problemsOf,
  useProblems,
  type ServiceSummary,
} from './common';

interface Group {
  key: string;
  label: string | null;
  declared: boolean;
  routed: boolean;
  members: Array<{ id: string; email: string }>;
}

const SERVICE_FIELD = 'groupes-demarche';

/** One group: its members, a form to add one, and its removal (refused while routing sends requests to it). */
function GroupCard({
  base,
  group,
  index,
  onChange,
  say,
}: {
  base: string;
  group: Group;
  index: number;
  onChange: () => Promise<void>;
  say: (message: string) => void;
}) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const { problems, show, clear, summaryRef } = useProblems();
  const field = `groupe-${index}-courriel`;
  const label = tr('Adresse de l’instructeur', 'Caseworker’s address');
  const name = group.label && group.label !== group.key ? `${group.label} (${group.key})` : group.key;
  const path = `${base}/${encodeURIComponent(group.key)}`;

  const addMember = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!email.trim())
      return show([{ fieldId: field, label, message: tr('Indiquez l’adresse.', 'Enter the address.') }]);
    setBusy(true);
    try {
      await api(`${path}/members`, { method: 'POST', body: { email: email.trim() } });
      clear();
      setEmail('');
      await onChange();
      say(tr(`${email.trim()} ajouté au groupe ${name}.`, `${email.trim()} added to group ${name}.`));
    } catch (error) {
      show(problemsOf(error, { '/email': { id: field, label } }));
    } finally {
      setBusy(false);
    }
  };

  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      clear();
      await onChange();
      say(done);
    } catch (error) {
      show(problemsOf(error, {}));
    }
  };

  return (
    <li className="admin-group">
      <h3>{name}</h3>
      <p className="hint">
        {group.routed
          ? tr('Les règles d’orientation y envoient des dossiers.', 'Routing rules send requests to it.')
          : tr(
              'Aucune règle d’orientation n’y envoie de dossier pour l’instant.',
              'No routing rule sends requests to it yet.',
            )}
      </p>
      <ErrorList id={`groupe-${index}-erreurs`} ref={summaryRef} problems={problems} />
      {group.members.length ? (
        <ul className="admin-members" aria-label={tr(`Membres du groupe ${name}`, `Members of group ${name}`)}>
          {group.members.map((m) => (
            <li key={m.id}>
              {m.email}{' '}
              <ConfirmButton
                label={
                  <>
                    {tr('Retirer', 'Remove')}
                    <span className="sr-only"> {m.email}</span>
                  </>
                }
                question={tr(`Retirer ${m.email} du groupe ${name} ?`, `Remove ${m.email} from group ${name}?`)}
                confirmLabel={tr('Confirmer le retrait', 'Confirm the removal')}
                onConfirm={() =>
                  act(
                    () => api(`${path}/members/${m.id}`, { method: 'DELETE' }),
                    tr(`${m.email} retiré du groupe ${name}.`, `${m.email} removed from group ${name}.`),
                  )
                }
              />
            </li>
          ))}
        </ul>
      ) : (
        <p>{tr('Aucun instructeur limité à ce groupe.', 'No caseworker limited to this group.')}</p>
      )}
      <form noValidate onSubmit={addMember} className="admin-inline-form">
        <TextField
          id={field}
          type="email"
          label={label}
          value={email}
          onChange={setEmail}
          maxLength={320}
          autoComplete="off"
          error={errorOf(problems, field)}
        />
        <button type="submit" className="button button--small" aria-disabled={busy || undefined}>
          {tr('Ajouter au groupe', 'Add to the group')}
          <span className="sr-only"> {name}</span>
        </button>
      </form>
      {!group.routed ? (
        <ConfirmButton
          label={
            <>
              {tr('Supprimer le groupe', 'Delete the group')}
              <span className="sr-only"> {name}</span>
            </>
          }
          question={tr(
            `Supprimer le groupe ${name} ? Ses ${group.members.length} instructeur(s) perdront l’accès qu’il leur donnait.`,
            `Delete group ${name}? Its ${group.members.length} caseworker(s) will lose the access it gave them.`,
          )}
          confirmLabel={tr('Confirmer la suppression', 'Confirm the deletion')}
          onConfirm={() =>
            act(() => api(path, { method: 'DELETE' }), tr(`Groupe ${name} supprimé.`, `Group ${name} deleted.`))
          }
        />
      ) : null}
    </li>
  );
}

/** The caseworker groups of each service: the keys routing rules use, and who works in each. */
export function GroupsSection({ organisationId, services }: { organisationId: string; services: ServiceSummary[] }) {
  const [slug, setSlug] = useState(services[0]?.slug ?? '');
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [status, setStatus] = useState('');
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const create = useProblems();
  const base = `/api/v1/organisations/${organisationId}/services/${encodeURIComponent(slug)}/groups`;
  const labels = {
    key: tr('Nom du groupe (tel que les règles d’orientation le nomment)', 'Group name (as routing rules name it)'),
    label: tr('Libellé affiché', 'Label shown'),
  };

  const load = useCallback(async () => {
    if (!slug) return;
    try {
      setGroups((await api<{ groups: Group[] }>(base)).groups);
      setLoadError('');
    } catch (error) {
      setLoadError(problemsOf(error, {})[0]!.message);
    }
  }, [base, slug]);

  useEffect(() => {
    setGroups(null);
    void load();
  }, [load]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    if (!key.trim())
      return create.show([
        { fieldId: 'groupe-cle', label: labels.key, message: tr('Indiquez le nom.', 'Enter the name.') },
      ]);
    setBusy(true);
    try {
      await api(base, { method: 'POST', body: { key: key.trim(), ...(label.trim() ? { label: label.trim() } : {}) } });
      create.clear();
      setStatus(tr(`Groupe ${key.trim()} créé.`, `Group ${key.trim()} created.`));
      setKey('');
      setLabel('');
      await load();
    } catch (error) {
      create.show(
        problemsOf(error, {
          '/key': { id: 'groupe-cle', label: labels.key },
          '/label': { id: 'groupe-libelle', label: labels.label },
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  if (services.length === 0)
    return (
      <section aria-labelledby="groupes-titre" className="admin-section">
        <h2 id="groupes-titre">{tr('Groupes instructeurs', 'Caseworker groups')}</h2>
        <p>{tr('L’organisation n’a pas encore de démarche.', 'The organisation has no service yet.')}</p>
      </section>
    );

  return (
    <section aria-labelledby="groupes-titre" className="admin-section">
      <h2 id="groupes-titre">{tr('Groupes instructeurs', 'Caseworker groups')}</h2>
      <p className="hint">
        {tr(
          'Les règles d’orientation d’une démarche envoient chaque dossier à un groupe ; un instructeur limité à un groupe ne voit que ses dossiers. Un instructeur de toute la démarche voit tous les groupes.',
          'A service’s routing rules send each request to a group; a caseworker limited to a group sees only its requests. A caseworker of the whole service sees every group.',
        )}
      </p>
      <div className="field">
        <label htmlFor={SERVICE_FIELD}>{tr('Démarche', 'Service')}</label>
        <select id={SERVICE_FIELD} value={slug} onChange={(e) => setSlug(e.target.value)}>
          {services.map((s) => (
            <option key={s.slug} value={s.slug}>
              {s.title}
            </option>
          ))}
        </select>
      </div>
      <Status message={status} />
      {loadError ? <p className="notice notice--error">{loadError}</p> : null}
      {groups === null ? (
        <p>{tr('Chargement…', 'Loading…')}</p>
      ) : groups.length === 0 ? (
        <p>{tr('Aucun groupe pour cette démarche.', 'No group for this service.')}</p>
      ) : (
        <ul className="admin-groups">
          {groups.map((g, i) => (
            <GroupCard key={`${slug}:${g.key}`} base={base} group={g} index={i} onChange={load} say={setStatus} />
          ))}
        </ul>
      )}
      <h3>{tr('Créer un groupe', 'Create a group')}</h3>
      <ErrorList id="groupe-creation-erreurs" ref={create.summaryRef} problems={create.problems} />
      <form noValidate onSubmit={submit}>
        <TextField
          id="groupe-cle"
          label={labels.key}
          value={key}
          onChange={setKey}
          required
          maxLength={40}
          hint={tr('Exemple : secteur-nord', 'Example: secteur-nord')}
          error={errorOf(create.problems, 'groupe-cle')}
        />
        <TextField
          id="groupe-libelle"
          label={labels.label}
          value={label}
          onChange={setLabel}
          maxLength={200}
          hint={tr('Facultatif. Exemple : Secteur nord', 'Optional. Example: North sector')}
          error={errorOf(create.problems, 'groupe-libelle')}
        />
        <div className="actions">
          <button type="submit" className="button" aria-disabled={busy || undefined}>
            {tr('Créer le groupe', 'Create the group')}
          </button>
        </div>
      </form>
    </section>
  );
}
