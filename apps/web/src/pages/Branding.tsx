import { useEffect } from 'react';
import { tr } from '../lib/i18n';
import type { PublicOrganisation } from '@guichet/shared';

/**
 * The organisation's accent colour on its service pages. The API refuses any
 * colour under 4.5:1 on white, so white text on it and it on white stay AA.
 */
export function useAccent(organisation: PublicOrganisation | undefined): void {
  const accent = organisation?.accentColor;
  useEffect(() => {
    if (!accent || !/^#[0-9a-fA-F]{6}$/.test(accent)) return;
    const root = document.documentElement;
    root.style.setProperty('--blue', accent);
    return () => {
      root.style.removeProperty('--blue');
    };
  }, [accent]);
}

/** The organisation's logo and name above a service's title. */
export function OrganisationMark({ organisation }: { organisation: PublicOrganisation }) {
  return (
    <p className="eyebrow organisation-mark">
      {organisation.logoUrl && <img src={organisation.logoUrl} alt="" height={40} />}
      <span>{organisation.name}</span>
    </p>
  );
}

/** How to reach the organisation, when it said so. */
export function OrganisationContact({ organisation }: { organisation: PublicOrganisation }) {
  const c = organisation.contact;
  if (!c || !(c.email || c.phone || c.address || c.website)) return null;
  return (
    <section aria-labelledby="contact-collectivite">
      <h2 id="contact-collectivite">{tr('Une question ?', 'A question?')}</h2>
      <p>{tr(`Contactez ${organisation.name} :`, `Contact ${organisation.name}:`)}</p>
      <ul>
        {c.email && (
          <li>
            {tr('Courriel : ', 'Email: ')}
            <a href={`mailto:${c.email}`}>{c.email}</a>
          </li>
        )}
        {c.phone && (
          <li>
            {tr('Téléphone : ', 'Phone: ')}
            <a href={`tel:${c.phone.replace(/[^+\d]/g, '')}`}>{c.phone}</a>
          </li>
        )}
        {c.address && (
          <li>
            {tr('Adresse : ', 'Address: ')}
            {c.address}
          </li>
        )}
        {c.website && /^https?:\/\//.test(c.website) && (
          <li>
            {tr('Site : ', 'Website: ')}
            <a href={c.website}>{c.website.replace(/^https?:\/\//, '')}</a>
          </li>
        )}
      </ul>
    </section>
  );
}
