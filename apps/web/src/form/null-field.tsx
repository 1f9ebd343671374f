import { useEffect } from 'react';
import { useForm } from './context';
import type { FieldModel } from './model';
import { RichText } from './RichText';

/** `type: "null"`: nothing to answer, its title and description; its value is null, as RJSF's NullField sets it. */
export function NullField({ model }: { model: FieldModel }) {
  const { store } = useForm();
  useEffect(() => {
    if (store.get(model.pointer) === undefined) store.set(model.pointer, null);
  }, [store, model.pointer]);
  return (
    <div className="field" data-pointer={model.pointer}>
      <p className="label">{model.title}</p>
      {model.description && <RichText className="hint" text={model.description} />}
    </div>
  );
}
