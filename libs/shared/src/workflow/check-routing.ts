/**
 * The workflow's `routing` section: a default caseworker group and rules
 * that pick another one from the answers, each rule's condition checked by
 * the rules language against the form's fields.
 */
import { toJsonPointer } from '../json-pointer';
import { checkExpr } from '../rule-check';
import { MAX_PROBLEMS, ROOT, type Json, type Path, type ShapeChecks } from './check-shape';
import { WORKFLOW_LIMITS as LIMITS } from './types';

const NO_CLAIMS: ReadonlySet<string> = new Set();

/**
 * `routable`: the fields a routing rule may read. Evaluated once per
 * submission, a rule has no item of a repeatable group of its own:
 * checkExpr (`items: []`) makes it name one (`any`, or a number).
 */
export function checkRouting(checks: ShapeChecks, routing: unknown, routable: ReadonlySet<string>): void {
  const path = [...ROOT, 'routing'];
  if (!checks.expect(routing, 'object', path)) return;
  const r = routing as Json;
  checks.onlyKeys(r, ['rules', 'defaultGroup'], path, 'dans l’orientation');
  if (checks.required(r, 'defaultGroup', path, 'Précisez le groupe instructeur par défaut (« defaultGroup »).'))
    group(checks, r.defaultGroup, [...path, 'defaultGroup']);
  if (!checks.required(r, 'rules', path, 'Précisez les règles d’orientation (« rules », éventuellement vide).')) return;
  if (!checks.expect(r.rules, 'array', [...path, 'rules'])) return;
  const rules = r.rules as unknown[];
  if (rules.length > LIMITS.routingRules)
    return checks.fail([...path, 'rules'], 'maxItems', `${LIMITS.routingRules} règles d’orientation au plus.`);
  rules.forEach((rule, i) => {
    const at = [...path, 'rules', i];
    if (!checks.expect(rule, 'object', at)) return;
    const x = rule as Json;
    checks.onlyKeys(x, ['when', 'group'], at, 'dans une règle d’orientation');
    if (checks.required(x, 'group', at, 'Précisez le groupe instructeur (« group »).'))
      group(checks, x.group, [...at, 'group']);
    if (!checks.required(x, 'when', at, 'Précisez la condition (« when »).')) return;
    const options = { fields: routable, claims: NO_CLAIMS, items: [] };
    for (const problem of checkExpr(x.when, [...at, 'when'], options)) {
      let message = problem.message;
      if (problem.code === 'rule_unknown_claim')
        message = 'L’orientation ne lit que les réponses au formulaire, pas les informations d’identité.';
      if (checks.problems.length <= MAX_PROBLEMS)
        checks.problems.push({ pointer: problem.pointer ?? toJsonPointer(at), code: problem.code, message });
    }
  });
}

function group(checks: ShapeChecks, value: unknown, path: Path): void {
  if (!checks.expect(value, 'string', path)) return;
  const s = value as string;
  if (s.trim() === '') checks.fail(path, 'empty_group', 'Le nom du groupe instructeur ne peut pas être vide.');
  else if (s.length > LIMITS.group)
    checks.fail(path, 'maxLength', `Nom de groupe : ${LIMITS.group} caractères au plus.`);
}
