/**
 * Appends each jest run's counts to var/test-results/runs.jsonl, so that CI
 * can print one closing line for all tiers (test/support/summary.js).
 */
const { appendFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const dir = join(__dirname, '..', '..', 'var', 'test-results');
    mkdirSync(dir, { recursive: true });
    const line = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    appendFileSync(join(dir, 'runs.jsonl'), JSON.stringify(line) + '\n');
  }
}

module.exports = SummaryReporter;
