/** Fields of the intake benches' form (submit, mixed, side-by-side): four steps of ten. */
export const INTAKE_FIELDS = 40;

/** The intake benches' form: strings with bounds, integers, emails and choices, in turn; no sign-in. */
export function intakeDefinition() {
  const properties: Record<string, unknown> = {};
  const fields: string[] = [];
  for (let i = 0; i < INTAKE_FIELDS; i++) {
    const key = `q${i}`;
    fields.push(key);
    properties[key] = [
      { type: 'string', title: `Question ${i}`, minLength: 1, maxLength: 200 },
      { type: 'integer', title: `Nombre ${i}`, minimum: 0 },
      { type: 'string', title: `Courriel ${i}`, format: 'email' },
      { type: 'string', title: `Choix ${i}`, enum: ['oui', 'non'] },
    ][i % 4];
  }
  return {
    formatVersion: 1,
    schema: { type: 'object', additionalProperties: false, required: fields, properties },
    pages: [0, 1, 2, 3].map((p) => ({
      id: `etape-${p + 1}`,
      title: `Étape ${p + 1}`,
      fields: fields.slice(p * 10, p * 10 + 10),
    })),
    settings: { signIn: 'none' },
  };
}

/** Complete, valid answers to `intakeDefinition()`. */
export function intakeAnswers(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let i = 0; i < INTAKE_FIELDS; i++) data[`q${i}`] = [`réponse ${i}`, i, `personne${i}@exemple.fr`, 'oui'][i % 4];
  return data;
}

/**
 * Creates the service `banc` in the bench's organisation with `definition` (the intake form by default) over HTTP,
 * as a designer's token does, and publishes it. Throws when either answer is not a success: a bench measuring a
 * service that is not there would count 404s.
 */
export async function publishIntakeService(
  base: string,
  token: string,
  organisationId: string,
  definition: unknown = intakeDefinition(),
): Promise<void> {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/services`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ slug: 'banc', title: 'Banc', organisationId, definition }),
  });
  if (!created.ok) throw new Error(`service not created: ${created.status} ${await created.text()}`);
  const published = await fetch(`${base}/api/v1/services/banc/publish`, { method: 'POST', headers: auth });
  if (!published.ok) throw new Error(`service not published: ${published.status} ${await published.text()}`);
}
