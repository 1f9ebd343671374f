/**
 * validator.spec.ts again, every FormValidator and ValidatorCache given a
 * code store: the validators run are the generated code loaded by
 * compiled-validators.ts (written on the first construction of each schema,
 * read back after), never ajv's in-process compilation. Same expectations,
 * so cached and fresh validators keep the same verdicts and messages.
 */
import type { ServiceDefinition } from '@guichet/shared';

jest.mock('./validator', () => {
  const actual = jest.requireActual<typeof import('./validator')>('./validator');
  const { MemoryValidatorCodeStore } =
    jest.requireActual<typeof import('./compiled-validators')>('./compiled-validators');
  const mockStore = new MemoryValidatorCodeStore();
  class StoredFormValidator extends actual.FormValidator {
    constructor(definition: ServiceDefinition) {
      super(definition, mockStore);
    }
  }
  class StoredValidatorCache extends actual.ValidatorCache {
    constructor(capacity?: number) {
      super(capacity, mockStore);
    }
  }
  return { ...actual, FormValidator: StoredFormValidator, ValidatorCache: StoredValidatorCache, mockStore };
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./validator.spec');

it('ran through the code store', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { mockStore } = require('./validator') as { mockStore: { entries: Map<string, string> } };
  expect(mockStore.entries.size).toBeGreaterThan(3);
});
