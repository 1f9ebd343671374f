import { tr } from '../lib/i18n';

/** Links to the parts of the form tab: fewer Tab presses between the steps, the fields, the properties. */
export function SkipLinks({ hasField }: { hasField: boolean }) {
  const links: Array<[string, string]> = [
    ['studio-etapes-titre', tr('Étapes', 'Steps')],
    ['studio-champs-titre', tr('Champs de l’étape', 'Fields of the step')],
    ['studio-nouveau-libelle', tr('Ajouter un champ', 'Add a field')],
    ...(hasField ? [['studio-proprietes', tr('Propriétés du champ', 'Field properties')] as [string, string]] : []),
    ['studio-apercu-titre', tr('Aperçu', 'Preview')],
  ];
  return (
    <nav aria-label={tr('Aller à une partie de l’éditeur', 'Go to a part of the editor')} className="studio-skip">
      <ul>
        {links.map(([id, label]) => (
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
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
