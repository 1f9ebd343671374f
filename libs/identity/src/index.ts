export { DESIGNER_ROLES, hasRole, organisationsWhere, type Actor, type OrganisationGrant } from './actor';
export { ApiTokenService } from './api-tokens';
export { OidcClient, SignInRefused, type OidcClientSettings, type ProviderMetadata } from './oidc';
export { AccountService, type SessionUser } from './accounts';
