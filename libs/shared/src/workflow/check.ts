/**
 * Everything that must hold before a workflow is stored, each problem
 * located by a JSON pointer from the definition's root (`/workflow/…`) and
 * told in French: the shape (what service-definition-v1.schema.json says,
 * so that this check alone is enough), then the meaning: states that exist,
 * a way from `draft` to every state and from every state to a decision,
 * deadlines the system can fire, templates and routing rules that resolve.
 * This file reads the emails, states, actions, transitions and deadlines;
 * check-shape.ts holds the shape checks they share, check-graph.ts the
 * whole-graph checks, check-routing.ts the routing section.
 */
import { checkGraph, type Edge } from './check-graph';
import { checkRouting } from './check-routing';
import {
  isObject,
  isText,
  MAX_PROBLEMS,
  own,
  q,
  ROOT,
  ShapeChecks,
  typeName,
  type Json,
  type Path,
  type WorkflowProblem,
} from './check-shape';
import { DEFAULT_EMAILS } from './defaults';
import { parseDuration } from './duration';
import { placeholdersIn } from './template';
import {
  ACTION_TYPES,
  ACTOR_KINDS,
  DOCUMENT_TEMPLATES,
  DRAFT,
  PLACEHOLDERS,
  SUBMIT,
  SUBMITTED,
  WORKFLOW_LIMITS as LIMITS,
} from './types';

/** Accepts any field pointer: routing rules checked without the form's schema. */
class AnyField extends Set<string> {
  override has(): boolean {
    return true;
  }
}
const ANY_FIELD: ReadonlySet<string> = new AnyField();

export type { WorkflowProblem } from './check-shape';

/**
 * Checks a definition's `workflow` section. `schemaFieldPointers` (the
 * form's fields, as `fieldPointers` gives them) lets routing rules be
 * checked against fields that exist; without it any field is accepted.
 * Never throws: any JSON value (and then some) gives a list of problems,
 * empty when the workflow can be stored.
 */
export function checkWorkflow(workflow: unknown, schemaFieldPointers?: ReadonlySet<string>): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  try {
    new Checker(problems, schemaFieldPointers ?? ANY_FIELD).run(workflow);
  } catch {
    // Not reached on JSON input; a safety net for exotic objects (getters, proxies).
    problems.push({
      pointer: '/workflow',
      code: 'workflow_invalid',
      message: 'Le circuit d’instruction est illisible : vérifiez sa structure.',
    });
  }
  return problems.slice(0, MAX_PROBLEMS);
}

class Checker extends ShapeChecks {
  /** Every state name, valid or not, so that one broken state does not make every reference to it an error. */
  private declared = new Set<string>();
  /** The states that are objects. */
  private states = new Map<string, Json>();
  private finals = new Set<string>();
  private emailKeys = new Set<string>();
  /** Transitions whose name, from and to are usable for the graph checks. */
  private edges: Edge[] = [];
  private transitions: Array<Json | undefined> = [];
  /** False when a section is too broken for the whole-graph checks to mean anything. */
  private graphUsable = true;

  constructor(
    problems: WorkflowProblem[],
    /** Fields a routing rule may read. */
    private readonly routable: ReadonlySet<string>,
  ) {
    super(problems);
  }

  run(workflow: unknown): void {
    if (!this.expect(workflow, 'object', ROOT)) return;
    const w = workflow as Json;
    this.onlyKeys(w, ['states', 'transitions', 'routing', 'emails'], ROOT, 'dans un circuit');
    // Emails first: notify actions name them.
    if (own(w, 'emails') && w.emails !== undefined) this.checkEmails(w.emails);
    const statesOk = this.required(w, 'states', ROOT, 'Le circuit doit déclarer ses états (« states »).');
    if (statesOk) this.checkStates(w.states);
    else this.graphUsable = false;
    if (this.required(w, 'transitions', ROOT, 'Le circuit doit déclarer ses transitions (« transitions »).'))
      this.checkTransitions(w.transitions);
    else this.graphUsable = false;
    this.checkDeadlines();
    if (this.graphUsable) checkGraph(this, new Set(this.states.keys()), this.finals, this.edges);
    if (own(w, 'routing') && w.routing !== undefined) checkRouting(this, w.routing, this.routable);
  }

  private checkEmails(emails: unknown): void {
    const path = [...ROOT, 'emails'];
    if (!this.expect(emails, 'object', path)) return;
    const keys = Object.keys(emails as Json);
    if (keys.length > LIMITS.emails) {
      this.fail(path, 'maxProperties', `${LIMITS.emails} modèles de courriel au plus.`);
      return;
    }
    const known: ReadonlySet<string> = new Set(PLACEHOLDERS);
    for (const key of keys) {
      const at = [...path, key];
      this.emailKeys.add(key);
      this.identifier(key, at, 'Le nom de modèle');
      const template = (emails as Json)[key];
      if (!this.expect(template, 'object', at)) continue;
      const t = template as Json;
      this.onlyKeys(t, ['subject', 'body'], at, 'dans un modèle de courriel');
      for (const part of ['subject', 'body'] as const) {
        const what = part === 'subject' ? 'L’objet du courriel' : 'Le texte du courriel';
        if (!this.required(t, part, at, `${what} est obligatoire.`)) continue;
        const value = t[part];
        this.text(value, [...at, part], part === 'subject' ? LIMITS.subject : LIMITS.body, what);
        if (!isText(value)) continue;
        if (part === 'subject' && /[\r\n]/.test(value))
          this.fail([...at, part], 'pattern', 'L’objet d’un courriel tient sur une ligne.');
        const unknown = placeholdersIn(value).filter((name) => !known.has(name));
        if (unknown.length)
          this.fail(
            [...at, part],
            'unknown_placeholder',
            `Variable inconnue : ${unknown.map((n) => `{{${n}}}`).join(', ')}. ` +
              `Variables : ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}.`,
          );
      }
    }
  }

  private checkStates(states: unknown): void {
    const path = [...ROOT, 'states'];
    if (!this.expect(states, 'object', path)) {
      this.graphUsable = false;
      return;
    }
    const names = Object.keys(states as Json);
    if (names.length > LIMITS.states) {
      this.fail(path, 'maxProperties', `${LIMITS.states} états au plus.`);
      this.graphUsable = false;
      return;
    }
    for (const name of names) {
      const at = [...path, name];
      this.declared.add(name);
      this.identifier(name, at, 'Le nom d’état');
      const state = (states as Json)[name];
      if (!this.expect(state, 'object', at)) {
        this.graphUsable = false;
        continue;
      }
      const s = state as Json;
      this.states.set(name, s);
      this.onlyKeys(s, ['label', 'final', 'actions', 'deadline'], at, 'dans un état');
      if (this.required(s, 'label', at, 'Donnez un libellé à l’état (« label »).'))
        this.text(s.label, [...at, 'label'], LIMITS.label, 'Le libellé');
      if (own(s, 'final') && s.final !== undefined && this.expect(s.final, 'boolean', [...at, 'final']) && s.final)
        this.finals.add(name);
      if (own(s, 'actions') && s.actions !== undefined) this.checkActions(s.actions, [...at, 'actions']);
    }
    for (const [name, label] of [
      [DRAFT, 'brouillon'],
      [SUBMITTED, 'déposée'],
    ] as const) {
      if (!own(states as Json, name))
        this.fail(
          [...path, name],
          'missing_state',
          `Le circuit doit avoir un état ${q(name)} (${label}) : Guichet s’appuie dessus pour les brouillons et le dépôt.`,
        );
    }
  }

  private checkActions(actions: unknown, path: Path): void {
    if (!this.expect(actions, 'array', path)) return;
    const list = actions as unknown[];
    if (list.length > LIMITS.actionsPerState) {
      this.fail(path, 'maxItems', `${LIMITS.actionsPerState} actions au plus par état.`);
      return;
    }
    const seen = new Set<string>();
    list.forEach((action, i) => {
      const at = [...path, i];
      if (!this.expect(action, 'object', at)) return;
      const a = action as Json;
      if (!this.required(a, 'type', at, 'Précisez le type d’action (« type »).')) return;
      const type = a.type;
      if (!isText(type) || !(ACTION_TYPES as readonly string[]).includes(type)) {
        this.fail(
          [...at, 'type'],
          'unknown_action',
          `Action inconnue ${q(type)}. Actions : ${ACTION_TYPES.join(', ')}.`,
        );
        return;
      }
      const withTemplate = type === 'notify' || type === 'document';
      this.onlyKeys(a, withTemplate ? ['type', 'template'] : ['type'], at, `dans une action ${q(type)}`);
      let key = type;
      if (withTemplate) {
        if (!this.required(a, 'template', at, 'Précisez le modèle (« template »).')) return;
        const template = a.template;
        if (!this.expect(template, 'string', [...at, 'template'])) return;
        key += ':' + (template as string);
        if (type === 'notify' && !this.emailKeys.has(template as string) && !own(DEFAULT_EMAILS, template as string))
          this.fail(
            [...at, 'template'],
            'unknown_email_template',
            `Le modèle de courriel ${q(template)} n’existe pas : déclarez-le dans « emails » ` +
              `ou choisissez un modèle fourni (${Object.keys(DEFAULT_EMAILS).join(', ')}).`,
          );
        if (type === 'document' && !(DOCUMENT_TEMPLATES as readonly string[]).includes(template as string))
          this.fail(
            [...at, 'template'],
            'enum',
            `Courrier inconnu ${q(template)}. Courriers : ${DOCUMENT_TEMPLATES.join(', ')}.`,
          );
      }
      if (seen.has(key))
        this.fail(at, 'duplicate_action', 'Cette action figure déjà dans l’état : elle serait faite deux fois.');
      seen.add(key);
    });
  }

  private checkTransitions(transitions: unknown): void {
    const path = [...ROOT, 'transitions'];
    if (!this.expect(transitions, 'array', path)) {
      this.graphUsable = false;
      return;
    }
    const list = transitions as unknown[];
    if (list.length > LIMITS.transitions) {
      this.fail(path, 'maxItems', `${LIMITS.transitions} transitions au plus.`);
      this.graphUsable = false;
      return;
    }
    const firstFrom = new Map<string, number>();
    list.forEach((transition, i) => {
      const at = [...path, i];
      const t = isObject(transition) ? transition : undefined;
      this.transitions.push(t);
      if (!this.expect(transition, 'object', at) || !t) return;
      this.onlyKeys(t, ['name', 'label', 'from', 'to', 'by', 'commentRequired'], at, 'dans une transition');

      let name: string | undefined;
      if (this.required(t, 'name', at, 'Donnez un nom à la transition (« name »).')) {
        if (this.expect(t.name, 'string', [...at, 'name'])) {
          name = t.name as string;
          this.identifier(name, [...at, 'name'], 'Le nom de transition');
        }
      }
      if (this.required(t, 'label', at, 'Donnez un libellé à la transition (« label »).'))
        this.text(t.label, [...at, 'label'], LIMITS.label, 'Le libellé');

      let to: string | undefined;
      if (this.required(t, 'to', at, 'Précisez l’état d’arrivée (« to »).')) {
        if (this.expect(t.to, 'string', [...at, 'to'])) {
          if (this.stateDeclared(t.to as string)) to = t.to as string;
          else this.fail([...at, 'to'], 'unknown_state', `L’état ${q(t.to)} n’existe pas.`);
        }
      }
      if (to === DRAFT)
        this.fail(
          [...at, 'to'],
          'draft_entry',
          'Aucune transition ne peut mener à l’état « draft » : un dossier déposé ne redevient pas un brouillon.',
        );

      const froms: Array<[string, number]> = [];
      if (this.required(t, 'from', at, 'Précisez les états de départ (« from »).')) {
        this.list(t.from, [...at, 'from'], 'état de départ', (item, j) => {
          if (!isText(item)) return this.fail([...at, 'from', j], 'type', `Valeur attendue : ${typeName('string')}.`);
          if (!this.stateDeclared(item))
            return this.fail([...at, 'from', j], 'unknown_state', `L’état ${q(item)} n’existe pas.`);
          froms.push([item, j]);
        });
      }
      if (this.required(t, 'by', at, 'Précisez qui peut déclencher la transition (« by »).')) {
        this.list(t.by, [...at, 'by'], 'acteur', (item, j) => {
          if (!isText(item) || !(ACTOR_KINDS as readonly string[]).includes(item))
            this.fail(
              [...at, 'by', j],
              'enum',
              `Acteur inconnu ${q(item)}. Acteurs : citizen (l’usager), caseworker (un instructeur), system (une échéance).`,
            );
        });
      }
      if (own(t, 'commentRequired') && t.commentRequired !== undefined)
        this.expect(t.commentRequired, 'boolean', [...at, 'commentRequired']);

      for (const [from, j] of froms) {
        if (this.finals.has(from))
          this.fail(
            [...at, 'from', j],
            'final_state_exit',
            `L’état ${q(from)} est final (une décision) : aucune transition ne peut en partir.`,
          );
        if (from === DRAFT && name !== undefined && name !== SUBMIT)
          this.fail(
            [...at, 'from', j],
            'draft_exit',
            'Seule la transition « submit » part de l’état « draft » : c’est elle qui vérifie les réponses et délivre le récépissé.',
          );
        if (name !== undefined) {
          const key = `${from}\u0000${name}`;
          if (firstFrom.has(key))
            this.fail(
              [...at, 'name'],
              'duplicate_transition',
              `Deux transitions ${q(name)} partent de l’état ${q(from)} (voir la transition ${firstFrom.get(key)! + 1}).`,
            );
          else firstFrom.set(key, i);
          if (to !== undefined) this.edges.push({ index: i, name, from, fromIndex: j, to });
        }
      }
    });
    this.checkSubmit(list);
  }

  private stateDeclared(name: string): boolean {
    return this.declared.has(name);
  }

  private checkSubmit(list: unknown[]): void {
    const path = [...ROOT, 'transitions'];
    const submits = list
      .map((t, i) => [t, i] as const)
      .filter((pair): pair is readonly [Json, number] => isObject(pair[0]) && pair[0].name === SUBMIT);
    const fromDraft = (t: Json) => Array.isArray(t.from) && t.from.includes(DRAFT);
    const byCitizen = (t: Json) => Array.isArray(t.by) && t.by.includes('citizen');
    if (submits.some(([t]) => fromDraft(t) && t.to === SUBMITTED && byCitizen(t))) return;
    const expected = 'La transition « submit » va de « draft » à « submitted » et l’usager (« citizen ») la déclenche.';
    if (submits.length === 0)
      return this.fail(path, 'missing_submit', `Le circuit doit avoir une transition « submit ». ${expected}`);
    const [t, i] = submits[0]!;
    const wrong = !fromDraft(t) ? 'from' : t.to !== SUBMITTED ? 'to' : 'by';
    this.fail([...path, i, wrong], 'submit_transition', expected);
  }

  private checkDeadlines(): void {
    for (const [name, state] of this.states) {
      if (!own(state, 'deadline') || state.deadline === undefined) continue;
      const at = [...ROOT, 'states', name, 'deadline'];
      if (!this.expect(state.deadline, 'object', at)) continue;
      if (name === DRAFT) {
        this.fail(at, 'deadline_on_draft', 'Un brouillon n’a pas d’échéance : seul l’usager dépose sa demande.');
        continue;
      }
      const d = state.deadline as Json;
      this.onlyKeys(d, ['after', 'transition'], at, 'dans une échéance');
      if (this.required(d, 'after', at, 'Précisez le délai (« after », par exemple « P2M »).')) {
        if (this.expect(d.after, 'string', [...at, 'after']) && !parseDuration(d.after as string))
          this.fail(
            [...at, 'after'],
            'deadline_duration',
            `Délai invalide ${q(d.after)} : une durée ISO 8601 en nombres entiers, non nulle et de dix ans au plus, ` +
              'par exemple « P2M » (deux mois), « P60D » (soixante jours), « PT48H » (quarante-huit heures).',
          );
      }
      if (!this.required(d, 'transition', at, 'Précisez la transition que déclenche l’échéance (« transition »).'))
        continue;
      if (!this.expect(d.transition, 'string', [...at, 'transition'])) continue;
      const tname = d.transition as string;
      const named = this.transitions.filter((t): t is Json => t !== undefined && t.name === tname);
      const fromHere = named.filter((t) => Array.isArray(t.from) && t.from.includes(name));
      const bySystem = fromHere.filter((t) => Array.isArray(t.by) && t.by.includes('system'));
      if (named.length === 0)
        this.fail([...at, 'transition'], 'unknown_transition', `La transition ${q(tname)} n’existe pas.`);
      else if (fromHere.length === 0)
        this.fail(
          [...at, 'transition'],
          'deadline_not_from_state',
          `La transition ${q(tname)} ne part pas de l’état ${q(name)} : elle ne peut pas servir d’échéance ici.`,
        );
      else if (bySystem.length === 0)
        this.fail(
          [...at, 'transition'],
          'deadline_not_system',
          `Ajoutez « system » aux acteurs (« by ») de la transition ${q(tname)} : c’est le système qui la déclenche à l’échéance.`,
        );
      else if (bySystem.every((t) => t.commentRequired === true))
        this.fail(
          [...at, 'transition'],
          'deadline_comment_required',
          `La transition ${q(tname)} exige un commentaire, que le système ne peut pas écrire : elle ne peut pas servir d’échéance.`,
        );
    }
  }
}
