/**
 * Jest's own order (failed last time first, then longest last time, then largest file), except that on a clean
 * checkout, where jest has no timings yet, the corpus' shards start first: each is a four-line file that runs some
 * twenty forms through Chromium, the longest files of the browser tier, and jest would take them for the shortest.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONG_WITHOUT_TIMINGS = /[\\/]test[\\/]browser[\\/]compat-corpus-\d+\.test\.ts$/;

class GuichetSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const first = sorted.filter((test) => test.duration == null && LONG_WITHOUT_TIMINGS.test(test.path));
    return [...first, ...sorted.filter((test) => !first.includes(test))];
  }
}

module.exports = GuichetSequencer;
