import { alternativeTitle, plainText, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  containerOf,
  declarationAt,
  existsAt,
  labelAt,
  obj,
  uiAt,
  type BranchStep,
  type Declaration,
  type Path,
} from './definitionPaths';

const CONDITIONAL = new Set<BranchStep['keyword']>([
  'oneOf',
  'anyOf',
  'then',
  'else',
  'dependentSchemas',
  'dependencies',
]);

/** The field, or the nearest group around it, that a branch or a condition declares: how far up, and where. */
function branchAround(def: ServiceDefinition, path: Path): { at: Path; declaration: Declaration } | undefined {
  for (let n = path.length; n >= 1; n--) {
    const at = path.slice(0, n);
    const declaration = declarationAt(def, at);
    if (declaration?.route.some((s) => CONDITIONAL.has(s.keyword))) return { at, declaration };
  }
  return undefined;
}

/** « Motif » vaut « autre », read from an `if` that tests one field's `const` or `enum`; undefined otherwise. */
function conditionInWords(def: ServiceDefinition, group: Path, test: unknown, holds: boolean): string | undefined {
  const props = Object.entries(obj(obj(test).properties));
  if (props.length !== 1) return undefined;
  const [key, schema] = props[0]!;
  const s = obj(schema);
  const values = 'const' in s ? [s.const] : Array.isArray(s.enum) ? s.enum : undefined;
  if (!values) return undefined;
  const name = existsAt(def, [...group, key]) ? labelAt(def, [...group, key]) : key;
  const said = values.map((v) => `« ${String(v)} »`).join(tr(' ou ', ' or '));
  return holds
    ? tr(`« ${name} » vaut ${said}`, `“${name}” is ${said}`)
    : tr(`« ${name} » ne vaut pas ${said}`, `“${name}” is not ${said}`);
}

/** When the form draws the field, in words: the branch the citizen chooses, or the condition that brings it. */
function whenDrawn(def: ServiceDefinition, group: Path, declaration: Declaration): string {
  const route = declaration.route;
  let index = route.length - 1;
  while (index > 0 && !CONDITIONAL.has(route[index]!.keyword)) index--;
  const step = route[index]!;
  const where = group.length > 0 ? tr(` dans « ${labelAt(def, group)} »`, ` in “${labelAt(def, group)}”`) : '';
  if (step.keyword === 'oneOf' || step.keyword === 'anyOf') {
    const name = plainText(alternativeTitle(step.schema, uiAt(def, group), Number(step.at)));
    return tr(
      `qu’à l’usager qui choisit « ${name} »${where} (branche ${Number(step.at) + 1} du choix ${step.keyword})`,
      `to a citizen who chooses “${name}”${where} (branch ${Number(step.at) + 1} of the ${step.keyword} choice)`,
    );
  }
  if (step.keyword === 'then' || step.keyword === 'else') {
    const parent = index > 0 ? route[index - 1]!.schema : containerOf(def, group);
    const words = conditionInWords(def, group, parent.if, step.keyword === 'then');
    if (words) return tr(`que lorsque ${words}${where}`, `when ${words}${where}`);
    return step.keyword === 'then'
      ? tr(
          `que lorsque la condition (if) qui l’accompagne est remplie${where}`,
          `when its condition (if) holds${where}`,
        )
      : tr(
          `que lorsque la condition (if) qui l’accompagne n’est pas remplie${where}`,
          `when its condition (if) does not hold${where}`,
        );
  }
  const key = String(step.at);
  const name = existsAt(def, [...group, key]) ? labelAt(def, [...group, key]) : key;
  return tr(`que lorsque « ${name} » est répondu${where}`, `when “${name}” is answered${where}`);
}

/** Whether the field (or a group around it) is declared in a branch or under a condition of the schema. */
export const inBranch = (def: ServiceDefinition, path: Path) => branchAround(def, path) !== undefined;

/**
 * Said above the properties of a field that a `oneOf`/`anyOf` branch, the `then`/`else` of an `if` or a dependency
 * declares (or that sits in a group so declared): when the form draws it, and that an edit changes it in that branch,
 * where it is declared. The controls that change it point at it with `aria-describedby`.
 */
export function BranchNotice({ id, def, path }: { id: string; def: ServiceDefinition; path: Path }) {
  const around = branchAround(def, path);
  if (!around) return null;
  const { at, declaration } = around;
  const self = at.length === path.length;
  const others = declaration.others;
  return (
    <div className="notice" id={id}>
      <p>
        <strong>{tr('Champ conditionnel', 'Conditional field')} :</strong>{' '}
        {self
          ? tr('ce champ est déclaré dans une branche du schéma ;', 'this field is declared in a branch of the schema;')
          : tr(
              `ce champ fait partie de « ${labelAt(def, at)} », déclaré dans une branche du schéma ;`,
              `this field belongs to “${labelAt(def, at)}”, declared in a branch of the schema;`,
            )}{' '}
        {tr('le formulaire ne l’affiche ', 'the form shows it only ')}
        {whenDrawn(def, at.slice(0, -1), declaration)}.{' '}
        {tr(
          'Une modification s’applique à cette branche, là où le champ est déclaré.',
          'A change applies to this branch, where the field is declared.',
        )}
        {self &&
          others > 0 &&
          ' ' +
            tr(
              `Le même champ est aussi déclaré dans ${others} autre${others > 1 ? 's' : ''} branche${
                others > 1 ? 's' : ''
              } ou partie${others > 1 ? 's' : ''}, qui garde${others > 1 ? 'nt' : ''} ses réglages : modifiez-la${
                others > 1 ? 's' : ''
              } dans l’onglet JSON.`,
              `The same field is also declared in ${others} other branch${others > 1 ? 'es' : ''} or part${
                others > 1 ? 's' : ''
              }, which keep${others > 1 ? '' : 's'} its settings: edit ${others > 1 ? 'them' : 'it'} in the JSON tab.`,
            )}
      </p>
    </div>
  );
}
