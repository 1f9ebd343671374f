/** Prints one closing line for every jest run since the file was last cleared. */
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, '..', '..', 'var', 'test-results', 'runs.jsonl');
const total = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(file)) {
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const run = JSON.parse(line);
    for (const key of Object.keys(total)) total[key] += run[key];
  }
}
process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = total.failed > 0 || total.passed === 0 ? 1 : 0;
