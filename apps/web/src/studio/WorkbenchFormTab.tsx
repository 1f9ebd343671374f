import { type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { type Path } from './definition';
import { FieldPanel, type Apply } from './FieldPanel';
import { FieldsColumn } from './FieldsColumn';
import { PagesColumn } from './PagesColumn';
import { Preview } from './Preview';
import { SkipLinks } from './SkipLinks';

/** The workbench's « Formulaire » tab: pages, the page's fields, the chosen field's properties and the preview. */
export function WorkbenchFormTab({
  def,
  pageId,
  current,
  apply,
  onPage,
  onSelect,
  onRemoved,
  pageProblems,
  fieldProblems,
  focus,
}: {
  def: ServiceDefinition;
  pageId: string;
  current: Path | null;
  apply: Apply;
  onPage: (id: string) => void;
  onSelect: (path: Path) => void;
  onRemoved: () => void;
  pageProblems: (id: string) => unknown[];
  fieldProblems: (path: Path) => ErrorItem[];
  focus: (id: string) => void;
}) {
  return (
    <>
      <SkipLinks hasField={current !== null} />
      <div className="studio-grid">
        <PagesColumn def={def} pageId={pageId} apply={apply} onPage={onPage} problemsOf={pageProblems} focus={focus} />
        <FieldsColumn
          def={def}
          pageId={pageId}
          selected={current}
          apply={apply}
          onSelect={onSelect}
          problemsOf={fieldProblems}
          focus={focus}
        />
        <div className="studio-side">
          {current ? (
            <FieldPanel
              key={current.join('/')}
              def={def}
              pageId={pageId}
              path={current}
              problems={fieldProblems(current)}
              apply={apply}
              onSelect={onSelect}
              onRemoved={onRemoved}
            />
          ) : (
            <p className="hint studio-panel">
              {tr(
                'Choisissez un champ pour voir et modifier ses propriétés.',
                'Choose a field to see and change its properties.',
              )}
            </p>
          )}
          <Preview def={def} pageId={pageId} />
        </div>
      </div>
    </>
  );
}
