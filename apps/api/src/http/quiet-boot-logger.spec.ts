import { QuietBootLogger } from './quiet-boot-logger';

describe('QuietBootLogger', () => {
  it('puts Nest start-up lines at debug and lets the rest through', () => {
    const inner = { log: jest.fn(), error: jest.fn(), warn: jest.fn(), debug: jest.fn() };
    const logger = new QuietBootLogger(inner);
    logger.log('Mapped {/api/v1/me, GET} route', 'RouterExplorer');
    logger.log('Guichet est prêt', 'Bootstrap');
    logger.warn('attention', 'Bootstrap');
    expect(inner.debug).toHaveBeenCalledWith('Mapped {/api/v1/me, GET} route', 'RouterExplorer');
    expect(inner.log).toHaveBeenCalledWith('Guichet est prêt', 'Bootstrap');
    expect(inner.log).toHaveBeenCalledTimes(1);
    expect(inner.warn).toHaveBeenCalledTimes(1);
  });
});
