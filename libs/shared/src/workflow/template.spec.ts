import fc from 'fast-check';
import { DEFAULT_EMAILS } from './defaults';
import { placeholdersIn, renderTemplate } from './template';
import { PLACEHOLDERS } from './types';

const vars = {
  reference: 'GCH-2025-000123',
  service: 'Inscription à la cantine',
  organisation: 'Mairie de Saint-Martin',
  status: 'Refusée',
  comment: 'Le justificatif de domicile manque.',
  link: 'https://guichet.example/demandes/123',
  givenName: 'Claire',
};

describe('renderTemplate', () => {
  it('replaces every placeholder, with or without spaces inside the braces', () => {
    const out = renderTemplate(
      { subject: 'Demande {{reference}} : {{ status }}', body: '{{service}} / {{organisation}} / {{link}}' },
      vars,
    );
    expect(out).toEqual({
      subject: 'Demande GCH-2025-000123 : Refusée',
      body: 'Inscription à la cantine / Mairie de Saint-Martin / https://guichet.example/demandes/123',
    });
  });

  it('renders unknown and missing placeholders as nothing', () => {
    expect(renderTemplate({ subject: 'a{{nope}}b', body: '[{{comment}}]' }, {}).subject).toBe('ab');
    expect(renderTemplate({ subject: 'x', body: '[{{comment}}]' }, {}).body).toBe('[]');
  });

  it('does not read placeholders from Object.prototype', () => {
    const out = renderTemplate({ subject: '{{constructor}}{{toString}}', body: '{{hasOwnProperty}}' }, {});
    expect(out).toEqual({ subject: '', body: '' });
    // Not a placeholder name (it starts with a letter): left as written.
    expect(renderTemplate({ subject: '{{__proto__}}', body: '' }, {}).subject).toBe('{{__proto__}}');
  });

  it('inserts values literally: no second expansion, no $ patterns, no markup', () => {
    const out = renderTemplate(
      { subject: 's', body: 'Motif : {{comment}}' },
      { ...vars, comment: '{{reference}} $& $1 $$ <b>gras</b> &amp;' },
    );
    expect(out.body).toBe('Motif : {{reference}} $& $1 $$ <b>gras</b> &amp;');
  });

  it('removes line breaks from the subject, whether from the template or a value', () => {
    const out = renderTemplate(
      { subject: 'Demande {{reference}}\r\nBcc: x@example.com', body: 'a\nb {{reference}}' },
      { reference: 'GCH-1\r\nBcc: victim@example.com\n' },
    );
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.subject).toBe('Demande GCH-1 Bcc: victim@example.com Bcc: x@example.com');
    // The body is plain text: line breaks are its own business.
    expect(out.body).toBe('a\nb GCH-1\r\nBcc: victim@example.com\n');
  });

  it('reads "Bonjour," when the given name is unknown', () => {
    const t = { subject: 'x', body: 'Bonjour {{givenName}},\nMerci {{givenName}}.\n{{reference}} et {{givenName}}' };
    expect(renderTemplate(t, { reference: 'R' }).body).toBe('Bonjour,\nMerci.\nR et');
    expect(renderTemplate(t, { reference: 'R', givenName: 'Karim' }).body).toBe(
      'Bonjour Karim,\nMerci Karim.\nR et Karim',
    );
    // Only before punctuation or the end of a line: elsewhere the space stays.
    expect(renderTemplate({ subject: 'x', body: 'a {{comment}} b' }, {}).body).toBe('a  b');
  });

  it('never lets a line break into the subject', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.constantFrom(...PLACEHOLDERS), fc.string()), (subject, values) => {
        const out = renderTemplate({ subject: subject + '{{reference}}{{comment}}', body: '' }, values);
        return !/[\r\n]/.test(out.subject);
      }),
      { numRuns: 500 },
    );
  });

  it('renders the default emails completely', () => {
    for (const [key, template] of Object.entries(DEFAULT_EMAILS)) {
      const out = renderTemplate(template, vars);
      expect(out.subject).toContain(vars.reference);
      expect(out.subject.length).toBeLessThan(100);
      expect(`${out.subject}\n${out.body}`).not.toMatch(/\{\{|\}\}/);
      expect(out.body).toContain(vars.link);
      expect(out.body).toMatch(/^Bonjour Claire,/);
      if (['changes_requested', 'decision_rejected', 'decision_closed'].includes(key))
        expect(out.body).toContain(vars.comment);
    }
  });
});

describe('placeholdersIn', () => {
  it('lists each placeholder once, in order', () => {
    expect(placeholdersIn('{{b}} {{ a }} {{b}} {{not closed} {x}')).toEqual(['b', 'a']);
    for (const template of Object.values(DEFAULT_EMAILS)) {
      for (const name of placeholdersIn(template.subject + template.body))
        expect(PLACEHOLDERS as readonly string[]).toContain(name);
    }
  });
});
