import { plainText } from './markdown-text';

describe('plainText', () => {
  it('leaves text without marks as it is', () => {
    expect(plainText('Date de début')).toBe('Date de début');
    expect(plainText('Enfants de moins de 3 ans (< 3 ans)')).toBe('Enfants de moins de 3 ans (< 3 ans)');
  });

  it('keeps escaped characters as words, not marks', () => {
    expect(plainText('Prix \\*hors taxes\\*')).toBe('Prix *hors taxes*');
    expect(plainText('\\# de dossier')).toBe('# de dossier');
  });

  it('keeps HTML-like text as written (RJSF shows it as text), autolinks as their address, and comparisons', () => {
    expect(plainText('<b>Attention</b> : voir <https://example.org>')).toBe(
      '<b>Attention</b> : voir https://example.org',
    );
    expect(plainText('Âge <18 ou > 65 **ans**')).toBe('Âge <18 ou > 65 ans');
  });

  it('reads headings, images and links as their words', () => {
    expect(plainText('## Votre ![logo](x.png) [dossier](https://example.org "titre")')).toBe('Votre logo dossier');
  });
});
