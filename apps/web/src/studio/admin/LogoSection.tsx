import { useEffect, useRef, useState } from 'react';
import { api } from '../../lib/api';
import { tr } from '../../lib/i18n';
import { ConfirmButton, ErrorList, Status, errorOf, problemsOf, useProblems, type Profile } from './common';

const FIELD = 'org-logo';
const MAX_BYTES = 200 * 1024;
const TYPES = ['image/png', 'image/jpeg'];

/** The logo shown on citizens' pages: PNG or JPEG, 200 KB at most, previewed before it is sent. */
export function LogoSection({ profile, onSaved }: { profile: Profile; onSaved: (p: Profile) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const { problems, show, clear, summaryRef } = useProblems();
  const label = tr('Fichier du logo', 'Logo file');
  const error = errorOf(problems, FIELD);

  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const choose = (chosen: File | null) => {
    setStatus('');
    clear();
    if (!chosen) return setFile(null);
    const refusal = !TYPES.includes(chosen.type)
      ? tr(
          'Ce fichier n’est pas une image PNG ou JPEG. Les images SVG ne sont pas acceptées.',
          'This file is not a PNG or JPEG image. SVG images are not accepted.',
        )
      : chosen.size > MAX_BYTES
        ? tr(
            `Ce fichier pèse ${Math.ceil(chosen.size / 1024)} Ko : 200 Ko au plus.`,
            `This file is ${Math.ceil(chosen.size / 1024)} KB: 200 KB at most.`,
          )
        : null;
    if (refusal) {
      setFile(null);
      return show([{ fieldId: FIELD, label, message: refusal }]);
    }
    setFile(chosen);
  };

  const send = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!file) return show([{ fieldId: FIELD, label, message: tr('Choisissez une image.', 'Choose an image.') }]);
    setBusy(true);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const saved = await api<Profile>(`/api/v1/organisations/${profile.id}/logo`, { method: 'PUT', body: form });
      clear();
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      onSaved(saved);
      setStatus(
        tr(
          'Logo enregistré : il apparaît sur les pages de vos démarches.',
          'Logo saved: it shows on your services’ pages.',
        ),
      );
    } catch (e) {
      // Size and type are refused without a pointer: they are about the file.
      const [first] = problemsOf(e, {});
      show([{ fieldId: FIELD, label, message: first!.message }]);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      onSaved(await api<Profile>(`/api/v1/organisations/${profile.id}/logo`, { method: 'DELETE' }));
      setStatus(tr('Logo retiré.', 'Logo removed.'));
    } catch (e) {
      show(problemsOf(e, {}));
    }
  };

  return (
    <section aria-labelledby="logo-titre" className="admin-section">
      <h2 id="logo-titre">{tr('Logo', 'Logo')}</h2>
      <Status message={status} />
      <ErrorList id="logo-erreurs" ref={summaryRef} problems={problems} />
      {profile.logoUrl ? (
        <div className="admin-logo">
          <img src={profile.logoUrl} alt={tr(`Logo actuel de ${profile.name}`, `Current logo of ${profile.name}`)} />
          <ConfirmButton
            label={tr('Retirer le logo', 'Remove the logo')}
            question={tr('Retirer le logo des pages de vos démarches ?', 'Remove the logo from your services’ pages?')}
            confirmLabel={tr('Confirmer le retrait du logo', 'Confirm removing the logo')}
            onConfirm={remove}
          />
        </div>
      ) : (
        <p>{tr('Aucun logo pour le moment.', 'No logo yet.')}</p>
      )}
      <form noValidate onSubmit={send}>
        <div className={`field file-input${error ? ' field--error' : ''}`}>
          <label htmlFor={FIELD}>{profile.logoUrl ? tr('Remplacer le logo', 'Replace the logo') : label}</label>
          <p className="hint" id={`${FIELD}-aide`}>
            {tr(
              'Image PNG ou JPEG, 200 Ko au plus, de préférence sur fond transparent ou blanc.',
              'PNG or JPEG image, 200 KB at most, preferably on a transparent or white background.',
            )}
          </p>
          {error ? (
            <p className="error-message" id={`${FIELD}-erreur`}>
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {error}
            </p>
          ) : null}
          <input
            id={FIELD}
            ref={inputRef}
            type="file"
            accept="image/png,image/jpeg"
            aria-invalid={error ? true : undefined}
            aria-describedby={[`${FIELD}-aide`, error && `${FIELD}-erreur`].filter(Boolean).join(' ')}
            onChange={(e) => choose(e.target.files?.[0] ?? null)}
          />
        </div>
        {preview ? (
          <figure className="admin-logo-preview">
            <img src={preview} alt={tr('Aperçu du nouveau logo', 'Preview of the new logo')} />
            <figcaption>{tr('Aperçu, pas encore enregistré', 'Preview, not saved yet')}</figcaption>
          </figure>
        ) : null}
        <div className="actions">
          <button type="submit" className="button" aria-disabled={busy || !file || undefined}>
            {tr('Enregistrer le logo', 'Save the logo')}
          </button>
        </div>
      </form>
    </section>
  );
}
