import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readImport } from './import';

export interface ExampleSummary {
  /** The file's name without `.json`: what `fromExample` names. */
  name: string;
  slug: string;
  title: string;
  description: string | null;
}

const EXAMPLE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** An example service of `dir` read as an import: null when the name or the file is not one. */
export async function readExample(
  dir: string,
  name: string,
): Promise<{ summary: ExampleSummary; definition: unknown } | null> {
  if (!EXAMPLE_NAME.test(name) || name.length > 100) return null;
  const text = await readFile(join(dir, `${name}.json`), 'utf8').catch(() => null);
  if (text === null) return null;
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return null;
  }
  const read = readImport(content);
  if (!read?.service?.title) return null;
  return {
    summary: {
      name,
      slug: read.service.slug ?? name,
      title: read.service.title,
      description: read.service.description ?? null,
    },
    definition: read.definition,
  };
}

/** The example services of the installation (`forms/`, FORMS_DIR), by title. Unreadable files are left out. */
export async function listExamples(dir: string): Promise<ExampleSummary[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const examples = await Promise.all(files.map((f) => readExample(dir, f.slice(0, -'.json'.length))));
  return examples
    .filter((e): e is NonNullable<typeof e> => e !== null)
    .map((e) => e.summary)
    .sort((a, b) => a.title.localeCompare(b.title, 'fr'));
}
