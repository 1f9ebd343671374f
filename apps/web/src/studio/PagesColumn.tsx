import { useState } from 'react';
import { type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { ConditionEditor } from './Conditions';
import { addPage, movePage, removePage, updatePage, type ProblemPlace } from './definition';
import { TextInput, type Apply } from './FieldPanel';

export function PagesColumn({
  def,
  pageId,
  apply,
  onPage,
  problemsOf,
  focus,
}: {
  def: ServiceDefinition;
  pageId: string;
  apply: Apply;
  onPage: (id: string) => void;
  problemsOf: (id: string) => unknown[];
  focus: (id: string) => void;
}) {
  const [title, setTitle] = useState('');
  const page = def.pages.find((p) => p.id === pageId)!;
  return (
    <section aria-labelledby="studio-etapes-titre" className="studio-pages">
      <h2 id="studio-etapes-titre" tabIndex={-1}>
        {tr('Étapes', 'Steps')}
      </h2>
      <ol className="studio-list-items">
        {def.pages.map((p, i) => {
          const count = problemsOf(p.id).length;
          return (
            <li key={p.id} className={p.id === pageId ? 'is-selected' : undefined}>
              <button
                type="button"
                className="studio-select"
                id={`studio-etape-${p.id}`}
                aria-pressed={p.id === pageId}
                onClick={() => onPage(p.id)}
              >
                {i + 1}. {p.title}
                {count > 0 && (
                  <span className="studio-badge">
                    {' '}
                    ({count} {count === 1 ? tr('problème', 'problem') : tr('problèmes', 'problems')})
                  </span>
                )}
              </button>
              <span className="studio-row-actions">
                {i > 0 && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    id={`studio-etape-${p.id}-monter`}
                    onClick={() => {
                      apply(
                        (d) => movePage(d, p.id, -1),
                        undefined,
                        tr(`Étape « ${p.title} » montée en position ${i}.`, `Step moved to ${i}.`),
                      );
                      focus(i - 1 > 0 ? `studio-etape-${p.id}-monter` : `studio-etape-${p.id}-descendre`);
                    }}
                  >
                    {tr('Monter', 'Move up')}
                    <span className="sr-only">
                      {' '}
                      {tr('l’étape', 'the step')} « {p.title} »
                    </span>
                  </button>
                )}
                {i < def.pages.length - 1 && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    id={`studio-etape-${p.id}-descendre`}
                    onClick={() => {
                      apply(
                        (d) => movePage(d, p.id, 1),
                        undefined,
                        tr(`Étape « ${p.title} » descendue en position ${i + 2}.`, `Step moved to ${i + 2}.`),
                      );
                      focus(
                        i + 2 < def.pages.length ? `studio-etape-${p.id}-descendre` : `studio-etape-${p.id}-monter`,
                      );
                    }}
                  >
                    {tr('Descendre', 'Move down')}
                    <span className="sr-only">
                      {' '}
                      {tr('l’étape', 'the step')} « {p.title} »
                    </span>
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ol>
      <div className="studio-add">
        <TextInput
          id="studio-nouvelle-etape"
          label={tr('Titre de la nouvelle étape', 'Title of the new step')}
          value={title}
          onChange={setTitle}
        />
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            let created = '';
            apply(
              (d) => {
                const r = addPage(d, title);
                created = r.id;
                return r.def;
              },
              undefined,
              tr(`Étape « ${title} » ajoutée.`, `Step “${title}” added.`),
            );
            setTitle('');
            window.setTimeout(() => created && onPage(created), 0);
            focus('studio-page-titre');
          }}
        >
          {tr('Ajouter l’étape', 'Add the step')}
        </button>
      </div>
      <section aria-labelledby="studio-etape-courante" className="studio-page-props">
        <h3 id="studio-etape-courante">
          {tr('Étape', 'Step')} « {page.title} »
        </h3>
        {problemsOf(page.id).length > 0 && (
          <ul className="studio-problems">
            {(problemsOf(page.id) as Array<{ problem: ErrorItem; place: ProblemPlace }>)
              .filter((x) => x.place.kind === 'page')
              .map((x, i) => (
                <li key={i} className="error-message">
                  {x.problem.message}
                </li>
              ))}
          </ul>
        )}
        <TextInput
          id="studio-page-titre"
          label={tr('Titre de l’étape', 'Title of the step')}
          value={page.title}
          onChange={(v) => apply((d) => updatePage(d, page.id, { title: v }), `page:${page.id}:title`)}
        />
        <div className="field">
          <label htmlFor="studio-page-description">{tr('Description de l’étape', 'Description of the step')}</label>
          <textarea
            id="studio-page-description"
            rows={2}
            value={page.description ?? ''}
            onChange={(e) =>
              apply((d) => updatePage(d, page.id, { description: e.target.value }), `page:${page.id}:description`)
            }
          />
        </div>
        <ConditionEditor
          key={page.id}
          def={def}
          target={`page:${page.id}`}
          idPrefix="studio-page-condition"
          what={tr('cette étape', 'this step')}
          onChange={(next, message) => apply(() => next, undefined, message)}
        />
        {def.pages.length > 1 && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              if (
                page.fields.length > 0 &&
                !window.confirm(tr('Supprimer cette étape et ses champs ?', 'Delete this step and its fields?'))
              )
                return;
              apply(
                (d) => removePage(d, page.id),
                undefined,
                tr(`Étape « ${page.title} » supprimée.`, `Step deleted.`),
              );
              const shown = def.pages.find((p) => p.id !== page.id)!.id;
              onPage(shown);
              focus(`studio-etape-${shown}`);
            }}
          >
            {tr('Supprimer l’étape', 'Delete the step')}
            <span className="sr-only"> « {page.title} »</span>
          </button>
        )}
      </section>
    </section>
  );
}
