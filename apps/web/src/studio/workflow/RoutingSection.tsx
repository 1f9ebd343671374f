import { DEFAULT_GROUP, toJsonPointer, type Expr, type RoutingRule, type WorkflowDefinition } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, TextInput, useProblems } from './common';
import { domId, routingCondition, simpleCondition, type ItemChoice, type RoutingField } from './helpers';
import type { SectionProps } from './StatesSection';

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

function routingOf(w: WorkflowDefinition): NonNullable<WorkflowDefinition['routing']> {
  if (!w.routing || typeof w.routing !== 'object') w.routing = { rules: [], defaultGroup: DEFAULT_GROUP };
  if (!Array.isArray(w.routing.rules)) w.routing.rules = [];
  return w.routing;
}

export function RoutingSection(props: SectionProps & { fields: RoutingField[] }) {
  const { workflow, update, say, focusLater, fields } = props;
  const routing = workflow.routing;
  const rules: RoutingRule[] = routing && Array.isArray(routing.rules) ? routing.rules : [];
  const block = useProblems(p('routing'));
  const rulesBlock = useProblems(p('routing', 'rules'));
  const routes = Object.values(workflow.states).some(
    (s) => Array.isArray(s?.actions) && s.actions.some((a) => a?.type === 'route'),
  );

  return (
    <section aria-labelledby="wf-routing-title" className="wf-section">
      <h2 id="wf-routing-title" tabIndex={-1}>
        {tr('Orientation vers les groupes instructeurs', 'Routing to caseworker groups')}
      </h2>
      <p className="hint">
        {tr(
          'L’action « Orienter vers un groupe instructeur » confie la demande au groupe de la première règle qui s’applique, sinon au groupe par défaut.',
          'The “Route to a caseworker group” action gives the request to the group of the first rule that applies, otherwise to the default group.',
        )}
      </p>
      {!routes && (
        <p className="notice notice--warning">
          {tr(
            'Aucun état n’a l’action « Orienter vers un groupe instructeur » : ces règles ne servent pas.',
            'No state has the “Route to a caseworker group” action: these rules are not used.',
          )}
        </p>
      )}
      <div id={domId(p('routing'))}>
        <ProblemMessages id={block.errorId} items={block.items} />
      </div>
      <TextInput
        pointer={p('routing', 'defaultGroup')}
        label={tr('Groupe par défaut', 'Default group')}
        hint={tr(
          'Le groupe instructeur qui reçoit les demandes qu’aucune règle ne vise.',
          'The group that receives requests no rule matches.',
        )}
        value={routing && typeof routing.defaultGroup === 'string' ? routing.defaultGroup : DEFAULT_GROUP}
        maxLength={100}
        onChange={(v) => update((w) => (routingOf(w).defaultGroup = v))}
      />
      <div id={domId(p('routing', 'rules'))}>
        <ProblemMessages id={rulesBlock.errorId} items={rulesBlock.items} />
      </div>
      {rules.length > 0 && (
        <ol className="wf-list">
          {rules.map((rule, i) => (
            <li key={i}>
              <RuleBlock {...props} rule={rule} index={i} />
            </li>
          ))}
        </ol>
      )}
      {fields.length === 0 && (
        <p className="hint">
          {tr(
            'Le formulaire n’a pas encore de champ à une seule valeur sur lequel orienter.',
            'The form has no single-value field to route on yet.',
          )}
        </p>
      )}
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          const first = fields[0];
          update((w) => {
            const r = routingOf(w);
            if (typeof r.defaultGroup !== 'string') r.defaultGroup = DEFAULT_GROUP;
            r.rules.push({
              when: routingCondition(first, first?.pointer ?? '', first?.options?.[0]?.value ?? ''),
              group: '',
            });
          });
          say(
            tr(
              `Règle ${rules.length + 1} ajoutée : choisissez le champ, la valeur et le groupe.`,
              `Rule ${rules.length + 1} added: choose the field, the value and the group.`,
            ),
          );
          focusLater(p('routing', 'rules', rules.length, 'when'));
        }}
      >
        {tr('Ajouter une règle d’orientation', 'Add a routing rule')}
      </button>
    </section>
  );
}

function RuleBlock(props: SectionProps & { fields: RoutingField[]; rule: RoutingRule; index: number }) {
  const { update, say, focusLater, fields, rule, index } = props;
  const base = p('routing', 'rules', index);
  const block = useProblems(base);
  const when = useProblems(`${base}/when`);
  const simple = simpleCondition(rule?.when);
  const n = index + 1;
  const setWhen = (expr: Expr) =>
    update((w) => {
      routingOf(w).rules[index]!.when = expr;
    });
  const whenId = domId(`${base}/when`);
  const field = simple ? fields.find((f) => f.pointer === simple.field) : undefined;
  const write = (f: RoutingField | undefined, pointer: string, value: string | number | boolean, item?: ItemChoice) =>
    setWhen(routingCondition(f, pointer, value, item ?? simple?.item));

  return (
    <fieldset
      className={`wf-block${block.invalid ? ' field--error' : ''}`}
      id={domId(base)}
      aria-describedby={block.describedBy}
    >
      <legend>{tr(`Règle ${n}`, `Rule ${n}`)}</legend>
      <ProblemMessages id={block.errorId} items={block.items} />
      {simple ? (
        <div className={`wf-inline${when.invalid ? ' field--error' : ''}`} id={whenId}>
          <div className="field">
            <label htmlFor={`${whenId}-champ`}>{tr('Si le champ', 'If the field')}</label>
            <ProblemMessages id={when.errorId} items={when.items} />
            <select
              id={`${whenId}-champ`}
              value={simple.field}
              aria-invalid={when.invalid || undefined}
              aria-describedby={when.describedBy}
              onChange={(e) => {
                const next = fields.find((f) => f.pointer === e.target.value);
                write(next, e.target.value, next?.options?.[0]?.value ?? '');
              }}
            >
              {!field && (
                <option value={simple.field}>
                  {simple.field
                    ? tr('Un champ qui n’existe plus dans le formulaire', 'A field no longer in the form')
                    : tr('— Choisir —', '— Choose —')}
                </option>
              )}
              {fields.map((f) => (
                <option key={f.pointer} value={f.pointer}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
          {field?.block && (
            <div className="field">
              <label htmlFor={`${whenId}-element`}>{tr('pour', 'for')}</label>
              <select
                id={`${whenId}-element`}
                value={simple.item ?? 'any'}
                onChange={(e) =>
                  write(field, simple.field, simple.value as string | number | boolean, e.target.value as ItemChoice)
                }
              >
                <option value="any">
                  {tr(`au moins un élément de « ${field.block.label} »`, `at least one item of “${field.block.label}”`)}
                </option>
                <option value="first">
                  {tr(`le premier élément de « ${field.block.label} »`, `the first item of “${field.block.label}”`)}
                </option>
              </select>
            </div>
          )}
          <ValueInput
            id={`${whenId}-valeur`}
            field={field}
            value={simple.value}
            onChange={(value) => write(field, simple.field, value)}
          />
        </div>
      ) : (
        <div className={`field${when.invalid ? ' field--error' : ''}`} id={whenId} tabIndex={-1}>
          <p className="label">{tr('Condition avancée', 'Advanced condition')}</p>
          <p className="hint">
            {tr(
              'Écrite dans le fichier de la démarche ; elle se modifie dans le fichier, pas ici.',
              'Written in the service file; edit it there, not here.',
            )}
          </p>
          <ProblemMessages id={when.errorId} items={when.items} />
          <pre className="wf-code">{JSON.stringify(rule?.when ?? null, null, 2)}</pre>
        </div>
      )}
      <TextInput
        pointer={`${base}/group`}
        label={tr('Alors le groupe instructeur', 'Then the caseworker group')}
        hint={tr('Par exemple : Cantine Jules-Ferry.', 'For example: Cantine Jules-Ferry.')}
        value={typeof rule?.group === 'string' ? rule.group : ''}
        maxLength={100}
        onChange={(v) =>
          update((w) => {
            routingOf(w).rules[index]!.group = v;
          })
        }
      />
      <button
        type="button"
        className="button button--secondary button--small wf-danger"
        onClick={() => {
          update((w) => {
            routingOf(w).rules.splice(index, 1);
          });
          say(tr(`Règle ${n} supprimée.`, `Rule ${n} removed.`));
          focusLater('#wf-routing-title');
        }}
      >
        {tr(`Supprimer la règle ${n}`, `Remove rule ${n}`)}
      </button>
    </fieldset>
  );
}

/** The value compared: picked from the field's choices, or typed. */
function ValueInput(props: {
  id: string;
  field: RoutingField | undefined;
  value: unknown;
  onChange(value: string | number | boolean): void;
}) {
  const { id, field, value } = props;
  const label = <label htmlFor={id}>{tr('est égal à', 'equals')}</label>;
  const options =
    field?.options ??
    (field?.kind === 'boolean'
      ? [
          { value: true, label: tr('Oui', 'Yes') },
          { value: false, label: tr('Non', 'No') },
        ]
      : undefined);
  if (options) {
    const index = options.findIndex((o) => o.value === value);
    return (
      <div className="field">
        {label}
        <select id={id} value={index} onChange={(e) => props.onChange(options[Number(e.target.value)]!.value)}>
          {index < 0 && (
            <option value={-1}>{tr(`${String(value)} (hors liste)`, `${String(value)} (not in the list)`)}</option>
          )}
          {options.map((o, i) => (
            <option key={i} value={i}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    );
  }
  return (
    <div className="field">
      {label}
      <input
        id={id}
        type="text"
        inputMode={field?.kind === 'number' ? 'decimal' : undefined}
        autoComplete="off"
        value={value === null || value === undefined ? '' : String(value)}
        onChange={(e) => {
          const text = e.target.value;
          const number = text.trim().replace(',', '.');
          props.onChange(field?.kind === 'number' && /^-?\d+(\.\d+)?$/.test(number) ? Number(number) : text);
        }}
      />
    </div>
  );
}
