/**
 * The pieces every field is made of, wired once: the required mark, the hint
 * and prefill note with their ids for `aria-describedby`, the error message.
 */
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { idOf, type FieldModel } from './model';
import { RichText } from './RichText';

export function Required({ on }: { on: boolean }) {
  return on ? (
    <span className="required" aria-hidden="true">
      {' '}
      *
    </span>
  ) : null;
}

/** Hint, prefill note and error ids that exist, for aria-describedby. */
export function useDescriptions(model: FieldModel, hasError: boolean) {
  const { signedIn } = useForm();
  const id = idOf(model.pointer);
  const hint = model.help ?? model.description;
  const prefilled = signedIn && model.prefill;
  const ids = [hint && `${id}-aide`, prefilled && `${id}-fc`, hasError && `${id}-erreur`].filter(Boolean).join(' ');
  const nodes = (
    <>
      {hint && <RichText className="hint" id={`${id}-aide`} text={hint} />}
      {prefilled && (
        <p className="hint prefilled" id={`${id}-fc`}>
          {model.prefill!.locked
            ? tr(
                'Renseigné par FranceConnect : cette information ne peut pas être modifiée ici.',
                'Filled in by FranceConnect: this cannot be changed here.',
              )
            : tr(
                'Prérempli avec FranceConnect : vous pouvez le modifier.',
                'Prefilled by FranceConnect: you may change it.',
              )}
        </p>
      )}
    </>
  );
  return { id, describedBy: ids || undefined, nodes, locked: !!(prefilled && model.prefill!.locked) };
}

export function ErrorMessage({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p className="error-message" id={`${id}-erreur`}>
      <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
      {message}
    </p>
  );
}
