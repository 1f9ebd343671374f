// Whole processes and real servers start in seconds, not milliseconds; on two cores shared with other work (CI's
// machine, a busy laptop) a stack plus Chromium took more than 30 s to start (load average 14). A hang still fails.
jest.setTimeout(Number(process.env.GUICHET_TEST_TIMEOUT_MS ?? 60_000));
