/**
 * A schema's `pattern` (and `patternProperties` names) must run in
 * guaranteed time everywhere the form is validated: RE2 on the server, the
 * browser's backtracking engine (flag u) in the form, and any tool the
 * definition is exported to.
 */
import { isSafePattern } from 'redos-detector';
import { RE2JS } from 're2js';
import { POLICY_LIMITS } from './policy-limits';

type Verdict = 'safe' | 'unsafe' | 'unanalysable' | 'timeout';

/**
 * Whether the browser's backtracking engine runs `pattern` in time linear
 * enough, whatever the input, as redos-detector sees it: it walks every way
 * the pattern can match the same text, and calls it safe when a backtracking
 * engine never has more than a few ways to try (bounded repetitions, as in
 * `^\d{5}(?:-\d{4})?$`, are fine; `(a+)+`, `(a|a)*`, `\d*\d*x` are not). A
 * step budget decides, and the definition's `budget` is CPU time, not a
 * clock, so the verdict does not depend on the machine's load (a busy server
 * refused a French phone number that a quiet one accepted); definite verdicts
 * are kept, since definitions are checked on every save.
 */
const verdicts = new Map<string, Verdict>();
function redosVerdict(pattern: string, budget: PatternBudget): Verdict {
  let verdict = verdicts.get(pattern);
  if (verdict) return verdict;
  if (budget.exhausted) return 'timeout';
  try {
    const result = budget.spend(() =>
      isSafePattern(pattern, {
        unicode: true,
        maxSteps: POLICY_LIMITS.patternSteps,
        timeout: POLICY_LIMITS.patternWallGuardMs,
      }),
    );
    if (result.error === 'timedOut') return 'timeout';
    verdict = result.safe ? 'safe' : 'unsafe';
  } catch {
    verdict = 'unanalysable';
  }
  if (verdicts.size >= 5000) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}

/**
 * The CPU time one definition's patterns may take to analyse, so that 100 hard
 * patterns cannot hold a save for minutes. CPU time of the process while the
 * analysis (synchronous: nothing else of ours runs meanwhile) works, so the
 * same definition gets the same verdict at load 1 and at load 10.
 */
export class PatternBudget {
  private spentMs = 0;

  constructor(private readonly limitMs: number = POLICY_LIMITS.patternAnalysisCpuMs) {}

  get exhausted(): boolean {
    return this.spentMs >= this.limitMs;
  }

  spend<T>(analyse: () => T): T {
    const start = process.cpuUsage();
    try {
      return analyse();
    } finally {
      const used = process.cpuUsage(start);
      this.spentMs += (used.user + used.system) / 1000;
    }
  }
}

export interface PatternProblem {
  code: 'schema_shape' | 'unsafe_pattern';
  message: string;
}

const problem = (code: PatternProblem['code'], message: string): PatternProblem => ({ code, message });

/**
 * Why `pattern` is refused, or nothing when it is safe. `patterns` holds the
 * definition's distinct patterns so far (this one is added); `budget`
 * bounds the analysis of all of them.
 */
export function patternProblem(
  pattern: unknown,
  patterns: Set<string>,
  budget: PatternBudget,
): PatternProblem | undefined {
  if (typeof pattern !== 'string') return problem('schema_shape', 'Un motif est un texte.');
  if (pattern.length > POLICY_LIMITS.patternLength)
    return problem('unsafe_pattern', `Motif trop long (${POLICY_LIMITS.patternLength} caractères au plus).`);
  try {
    RE2JS.compile(pattern);
  } catch {
    return problem(
      'unsafe_pattern',
      'Motif (« pattern ») refusé : il utilise une construction que le serveur n’exécute pas en temps garanti (références arrière comme « \\1 », assertions comme « (?=…) », « (?!…) ») ou il est invalide. Réécrivez-le sans elles ; un nombre décimal écrit en texte (le « Decimal » de Pydantic) s’écrit « "type": "number" » avec « multipleOf » (0.01 pour des centimes).',
    );
  }
  // The browser validates with its own engine (ajv's standalone code, flag u): the pattern must compile there.
  try {
    new RegExp(pattern, 'u');
  } catch {
    return problem(
      'unsafe_pattern',
      'Motif refusé : les navigateurs ne le comprennent pas en mode Unicode (par exemple « [[:alpha:]] » ou « \\pL » : écrivez « \\p{L} »).',
    );
  }
  patterns.add(pattern);
  if (patterns.size > POLICY_LIMITS.patterns)
    return problem('unsafe_pattern', `Trop de motifs différents (${POLICY_LIMITS.patterns} au plus).`);
  // Linear on the server (RE2); browsers and other tools backtrack, hence redos-detector's verdict.
  switch (redosVerdict(pattern, budget)) {
    case 'safe':
      return;
    case 'timeout':
      return problem(
        'unsafe_pattern',
        'Motif non vérifié : l’analyse des motifs de cette définition a pris trop de temps. Simplifiez les motifs, ou utilisez des formats (« email », « fr-phone »…).',
      );
    case 'unanalysable':
      return problem(
        'unsafe_pattern',
        'Motif refusé : il n’a pas pu être analysé. Simplifiez-le, ou utilisez un format (« email », « fr-phone »…).',
      );
    default:
      return problem(
        'unsafe_pattern',
        'Motif refusé : il peut reconnaître un même texte de plusieurs façons (comme « (a+)+ », « (a|a)* » ou « \\d*\\d* »), et ce motif peut faire travailler un navigateur, ou tout outil qui reprend ce formulaire, pendant des minutes sur une réponse malveillante. Réécrivez-le sans répétitions qui se chevauchent (par exemple « \\d{5} » plutôt que « \\d+\\d* »), ou utilisez un format (« email », « fr-phone »…).',
      );
  }
}
