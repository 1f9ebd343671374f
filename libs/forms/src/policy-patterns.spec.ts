import { inspectSchema } from './policy';
import { PatternBudget, patternProblem } from './policy-patterns';

/** A French phone number with separators: about 2,000 of redos-detector's steps, the costliest pattern of real forms. */
const phone = (prefix: string) => `^${prefix}(?:(?:\\+|00)33|0)\\s*[1-9](?:[\\s.-]*\\d{2}){4}$`;

describe('pattern analysis budget', () => {
  afterEach(() => jest.restoreAllMocks());

  it('gives the same verdict on a loaded machine: the budget is CPU time, not the wall clock', () => {
    // A process starved of CPU sees seconds of wall time pass during each analysis; the import of a public body's
    // form with two such patterns was refused (« l’analyse … a pris trop de temps ») under load 8.
    let now = performance.now();
    jest.spyOn(performance, 'now').mockImplementation(() => (now += 10_000));
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', pattern: phone('A') }, b: { type: 'string', pattern: phone('B') } },
    };
    expect(inspectSchema(schema).errors).toEqual([]);
  });

  it('stops analysing once the definition has spent its CPU budget, without keeping that verdict', () => {
    const spent = new PatternBudget(0);
    expect(spent.exhausted).toBe(true);
    expect(patternProblem(phone('C'), new Set(), spent)).toEqual(
      expect.objectContaining({ code: 'unsafe_pattern', message: expect.stringMatching(/trop de temps/) }),
    );
    // The same pattern with a budget left is analysed (a timeout is not a verdict on the pattern).
    expect(patternProblem(phone('C'), new Set(), new PatternBudget())).toBeUndefined();
  });

  it('counts the CPU time an analysis takes', () => {
    const budget = new PatternBudget(1e-9);
    expect(budget.exhausted).toBe(false);
    const started = process.cpuUsage();
    expect(patternProblem(phone('D'), new Set(), budget)).toBeUndefined();
    expect(process.cpuUsage(started).user).toBeGreaterThan(0);
    expect(budget.exhausted).toBe(true);
  });
});
