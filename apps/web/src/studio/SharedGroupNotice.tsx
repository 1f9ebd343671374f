import { tr } from '../lib/i18n';
import type { SharedGroup } from './definition';

/** Whether an edit inside `group` reaches other places of the form than the one the designer is looking at. */
export const isShared = (group: SharedGroup | undefined): group is SharedGroup =>
  group !== undefined && (group.uses > 1 || group.recursive);

const places = (group: SharedGroup) =>
  group.recursive
    ? tr(
        `utilisé à ${group.uses} emplacement${group.uses > 1 ? 's' : ''} du formulaire et en lui-même, à chaque niveau`,
        `used in ${group.uses} place${group.uses > 1 ? 's' : ''} of the form and inside itself, at every level`,
      )
    : tr(`utilisé à ${group.uses} emplacements du formulaire`, `used in ${group.uses} places of the form`);

/**
 * Said above the properties of a field that belongs to a group kept once in the schema's `$defs` and used in
 * several places: the schema edits (label, required, limits, format) change the group, so every place; the
 * uiSchema's (help, placeholder, a label given by `ui:title`) stay this place's. The controls that change the
 * group point at it with `aria-describedby`.
 */
export function SharedFieldNotice({
  id,
  group,
  labelIsLocal,
}: {
  id: string;
  group: SharedGroup;
  labelIsLocal: boolean;
}) {
  return (
    <div className="notice notice--warning" id={id}>
      <p>
        <strong>{tr('Groupe partagé', 'Shared group')} :</strong>{' '}
        {tr(
          `ce champ fait partie du groupe « ${group.name} », ${places(group)}. La modification de ${
            labelIsLocal ? 'ses réglages' : 'son libellé et de ses réglages'
          } s’applique partout.`,
          `this field belongs to the group “${group.name}”, ${places(group)}. Changing ${
            labelIsLocal ? 'its settings' : 'its label and settings'
          } applies everywhere.`,
        )}{' '}
        {labelIsLocal
          ? tr(
              'Le libellé, l’aide et le texte indicatif ne concernent que cet emplacement.',
              'The label, help and placeholder apply to this place only.',
            )
          : tr(
              'L’aide et le texte indicatif ne concernent que cet emplacement.',
              'The help and placeholder apply to this place only.',
            )}
      </p>
    </div>
  );
}

/** Said in « Champs de ce bloc » when the block's fields are a shared group's: adding, removing, moving reach every place. */
export function SharedBlockNotice({ id, group }: { id: string; group: SharedGroup }) {
  return (
    <p className="notice notice--warning" id={id}>
      <strong>{tr('Groupe partagé', 'Shared group')} :</strong>{' '}
      {tr(
        `ces champs sont ceux du groupe « ${group.name} », ${places(group)}. Ajouter, retirer, déplacer ou modifier un champ s’applique partout.`,
        `these fields are those of the group “${group.name}”, ${places(group)}. Adding, removing, moving or changing a field applies everywhere.`,
      )}
    </p>
  );
}
