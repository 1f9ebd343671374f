import { tr } from '../lib/i18n';

/** A named list of links to the parts of a studio tab: fewer Tab presses between them. */
function PartLinks({ label, parts }: { label: string; parts: Array<[string, string]> }) {
  return (
    <nav aria-label={label} className="studio-skip">
      <ul>
        {parts.map(([id, text]) => (
          <li key={id}>
            <a
              href={`#${id}`}
              onClick={(event) => {
                event.preventDefault();
                const target =
                  id === 'studio-proprietes'
                    ? document.querySelector<HTMLElement>('.studio-panel h2')
                    : document.getElementById(id);
                target?.focus();
                target?.scrollIntoView({ block: 'start' });
              }}
            >
              {text}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Links to the parts of the form tab: fewer Tab presses between the steps, the fields, the properties. */
export function SkipLinks({ hasField }: { hasField: boolean }) {
  const links: Array<[string, string]> = [
    ['studio-etapes-titre', tr('Étapes', 'Steps')],
    ['studio-champs-titre', tr('Champs de l’étape', 'Fields of the step')],
    ['studio-nouveau-libelle', tr('Ajouter un champ', 'Add a field')],
    ...(hasField ? [['studio-proprietes', tr('Propriétés du champ', 'Field properties')] as [string, string]] : []),
    ['studio-apercu-titre', tr('Aperçu', 'Preview')],
  ];
  return <PartLinks label={tr('Aller à une partie de l’éditeur', 'Go to a part of the editor')} parts={links} />;
}

/** Links to the sections of the workflow tab (about 180 Tab stops without them). */
export function WorkflowSkipLinks() {
  return (
    <PartLinks
      label={tr('Aller à une partie du circuit', 'Go to a part of the workflow')}
      parts={[
        ['wf-states-title', tr('États', 'States')],
        ['wf-transitions-title', tr('Transitions', 'Transitions')],
        ['wf-routing-title', tr('Orientation', 'Routing')],
        ['wf-emails-title', tr('Modèles de courriel', 'Email templates')],
        ['wf-webhook-title', tr('Webhook', 'Webhook')],
      ]}
    />
  );
}
