import { REFERENCE_ALPHABET, REFERENCE_PATTERN, newReference } from './reference';

describe('reference numbers', () => {
  it('look like GCH-XXXX-XXXX with no ambiguous character', () => {
    for (let i = 0; i < 1000; i++) expect(newReference()).toMatch(REFERENCE_PATTERN);
    expect(REFERENCE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('are spread over the whole alphabet, not in sequence', () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const r = newReference();
      seen.add(r);
      for (const c of r.replace(/^GCH-|-/g, '')) chars.add(c);
    }
    expect(seen.size).toBe(5000);
    expect(chars.size).toBe(REFERENCE_ALPHABET.length);
  });
});
