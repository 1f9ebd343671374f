/**
 * Every palette entry's output (French, label « Libellé ») as the palette built it before issue 19 made it a table,
 * written down once as data: the palette must not change a byte of a definition it adds to.
 */
const PALETTE_OUTPUT = jest.requireActual<Array<{ type: string }>>('./fieldKinds.fixture.json');

/** Loaded by jest at run time, as in lookup-fields.spec.ts (the root type-check has no DOM library). */
const kinds = jest.requireActual<{
  PALETTE: Array<{ type: string; name(): string; simple: boolean; build(label: string): unknown }>;
}>('./fieldKinds');

describe('the palette', () => {
  it('offers the same kinds, in the same order', () => {
    expect(kinds.PALETTE.map((p) => p.type)).toEqual(PALETTE_OUTPUT.map((p) => p.type));
  });

  it.each(PALETTE_OUTPUT.map((p) => [p.type, p] as const))('builds %s as it always did', (type, expected) => {
    const entry = kinds.PALETTE.find((p) => p.type === type)!;
    // Through JSON, as the definition is saved: an `undefined` key would not survive it.
    const built = JSON.parse(JSON.stringify(entry.build('Libellé'))) as unknown;
    const actual = { type: entry.type, name: entry.name(), simple: entry.simple, built };
    expect(actual).toEqual(expected);
    // Key order too: a saved definition's bytes must not move.
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });
});
