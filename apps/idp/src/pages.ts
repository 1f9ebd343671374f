import { escapeHtml as escape } from '@guichet/shared';
import type { AgentIdentity, CitizenIdentity } from './identities';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1.5rem 1rem;color:#161616;line-height:1.5}
h1{font-size:1.75rem}fieldset{border:1px solid #929292;padding:1rem;margin:0 0 1.5rem}legend{font-weight:700;padding:0 .25rem}
label{display:block;padding:.35rem 0}button{font:inherit;padding:.6rem 1.2rem;margin-right:1rem;border:2px solid #000091;background:#000091;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#000091}:focus-visible{outline:3px solid #0a76f6;outline-offset:2px}
form+form{margin-top:1rem}.notice{border-left:4px solid #000091;padding:.5rem 1rem;background:#f5f5fe}.error{border-left:4px solid #ce0500;padding:.5rem 1rem;background:#fef4f4}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head><body><main id="contenu">${body}</main></body></html>`;
}

/** The login page: pick a test identity. One form, a fieldset of radios, a clear way to cancel. */
export function loginPage(input: {
  uid: string;
  kind: 'citizen' | 'agent';
  identities: ReadonlyArray<CitizenIdentity | AgentIdentity>;
  error?: string;
}): string {
  const title = input.kind === 'citizen' ? 'Connexion avec une identité de test' : 'Connexion agent (identité de test)';
  const radios = input.identities
    .map(
      (id, i) =>
        `<label><input type="radio" name="identity" value="${escape(id.sub)}"${i === 0 ? ' required' : ''}${
          input.error ? ' aria-describedby="erreur"' : ''
        }> ${escape(id.label)}</label>`,
    )
    .join('');
  const error = input.error ? `<div class="error" role="alert" id="erreur"><p>${escape(input.error)}</p></div>` : '';
  return page(
    `${title} — fournisseur d’identité de démonstration`,
    `<h1>${escape(title)}</h1>
<p class="notice">Fournisseur d’identité <strong>de démonstration</strong> de Guichet, à la manière de ${
      input.kind === 'citizen' ? 'FranceConnect' : 'ProConnect'
    }. Aucune personne réelle : choisissez une identité de test.</p>
${error}
<form method="post" action="/interaction/${escape(input.uid)}/login">
<fieldset><legend>Identités de test</legend>${radios}</fieldset>
<button type="submit">Se connecter</button>
</form>
<form method="post" action="/interaction/${escape(input.uid)}/abort"><button type="submit" class="secondary">Annuler et revenir au service</button></form>`,
  );
}

export function logoutPage(form: string): string {
  return page(
    'Déconnexion — fournisseur d’identité de démonstration',
    `<h1>Se déconnecter</h1><p>Voulez-vous aussi vous déconnecter du fournisseur d’identité de démonstration ?</p>
${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>`,
  );
}

export function errorPage(message: string): string {
  return page(
    'Erreur — fournisseur d’identité de démonstration',
    `<h1>La connexion n’a pas abouti</h1><div class="error" role="alert"><p>${escape(message)}</p></div>`,
  );
}
