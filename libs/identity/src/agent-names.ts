import type { DataSource } from 'typeorm';
import { isUuid, organisationId } from '@guichet/shared';
import { AccountRepository } from './account-repository';
import { ApiTokenRepository } from './api-token-repository';

const ACCOUNT = 'account:';
const TOKEN = 'token:';

/**
 * An agent's name from their identity provider's claims: `name`, else given
 * and family names, else nothing. Kept at most 200 characters, on one line.
 */
export function displayNameOf(claims: Readonly<Record<string, unknown>>): string | null {
  const text = (value: unknown) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');
  const name = text(claims.name) || [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  return name ? name.slice(0, 200) : null;
}

/**
 * How the desk, the history and the exports name the agents behind actor ids
 * (`account:<id>`, `token:<id>`): an agent's name as their provider gave it
 * (else their professional email), an API token by its name. Citizens'
 * accounts and unknown ids get no name: the caller says « l’usager » or
 * « un agent ». Two indexed queries, whatever the number of ids.
 */
export async function agentNames(
  dataSource: DataSource,
  actors: Iterable<string | null | undefined>,
  organisationIds: readonly string[],
): Promise<Map<string, string>> {
  const accounts = new Set<string>();
  const tokens = new Set<string>();
  for (const actor of actors) {
    if (!actor) continue;
    if (actor.startsWith(ACCOUNT) && isUuid(actor.slice(ACCOUNT.length))) accounts.add(actor.slice(ACCOUNT.length));
    else if (actor.startsWith(TOKEN) && isUuid(actor.slice(TOKEN.length))) tokens.add(actor.slice(TOKEN.length));
  }
  const names = new Map<string, string>();
  if (accounts.size) {
    const rows = await new AccountRepository(dataSource).agentNames([...accounts]);
    for (const row of rows) names.set(`${ACCOUNT}${row.id}`, row.name);
  }
  if (tokens.size) {
    // A token is named only within its organisation: its name is that organisation's business.
    const rows = await new ApiTokenRepository(dataSource).names(organisationIds.map(organisationId), [...tokens]);
    for (const row of rows) names.set(`${TOKEN}${row.id}`, `Jeton d’API « ${row.name} »`);
  }
  return names;
}
