import { MIN_CONTRAST, contrastRatio, formatRatio, relativeLuminance } from './contrast';

describe('WCAG contrast', () => {
  it('gives the luminance of the extremes and of pure primaries', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#FFFFFF')).toBeCloseTo(1, 10);
    expect(relativeLuminance('#ff0000')).toBeCloseTo(0.2126, 4);
    expect(relativeLuminance('#00ff00')).toBeCloseTo(0.7152, 4);
    expect(relativeLuminance('#0000ff')).toBeCloseTo(0.0722, 4);
  });

  it('measures known pairs as the WCAG tools do', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // Marianne blue (DSFR) and the classic grey that just passes.
    expect(contrastRatio('#000091', '#ffffff')).toBeCloseTo(14.9, 1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    // Order does not matter.
    expect(contrastRatio('#ffffff', '#e1000f')).toBe(contrastRatio('#e1000f', '#ffffff'));
  });

  it('draws the 4.5:1 line where AA puts it', () => {
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(MIN_CONTRAST);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(MIN_CONTRAST);
    expect(contrastRatio('#ffcc00', '#ffffff')).toBeLessThan(MIN_CONTRAST);
  });

  it('rounds down for display, with a French decimal comma', () => {
    expect(formatRatio(4.4999)).toBe('4,49');
    expect(formatRatio(4.5)).toBe('4,5');
    expect(formatRatio(21)).toBe('21');
    expect(formatRatio(1.6, 'en')).toBe('1.6');
  });

  it('refuses what is not #rrggbb', () => {
    for (const bad of ['#fff', 'red', '#gggggg', '', '#1234567'])
      expect(() => relativeLuminance(bad)).toThrow(RangeError);
  });
});
