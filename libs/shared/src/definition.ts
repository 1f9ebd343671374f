/**
 * The service definition: one portable JSON document per version of a
 * démarche. Standard JSON Schema (draft 2020-12) for the data, RJSF's
 * uiSchema for presentation, and a few Guichet sections (pages, rules,
 * settings, workflow). Extensions inside the schema are `x-` keywords that
 * other JSON Schema tools ignore. See docs/definition-format.md.
 */
import type { Expr } from './rules';

export const DEFINITION_FORMAT_VERSION = 1;

/** A JSON Schema document or subschema (draft 2020-12). Kept loose on purpose: the policy checks it. */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

export interface PageDefinition {
  /** Stable id, URL-safe: `[a-z0-9-]`. */
  id: string;
  title: string;
  description?: string;
  /** Top-level property keys of the schema shown on this page, in order. */
  fields: string[];
}

export interface VisibilityRule {
  /**
   * What is shown only when `when` holds: a JSON pointer to a field or group
   * (`/allergies/certificate`), or a whole page (`page:allergies`).
   */
  target: string;
  when: Expr;
}

export interface EligibilityRule {
  id: string;
  /** Submission is blocked while this condition holds. */
  blockWhen: Expr;
  /** Shown to the citizen, in French: why they cannot file and what to do instead. */
  message: string;
}

export interface RulesDefinition {
  visibility?: VisibilityRule[];
  eligibility?: EligibilityRule[];
}

/** FranceConnect claims a definition may prefill fields from. */
export const IDENTITY_CLAIMS = [
  'given_name',
  'family_name',
  'preferred_username',
  'birthdate',
  'birthplace',
  'birthcountry',
  'gender',
  'email',
] as const;
export type IdentityClaim = (typeof IDENTITY_CLAIMS)[number];

export interface PrefillMapping {
  claim: IdentityClaim;
  /** JSON pointer of the field it fills. */
  pointer: string;
  /** A locked value cannot be changed by the citizen; the server re-derives it at submit. */
  locked?: boolean;
}

export interface ServiceSettings {
  signIn: 'required' | 'optional' | 'none';
  prefill?: PrefillMapping[];
  /** Months submissions are kept after their decision. */
  retentionMonths?: number;
  /** ISO 8601 date-time after which no submission is accepted. */
  closesAt?: string;
  /** At most this many submissions per signed-in citizen (none: unlimited). */
  maxSubmissionsPerUser?: number;
  /** Where `webhook` actions POST their signed events (see docs/webhooks.md). */
  webhookUrl?: string;
  /**
   * `proof-of-work`: a submit without a signed-in citizen must carry a solved
   * challenge (ALTCHA, self-hosted; see docs/definition-format.md). Default `none`.
   */
  antiBot?: AntiBot;
  /** What the accusé de réception tells the citizen (CRPA R112-11-1); defaults in docs/definition-format.md. */
  receipt?: ReceiptSettings;
}

export const SILENCE_MEANINGS = ['acceptance', 'rejection', 'none'] as const;
/** What the administration's silence means once the delay has run: acceptance, rejection, or no decision at all (a report). */
export type SilenceMeaning = (typeof SILENCE_MEANINGS)[number];

export interface ReceiptSettings {
  /** Default `acceptance`, the general rule (CRPA L231-1); `none` for what asks no decision (a report). */
  silenceMeans?: SilenceMeaning;
  /** The delay after which silence is a decision, in months (default 2) or in days; never both. */
  delayMonths?: number;
  delayDays?: number;
  /** The service that handles the requests; each part defaults to the organisation's own contact details. */
  service?: { name?: string; address?: string; email?: string; phone?: string };
  /** Where an appeal goes: the authority of a recours gracieux, the administrative court. */
  appeals?: { authority?: string; court?: string };
}

export const ANTI_BOT_MODES = ['none', 'proof-of-work'] as const;
export type AntiBot = (typeof ANTI_BOT_MODES)[number];

export interface ServiceDefinition {
  formatVersion: typeof DEFINITION_FORMAT_VERSION;
  /** The data of one submission: an object schema, one property per top-level field or group. */
  schema: { [keyword: string]: unknown };
  uiSchema?: { [key: string]: unknown };
  pages: PageDefinition[];
  rules?: RulesDefinition;
  settings: ServiceSettings;
  /** The processing workflow; the default one when absent (see the workflow issue). */
  workflow?: { [key: string]: unknown };
}
