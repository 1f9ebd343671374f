import { toErrorItems } from './validation-messages';
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

describe('a missing answer says its format', () => {
  it('adds the format hint or x-hint to « Ce champ est obligatoire. »', () => {
    const parentSchema = {
      properties: {
        siret: { type: 'string', format: 'siret' },
        code: { type: 'string', 'x-hint': 'Six lettres.' },
        nom: { type: 'string' },
      },
    };
    const required = (missingProperty: string) =>
      toErrorItems([
        {
          keyword: 'required',
          instancePath: '',
          schemaPath: '#/required',
          params: { missingProperty },
          parentSchema,
        } as never,
      ])[0]!.message;
    expect(required('siret')).toBe(
      'Ce champ est obligatoire. Le numéro SIRET comporte 14 chiffres (exemple : 732 829 320 00074).',
    );
    expect(required('code')).toBe('Ce champ est obligatoire. Six lettres.');
    expect(required('nom')).toBe('Ce champ est obligatoire.');
  });
});
