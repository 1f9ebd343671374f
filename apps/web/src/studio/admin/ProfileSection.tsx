import { useState } from 'react';
import { api } from '../../lib/api';
import { lang, tr } from '../../lib/i18n';
import { ErrorList, Status, TextField, errorOf, problemsOf, useProblems, type Problem, type Profile } from './common';
import { HEX_COLOR, MIN_CONTRAST, contrastRatio, formatRatio } from '@guichet/shared';

const ID = {
  name: 'org-nom',
  email: 'org-courriel',
  phone: 'org-telephone',
  address: 'org-adresse',
  website: 'org-site',
  accent: 'org-couleur',
};

const LABELS = {
  name: () => tr('Nom de l’organisation', 'Organisation name'),
  email: () => tr('Adresse électronique de contact', 'Contact email'),
  phone: () => tr('Téléphone', 'Phone'),
  address: () => tr('Adresse postale', 'Postal address'),
  website: () => tr('Site internet', 'Website'),
  accent: () => tr('Couleur d’accent (#rrggbb)', 'Accent colour (#rrggbb)'),
};

/** What the contrast of `color` on white means, as the page says it (null: not a colour yet). */
function contrastText(color: string): { ok: boolean; text: string } | null {
  if (!HEX_COLOR.test(color)) return null;
  const ratio = contrastRatio(color, '#ffffff');
  const measured = formatRatio(ratio, lang);
  const ok = ratio >= MIN_CONTRAST;
  return {
    ok,
    text: ok
      ? tr(
          `Contraste sur fond blanc : ${measured}:1 — suffisant (4,5:1 au moins).`,
          `Contrast on white: ${measured}:1 — enough (4.5:1 at least).`,
        )
      : tr(
          `Contraste sur fond blanc : ${measured}:1 — insuffisant, il faut au moins 4,5:1. Choisissez une teinte plus foncée.`,
          `Contrast on white: ${measured}:1 — not enough, 4.5:1 at least. Choose a darker shade.`,
        ),
  };
}

/** Name, contact details shown to citizens, and the accent colour with its contrast measured live. */
export function ProfileSection({ profile, onSaved }: { profile: Profile; onSaved: (p: Profile) => void }) {
  const [name, setName] = useState(profile.name);
  const [email, setEmail] = useState(profile.contact.email ?? '');
  const [phone, setPhone] = useState(profile.contact.phone ?? '');
  const [address, setAddress] = useState(profile.contact.address ?? '');
  const [website, setWebsite] = useState(profile.contact.website ?? '');
  const [accent, setAccent] = useState(profile.accentColor ?? '');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const { problems, show, clear, summaryRef } = useProblems();
  const contrast = contrastText(accent.trim());

  const fields: Record<string, { id: string; label: string }> = {
    '/name': { id: ID.name, label: LABELS.name() },
    '/contact/email': { id: ID.email, label: LABELS.email() },
    '/contact/phone': { id: ID.phone, label: LABELS.phone() },
    '/contact/address': { id: ID.address, label: LABELS.address() },
    '/contact/website': { id: ID.website, label: LABELS.website() },
    '/accentColor': { id: ID.accent, label: LABELS.accent() },
  };

  const check = (): Problem[] => {
    const found: Problem[] = [];
    if (!name.trim())
      found.push({ fieldId: ID.name, label: LABELS.name(), message: tr('Indiquez le nom.', 'Enter the name.') });
    const color = accent.trim();
    if (color && !HEX_COLOR.test(color))
      found.push({
        fieldId: ID.accent,
        label: LABELS.accent(),
        message: tr(
          'Couleur attendue au format #rrggbb (exemple : #000091).',
          'A colour in the form #rrggbb is expected (e.g. #000091).',
        ),
      });
    else if (contrast && !contrast.ok)
      found.push({ fieldId: ID.accent, label: LABELS.accent(), message: contrast.text });
    return found;
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setStatus('');
    const found = check();
    if (found.length) return show(found);
    setBusy(true);
    try {
      const saved = await api<Profile>(`/api/v1/organisations/${profile.id}`, {
        method: 'PUT',
        body: {
          name: name.trim(),
          contact: {
            email: email.trim() || null,
            phone: phone.trim() || null,
            address: address.trim() || null,
            website: website.trim() || null,
          },
          accentColor: accent.trim() || null,
        },
      });
      clear();
      onSaved(saved);
      setStatus(tr('Profil enregistré.', 'Profile saved.'));
    } catch (error) {
      show(problemsOf(error, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="profil-titre" className="admin-section">
      <h2 id="profil-titre">{tr('Profil et identité visuelle', 'Profile and branding')}</h2>
      <Status message={status} />
      <ErrorList id="profil-erreurs" ref={summaryRef} problems={problems} />
      <form noValidate onSubmit={submit}>
        <TextField
          id={ID.name}
          label={LABELS.name()}
          value={name}
          onChange={setName}
          required
          maxLength={200}
          autoComplete="organization"
          error={errorOf(problems, ID.name)}
        />
        <fieldset className="group">
          <legend>{tr('Coordonnées affichées aux usagers', 'Contact details shown to citizens')}</legend>
          <TextField
            id={ID.email}
            type="email"
            label={LABELS.email()}
            value={email}
            onChange={setEmail}
            maxLength={320}
            autoComplete="email"
            hint={tr('Exemple : accueil@mairie.fr', 'Example: accueil@mairie.fr')}
            error={errorOf(problems, ID.email)}
          />
          <TextField
            id={ID.phone}
            type="tel"
            label={LABELS.phone()}
            value={phone}
            onChange={setPhone}
            maxLength={40}
            autoComplete="tel"
            hint={tr('Exemple : 02 38 00 00 00', 'Example: +33 2 38 00 00 00')}
            error={errorOf(problems, ID.phone)}
          />
          <TextField
            id={ID.address}
            label={LABELS.address()}
            value={address}
            onChange={setAddress}
            multiline
            maxLength={500}
            autoComplete="street-address"
            error={errorOf(problems, ID.address)}
          />
          <TextField
            id={ID.website}
            type="url"
            label={LABELS.website()}
            value={website}
            onChange={setWebsite}
            maxLength={500}
            autoComplete="url"
            hint={tr('Adresse complète, commençant par https://', 'Full address, starting with https://')}
            error={errorOf(problems, ID.website)}
          />
        </fieldset>
        <fieldset className="group">
          <legend>{tr('Couleur d’accent', 'Accent colour')}</legend>
          <TextField
            id={ID.accent}
            label={LABELS.accent()}
            value={accent}
            onChange={setAccent}
            maxLength={7}
            describedBy={`${ID.accent}-contraste`}
            hint={tr(
              'Utilisée pour les boutons et les liens des pages de vos démarches, sur fond blanc : elle doit offrir un contraste d’au moins 4,5:1. Laissez vide pour la couleur par défaut.',
              'Used for buttons and links on your services’ pages, on white: it needs a contrast of 4.5:1 at least. Leave empty for the default colour.',
            )}
            error={errorOf(problems, ID.accent)}
          >
            <div className="admin-colour">
              <label htmlFor={`${ID.accent}-palette`}>
                {tr('Ou choisir dans la palette', 'Or pick from the palette')}
              </label>
              <input
                id={`${ID.accent}-palette`}
                type="color"
                value={HEX_COLOR.test(accent.trim()) ? accent.trim().toLowerCase() : '#000091'}
                onChange={(e) => setAccent(e.target.value)}
              />
            </div>
            <p
              id={`${ID.accent}-contraste`}
              className={
                contrast
                  ? contrast.ok
                    ? 'admin-contrast admin-contrast--ok'
                    : 'admin-contrast admin-contrast--low'
                  : 'admin-contrast'
              }
              aria-live="polite"
            >
              {contrast?.text ?? ''}
            </p>
            {/* A sample only of a colour that passes: one that does not would be unreadable text on the page. */}
            {contrast?.ok ? (
              <p className="admin-sample" aria-hidden="true">
                <span className="admin-sample-button" style={{ background: accent.trim() }}>
                  {tr('Déposer ma demande', 'Submit my request')}
                </span>{' '}
                <span className="admin-sample-link" style={{ color: accent.trim() }}>
                  {tr('Un lien', 'A link')}
                </span>
              </p>
            ) : null}
          </TextField>
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" aria-disabled={busy || undefined}>
            {tr('Enregistrer le profil', 'Save the profile')}
          </button>
        </div>
      </form>
    </section>
  );
}
