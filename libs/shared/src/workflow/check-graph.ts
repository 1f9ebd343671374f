/**
 * The whole-graph part of the workflow check, once every state and
 * transition has been read: a decision exists, every state can be reached
 * from `draft`, and from every state that is not a decision a dossier can
 * still move on to one.
 */
import { q, ROOT, type ShapeChecks } from './check-shape';
import { DRAFT } from './types';

/** A transition usable by the graph checks: one per state it leaves from. */
export interface Edge {
  index: number;
  name: string;
  from: string;
  fromIndex: number;
  to: string;
}

/** Every state one can get to from `starts` by following `links`, the starts included. */
function closure(starts: Iterable<string>, links: Map<string, Set<string>>): Set<string> {
  const seen = new Set<string>(starts);
  const queue = [...seen];
  while (queue.length) {
    for (const n of links.get(queue.pop()!) ?? []) {
      if (seen.has(n)) continue;
      seen.add(n);
      queue.push(n);
    }
  }
  return seen;
}

export function checkGraph(
  checks: ShapeChecks,
  states: ReadonlySet<string>,
  finals: ReadonlySet<string>,
  edges: readonly Edge[],
): void {
  const path = [...ROOT, 'states'];
  const next = new Map<string, Set<string>>();
  const previous = new Map<string, Set<string>>();
  for (const name of states) {
    next.set(name, new Set());
    previous.set(name, new Set());
  }
  for (const edge of edges) {
    if (edge.from === edge.to) continue;
    next.get(edge.from)!.add(edge.to);
    previous.get(edge.to)!.add(edge.from);
  }
  const reachable = states.has(DRAFT) ? closure([DRAFT], next) : undefined;
  const decidable = closure(finals, previous);
  if (finals.size === 0)
    checks.fail(
      path,
      'no_final_state',
      'Le circuit doit avoir au moins un état final (« final »: true) : une décision.',
    );
  for (const name of states) {
    if (reachable && !reachable.has(name))
      checks.fail(
        [...path, name],
        'unreachable_state',
        `Aucune suite de transitions ne mène de « draft » à l’état ${q(name)} : retirez-le ou ajoutez une transition.`,
      );
    if (finals.has(name)) continue;
    if (next.get(name)!.size === 0)
      checks.fail(
        [...path, name],
        'dead_end',
        `Aucune transition ne sort de l’état ${q(name)}, qui n’est pas final : les dossiers y resteraient bloqués. ` +
          'Ajoutez une transition ou marquez-le final (« final »: true).',
      );
    else if (finals.size > 0 && !decidable.has(name))
      checks.fail(
        [...path, name],
        'no_way_to_decision',
        `Depuis l’état ${q(name)}, aucune suite de transitions ne mène à un état final (une décision).`,
      );
  }
}
