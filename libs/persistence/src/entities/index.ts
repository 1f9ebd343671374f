import { Account, type AccountKind } from './account.entity';
import { AgentMembership } from './agent-membership.entity';
import { ApiToken, type OrganisationRole } from './api-token.entity';
import { FormVersion } from './form-version.entity';
import { Organisation } from './organisation.entity';
import { Service, type ServiceStatus } from './service.entity';
import { SystemPing } from './system-ping.entity';

export {
  Account,
  AgentMembership,
  ApiToken,
  FormVersion,
  Organisation,
  Service,
  SystemPing,
  type AccountKind,
  type OrganisationRole,
  type ServiceStatus,
};

export const ENTITIES = [Organisation, SystemPing, Service, FormVersion, ApiToken, Account, AgentMembership];
