import { tr } from '../lib/i18n';
import type { CaseView } from '@guichet/shared';

/** Who sent the request, how to reach them, and whether FranceConnect vouched for them. */
export function CaseCitizen({ file }: { file: CaseView }) {
  return (
    <section aria-labelledby="usager">
      <h2 id="usager">{tr('Usager', 'Citizen')}</h2>
      <dl className="desk-summary">
        <div>
          <dt>{tr('Nom', 'Name')}</dt>
          <dd>{file.contact.name ?? <span className="muted">{tr('Non communiqué', 'Not given')}</span>}</dd>
        </div>
        <div>
          <dt>{tr('Courriel', 'Email')}</dt>
          <dd>
            {file.contact.email ?? (
              <span className="muted">
                {tr('Aucun : l’usager ne recevra pas de courriel', 'None: the citizen gets no email')}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{tr('Identité', 'Identity')}</dt>
          <dd>
            {file.identity.franceConnect
              ? tr(
                  'Transmise par FranceConnect : l’usager était identifié, les réponses préremplies en viennent.',
                  'From FranceConnect: the citizen was signed in; prefilled answers come from it.',
                )
              : tr(
                  'Sans FranceConnect : demande déposée sans compte, identité non vérifiée.',
                  'Without FranceConnect: sent without an account, identity not verified.',
                )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
