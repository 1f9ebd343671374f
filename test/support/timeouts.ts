// Whole processes and real servers start in seconds, not milliseconds.
jest.setTimeout(Number(process.env.GUICHET_TEST_TIMEOUT_MS ?? 30_000));
