import { escapeHtml as escape } from '@guichet/shared';
import { answerLines, mentionsOf, type ReceiptInput } from './receipt';

/** The same receipt as an accessible HTML page: the legal mentions, then headings per step, a description list per answer. */
export function renderReceiptHtml(input: ReceiptInput): string {
  const mentions = mentionsOf(input);
  const service = mentions.service.map((l) => `<dt>${escape(l.label)}</dt><dd>${escape(l.value)}</dd>`).join('');
  const legal = mentions.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('');
  const parts: string[] = [];
  let open = false;
  for (const line of answerLines(input.definition, input.data)) {
    if (line.depth < 0) {
      if (open) parts.push('</dl>');
      parts.push(`<h3>${escape(line.label)}</h3><dl>`);
      open = true;
    } else {
      parts.push(
        `<dt style="margin-left:${line.depth}rem">${escape(line.label)}</dt>${line.value ? `<dd>${escape(line.value)}</dd>` : '<dd></dd>'}`,
      );
    }
  }
  if (open) parts.push('</dl>');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accusé de réception ${escape(input.reference)} — ${escape(input.serviceTitle)}</title></head>
<body><main id="contenu"><p>${escape(input.organisationName)}</p><h1>Accusé de réception</h1><p>${escape(input.serviceTitle)}</p>
<dl><dt>Référence</dt><dd>${escape(input.reference)}</dd><dt>Reçue le</dt><dd>${escape(mentions.receivedOn)}</dd>
<dt>Déposée par</dt><dd>${escape(input.identity ?? 'dépôt sans compte')}</dd>${service}</dl>
<p>Votre demande a bien été reçue. Conservez ce document : la référence permet de suivre votre demande et de la rappeler à nos services.</p>
<h2>Délais et voies de recours</h2>${legal}
<h2>Vos réponses</h2>${parts.join('')}</main></body></html>`;
}
