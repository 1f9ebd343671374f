export {
  DESIGNER_ROLES,
  hasRole,
  hasServiceRole,
  organisationsReached,
  organisationsWhere,
  type Actor,
  type GrantOptions,
  type OrganisationGrant,
} from './actor';
export { ApiTokenService } from './api-tokens';
export { ApiTokenRepository, type NewApiToken } from './api-token-repository';
export { AccountRepository } from './account-repository';
export {
  OrganisationRepository,
  type NewMembership,
  type OrganisationSummary,
  type ProfileColumns,
} from './organisation-repository';
export { OidcClient, SignInRefused, type OidcClientSettings, type ProviderMetadata } from './oidc';
export { AccountService, sessionLifetime, type SessionUser } from './accounts';
export { agentNames, displayNameOf } from './agent-names';
export {
  OPERATOR,
  recordAccessEvent,
  recordMembership,
  revokeTokensOfFormerAdmin,
  type AccessEventType,
  type ChangedBy,
  type MembershipScope,
} from './access-changes';
export {
  LOGO_MAX_BYTES,
  OrganisationAdmin,
  ROLES,
  type AgentView,
  type Contact,
  type GroupView,
  type OrganisationProfile,
  type ProfileInput,
} from './organisation-admin';
