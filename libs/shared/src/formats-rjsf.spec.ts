import { RJSF_FORMATS } from './formats';

describe('formats read as RJSF reads them', () => {
  it('time: seconds required, zone optional, ranges checked', () => {
    for (const ok of ['09:30:00', '23:59:60', '09:30:00.5', '09:30:00Z', '09:30:00+01:00'])
      expect([ok, RJSF_FORMATS.time(ok)]).toEqual([ok, true]);
    for (const bad of ['09:30', '24:00:00', '09:60:00', '9:30:00', '', '09:30:00 '])
      expect([bad, RJSF_FORMATS.time(bad)]).toEqual([bad, false]);
  });

  it('data-url: a typed, optionally named, base64 file', () => {
    expect(RJSF_FORMATS['data-url']('data:text/plain;name=facture.txt;base64,RmFjdHVyZQ==')).toBe(true);
    expect(RJSF_FORMATS['data-url']('data:application/pdf;base64,JVBERi0xLjQK')).toBe(true);
    expect(RJSF_FORMATS['data-url']('facture.txt')).toBe(false);
    expect(RJSF_FORMATS['data-url']('data:text/plain;base64,pas du base64 !')).toBe(false);
    expect(RJSF_FORMATS['data-url'](`data:text/plain;base64,${'A'.repeat(2_000_000)}`)).toBe(true);
  });
});
