export { DESIGNER_ROLES, hasRole, organisationsWhere, type Actor, type OrganisationGrant } from './actor';
export { ApiTokenService } from './api-tokens';
