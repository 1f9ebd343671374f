/** Bounds on a definition, chosen so the largest real forms (a few hundred fields) fit with room. */
export const POLICY_LIMITS = {
  definitionBytes: 512 * 1024,
  /** The whole document, schema included, with room around the schema's own 32 levels. */
  documentDepth: 64,
  depth: 32,
  schemaNodes: 20_000,
  propertiesPerObject: 500,
  patternLength: 1000,
  /** Distinct patterns in one schema. */
  patterns: 100,
  /**
   * redos-detector's step budget for one pattern: a French phone number with
   * separators needs about 2,000; an ambiguous pattern uses them all (about
   * 0.1 to 0.3 s), a plain one a few.
   */
  patternSteps: 3000,
  /**
   * CPU time for analysing the patterns of one definition, so 100 hard patterns cannot hold a save for minutes. CPU,
   * not wall-clock: at load 8 a phone pattern's 0.5 s of analysis took over 5 s of wall time and a valid import was
   * refused.
   */
  patternAnalysisCpuMs: 5000,
  /** A wall-clock guard on one pattern's analysis, far above what its step budget takes on a loaded machine. */
  patternWallGuardMs: 60_000,
  enumLength: 2000,
  /**
   * `maxItems` at most, where `uniqueItems` compares items that may be objects
   * or arrays. Guichet's validators find duplicates in linear time; other
   * JSON Schema tools (RJSF's ajv in a browser, a tool a definition is
   * exported to) compare every pair, and on a 1 MB answer each 100 items
   * allowed cost them about a second.
   */
  uniqueItemsMax: 100,
} as const;
