export { CommuneDirectory, communeDirectory, type Commune, type SearchOptions, type Territory } from './directory';
export { checkCommunes, communeFields, communeWarnings, isCommuneUi, territoryOf } from './check';
export { normaliseName } from './normalise';
