import { contentDisposition, escapeHtml, foldToAscii, slugify } from './text';

describe('slugify', () => {
  it('folds accents and spells ligatures out', () => {
    expect(slugify('Cœur de ville')).toBe('coeur-de-ville');
    expect(slugify('ŒUVRES ET Æ')).toBe('oeuvres-et-ae');
    expect(slugify('Vos enfants à charge')).toBe('vos-enfants-a-charge');
    expect(slugify('Élève, garçon — déjà ?')).toBe('eleve-garcon-deja');
    expect(foldToAscii('Straße Ça')).toBe('strasse ca');
  });

  it('joins with the separator asked and cuts without a separator at the end', () => {
    expect(slugify('En attente de paiement', { separator: '_' })).toBe('en_attente_de_paiement');
    expect(slugify('abc def', { maxLength: 4 })).toBe('abc');
    expect(slugify('abc def', { maxLength: 5 })).toBe('abc-d');
    expect(slugify('  --Déjà--  ')).toBe('deja');
  });

  it('falls back when nothing is left', () => {
    expect(slugify('🙂 !', { fallback: 'etape' })).toBe('etape');
    expect(slugify('«»')).toBe('');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('déjà vu')).toBe('déjà vu');
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII name alone when it is the exact name', () => {
    expect(contentDisposition('attachment', 'cantine-demandes.xlsx')).toBe(
      'attachment; filename="cantine-demandes.xlsx"',
    );
  });

  it('adds the exact UTF-8 name (RFC 5987) beside an ASCII fallback', () => {
    expect(contentDisposition('inline', 'liste des pièces.pdf')).toBe(
      `inline; filename="liste des pieces.pdf"; filename*=UTF-8''liste%20des%20pi%C3%A8ces.pdf`,
    );
    expect(contentDisposition('attachment', 'relevé d’identité (2).pdf')).toBe(
      `attachment; filename="releve d_identite (2).pdf"; filename*=UTF-8''relev%C3%A9%20d%E2%80%99identit%C3%A9%20%282%29.pdf`,
    );
  });

  it('never lets a quote, a backslash or a line break out of the quoted name', () => {
    const header = contentDisposition('attachment', 'a"b\\c\r\nd%.txt');
    expect(header.startsWith('attachment; filename="a_b_c__d_.txt"; filename*=UTF-8\'\'')).toBe(true);
    expect(header).not.toMatch(/[\r\n]/);
    expect(contentDisposition('attachment', '東京')).toMatch(/^attachment; filename="__"; filename\*=UTF-8''%E6%9D%B1/);
    expect(contentDisposition('attachment', '')).toBe('attachment; filename="fichier"; filename*=UTF-8\'\'');
  });
});
