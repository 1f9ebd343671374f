/**
 * WCAG 2.1 contrast (success criterion 1.4.3, RGAA 3.2): an organisation's
 * accent colour is used for text and buttons on white, so it needs 4.5:1.
 * The studio shows the figure live with this same code; the API decides.
 */
export const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
export const MIN_CONTRAST = 4.5;

/** Relative luminance of an sRGB `#rrggbb` colour (WCAG 2.1 definition). */
export function relativeLuminance(hex: string): number {
  if (!HEX_COLOR.test(hex)) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** (L1 + 0.05) / (L2 + 0.05), lighter over darker: from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The ratio as people read it, rounded down to two decimals so that a colour
 * just under the bar never shows "4,50" (French decimal comma by default).
 */
export function formatRatio(ratio: number, locale: 'fr' | 'en' = 'fr'): string {
  const floored = Math.floor(ratio * 100 + 1e-9) / 100;
  const text = floored.toFixed(2).replace(/0$/, '').replace(/\.0$/, '');
  return locale === 'fr' ? text.replace('.', ',') : text;
}
