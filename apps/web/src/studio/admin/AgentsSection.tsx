import { useState } from 'react';
import { ApiError, api } from '../../lib/api';
import { tr } from '../../lib/i18n';
import {
  ConfirmButton,
  ErrorList,
  ROLES,
  ROLE_LABELS,
  Status,
  TextField,
  errorOf,
  problemsOf,
  useProblems,
  type Agent,
  type Role,
  type ServiceSummary,
} from './common';

const ID = { email: 'agent-courriel', role: 'agent-role', service: 'agent-demarche', group: 'agent-groupe' };

function scopeText(agent: Agent): string {
  if (!agent.service && !agent.group) return tr('Toute l’organisation', 'The whole organisation');
  const parts = [agent.service ? agent.service.title : tr('toutes les démarches', 'every service')];
  if (agent.group) parts.push(tr(`groupe « ${agent.group} »`, `group “${agent.group}”`));
  return parts.join(', ');
}

/** Who works in the organisation, with which role and scope: add by email, remove with a confirmation. */
export function AgentsSection({
  organisationId,
  agents,
  services,
  onChange,
}: {
  organisationId: string;
  agents: Agent[];
  services: ServiceSummary[];
  onChange: () => Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('caseworker');
  const [service, setService] = useState('');
  const [group, setGroup] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const add = useProblems();
  const removal = useProblems();
  const labels = {
    email: tr('Adresse électronique professionnelle', 'Work email address'),
    role: tr('Rôle', 'Role'),
    service: tr('Limiter à une démarche (instructeurs)', 'Limit to one service (caseworkers)'),
    group: tr('Limiter à un groupe instructeur de cette démarche', 'Limit to one caseworker group of this service'),
  };
  const fields = {
    '/email': { id: ID.email, label: labels.email },
    '/role': { id: ID.role, label: labels.role },
    '/service': { id: ID.service, label: labels.service },
    '/group': { id: ID.group, label: labels.group },
  };
  const roleError = errorOf(add.problems, ID.role);
  const serviceError = errorOf(add.problems, ID.service);
  const scoped = role === 'caseworker';

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    if (!email.trim())
      return add.show([
        { fieldId: ID.email, label: labels.email, message: tr('Indiquez l’adresse.', 'Enter the address.') },
      ]);
    setBusy(true);
    try {
      const created = await api<Agent>(`/api/v1/organisations/${organisationId}/agents`, {
        method: 'POST',
        body: {
          email: email.trim(),
          role,
          ...(scoped && service ? { service } : {}),
          ...(scoped && service && group.trim() ? { group: group.trim() } : {}),
        },
      });
      add.clear();
      setEmail('');
      setGroup('');
      await onChange();
      setStatus(
        tr(
          `${created.email} a maintenant le rôle ${ROLE_LABELS[created.role]()} (${scopeText(created)}). Il l’obtient à sa prochaine connexion.`,
          `${created.email} now has the role ${ROLE_LABELS[created.role]()} (${scopeText(created)}). It applies from their next sign-in.`,
        ),
      );
    } catch (error) {
      add.show(problemsOf(error, fields));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (agent: Agent) => {
    setStatus('');
    try {
      await api(`/api/v1/organisations/${organisationId}/agents/${agent.id}`, { method: 'DELETE' });
      removal.clear();
      await onChange();
      setStatus(tr(`Rôle retiré à ${agent.email}.`, `Role removed from ${agent.email}.`));
    } catch (error) {
      removal.show(
        error instanceof ApiError && error.body.code === 'LAST_ADMIN'
          ? [{ label: '', message: error.body.message }]
          : problemsOf(error, {}),
      );
    }
  };

  return (
    <section aria-labelledby="agents-titre" className="admin-section">
      <h2 id="agents-titre">{tr('Agents', 'Agents')}</h2>
      <Status message={status} />
      <ErrorList id="agents-retrait-erreurs" ref={removal.summaryRef} problems={removal.problems} />
      <div className="admin-table-wrap">
        <table className="table admin-table">
          <caption>{tr('Agents et rôles dans l’organisation', 'Agents and roles in the organisation')}</caption>
          <thead>
            <tr>
              <th scope="col">{tr('Adresse', 'Address')}</th>
              <th scope="col">{tr('Rôle', 'Role')}</th>
              <th scope="col">{tr('Portée', 'Scope')}</th>
              <th scope="col">{tr('Action', 'Action')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.id}>
                <th scope="row">{agent.email}</th>
                <td>{ROLE_LABELS[agent.role]()}</td>
                <td>{scopeText(agent)}</td>
                <td>
                  <ConfirmButton
                    label={
                      <>
                        {tr('Retirer', 'Remove')}
                        <span className="sr-only">
                          {' '}
                          {agent.email} ({ROLE_LABELS[agent.role]()}, {scopeText(agent)})
                        </span>
                      </>
                    }
                    question={tr(
                      `Retirer le rôle ${ROLE_LABELS[agent.role]()} à ${agent.email} ?`,
                      `Remove the role ${ROLE_LABELS[agent.role]()} from ${agent.email}?`,
                    )}
                    confirmLabel={tr('Confirmer le retrait', 'Confirm the removal')}
                    onConfirm={() => remove(agent)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{tr('Ajouter un agent', 'Add an agent')}</h3>
      <ErrorList id="agents-ajout-erreurs" ref={add.summaryRef} problems={add.problems} />
      <form noValidate onSubmit={submit}>
        <TextField
          id={ID.email}
          type="email"
          label={labels.email}
          value={email}
          onChange={setEmail}
          required
          maxLength={320}
          autoComplete="off"
          hint={tr(
            'Celle avec laquelle l’agent se connecte (ProConnect). Exemple : prenom.nom@mairie.fr',
            'The one the agent signs in with (ProConnect). Example: prenom.nom@mairie.fr',
          )}
          error={errorOf(add.problems, ID.email)}
        />
        <fieldset
          className={`field${roleError ? ' field--error' : ''}`}
          aria-describedby={roleError ? `${ID.role}-erreur` : undefined}
        >
          <legend>
            {labels.role} <span className="required">{tr('(obligatoire)', '(required)')}</span>
          </legend>
          {roleError ? (
            <p className="error-message" id={`${ID.role}-erreur`}>
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {roleError}
            </p>
          ) : null}
          <div className="choices">
            {ROLES.map((r, i) => (
              <div className="choice" key={r}>
                <input
                  type="radio"
                  name="agent-role"
                  id={i === 0 ? ID.role : `${ID.role}-${r}`}
                  value={r}
                  checked={role === r}
                  aria-invalid={roleError ? true : undefined}
                  onChange={() => setRole(r)}
                />
                <label htmlFor={i === 0 ? ID.role : `${ID.role}-${r}`}>{ROLE_LABELS[r]()}</label>
              </div>
            ))}
          </div>
        </fieldset>
        {scoped ? (
          <>
            <div className={`field${serviceError ? ' field--error' : ''}`}>
              <label htmlFor={ID.service}>{labels.service}</label>
              {serviceError ? (
                <p className="error-message" id={`${ID.service}-erreur`}>
                  <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
                  {serviceError}
                </p>
              ) : null}
              <select
                id={ID.service}
                value={service}
                aria-invalid={serviceError ? true : undefined}
                aria-describedby={serviceError ? `${ID.service}-erreur` : undefined}
                onChange={(e) => setService(e.target.value)}
              >
                <option value="">{tr('Toutes les démarches', 'Every service')}</option>
                {services.map((s) => (
                  <option key={s.slug} value={s.slug}>
                    {s.title}
                  </option>
                ))}
              </select>
            </div>
            {service ? (
              <TextField
                id={ID.group}
                label={labels.group}
                value={group}
                onChange={setGroup}
                maxLength={40}
                hint={tr(
                  'Facultatif : le nom du groupe, tel que les règles d’orientation le nomment. Vide : tous les groupes.',
                  'Optional: the group’s name, as routing rules name it. Empty: every group.',
                )}
                error={errorOf(add.problems, ID.group)}
              />
            ) : null}
          </>
        ) : null}
        <div className="actions">
          <button type="submit" className="button" aria-disabled={busy || undefined}>
            {tr('Ajouter l’agent', 'Add the agent')}
          </button>
        </div>
      </form>
    </section>
  );
}
