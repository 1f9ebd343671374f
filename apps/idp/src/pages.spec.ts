import { errorPage, loginPage } from './pages';

describe('identity provider pages', () => {
  it('escapes everything they show', () => {
    const html = loginPage({
      uid: '"><script>alert(1)</script>',
      kind: 'citizen',
      identities: [{ sub: 'x" onfocus="alert(1)', label: '<img src=x onerror=alert(1)>', claims: {} as never }],
      error: '<b>oops</b>',
    });
    expect(html).not.toMatch(/<script>|<img|onfocus="alert|<b>oops/);
    expect(errorPage('<svg onload=alert(1)>')).not.toContain('<svg');
  });

  it('ties an error to the choices and announces it', () => {
    const html = loginPage({
      uid: 'u1',
      kind: 'agent',
      identities: [{ sub: 'a', label: 'A', claims: {} as never }],
      error: 'Choisissez.',
    });
    expect(html).toContain('role="alert" id="erreur"');
    expect(html).toContain('aria-describedby="erreur"');
    expect(html).toContain('<legend>Identités de test</legend>');
    expect(html).toContain('ProConnect');
  });
});
