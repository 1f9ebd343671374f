import { useEffect } from 'react';
import { useForm } from './context';
import type { FieldModel } from './model';
import { RichText } from './RichText';

/** `type: "null"`: nothing to answer, its title, description and help; its value is null, as RJSF's NullField sets it. */
export function NullField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  useEffect(() => {
    if (store.get(model.pointer) === undefined) store.set(model.pointer, null);
  }, [store, model.pointer]);
  return (
    <div className="field" data-pointer={model.pointer}>
      <p className="label">{model.title}</p>
      {model.description && <RichText className="hint" text={model.description} />}
      {/* RJSF's FieldTemplate draws `ui:help` around every field, a null one (a choice's « Sans valeur ») too. */}
      {model.help && <RichText className="hint" text={model.help} />}
    </div>
  );
}
