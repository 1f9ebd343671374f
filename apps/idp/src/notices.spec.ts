/* eslint-disable no-console -- the test plays oidc-provider, which speaks on the console. */
import { withProviderNotices } from './notices';

/**
 * `npm start`'s banner is what a newcomer reads (issue 20): the bundled
 * provider's oidc-provider start-up warning (its in-memory store, « you MUST
 * change it ») goes to debug in development and stays a warning in
 * production; nothing of it reaches the console. The real provider's
 * output is checked whole by test/slow/start.test.ts (jest cannot load
 * oidc-provider, an ES module, in this tier).
 */
describe('withProviderNotices', () => {
  // As oidc-provider 8 prints them (lib/helpers/attention.js), red and bold on a terminal.
  const MEMORY =
    'a quick start development-only in-memory adapter is used, you MUST change it in order to not lose all stateful provider data upon restart and to be able to share these between processes';
  const provider = () => {
    console.warn(`\x1b[31;1moidc-provider WARNING: ${MEMORY}\x1b[0m`);
    console.info('oidc-provider NOTICE: default renderError function called, you SHOULD change it');
    return 'provider';
  };

  function run(production: boolean, build: () => string = provider) {
    const printed: string[] = [];
    const spies = (['warn', 'info'] as const).map((m) =>
      jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' '))),
    );
    const logged: Array<{ level: string; message: string }> = [];
    try {
      const { value } = withProviderNotices(build, {
        production,
        log: {
          debug: (message) => logged.push({ level: 'debug', message }),
          warn: (message) => logged.push({ level: 'warn', message }),
        },
      });
      return { value, printed, logged };
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  }

  it('logs the provider’s notices at debug in development, none on the console', () => {
    expect(run(false)).toEqual({
      value: 'provider',
      printed: [],
      logged: [
        { level: 'debug', message: `oidc-provider : ${MEMORY}` },
        { level: 'debug', message: 'oidc-provider : default renderError function called, you SHOULD change it' },
      ],
    });
  });

  it('keeps its warnings warnings in production', () => {
    expect(run(true).logged).toEqual([
      { level: 'warn', message: `oidc-provider : ${MEMORY}` },
      { level: 'debug', message: 'oidc-provider : default renderError function called, you SHOULD change it' },
    ]);
  });

  it('lets anything else through and gives the console back, even when the provider throws', () => {
    const { printed } = run(false, () => {
      console.warn('autre chose');
      return 'ok';
    });
    expect(printed).toEqual(['autre chose']);
    const warn = console.warn;
    expect(() =>
      withProviderNotices(
        () => {
          throw new Error('configuration refusée');
        },
        { production: false, log: { debug: () => undefined, warn: () => undefined } },
      ),
    ).toThrow('configuration refusée');
    expect(console.warn).toBe(warn);
  });
});
