import { CreateOrganisation1763800000000 } from './1763800000000-create-organisation';
import { CreateSystemPing1763800000001 } from './1763800000001-create-system-ping';
import { CreateServices1763900000000 } from './1763900000000-create-services';
import { CreateAccountsAndSessions1764000000000 } from './1764000000000-create-accounts-and-sessions';
import { CreateSubmissions1764100000000 } from './1764100000000-create-submissions';
import { CreateMessagesAndAttachments1764200000000 } from './1764200000000-create-messages-and-attachments';
import { Workflow1764300000000 } from './1764300000000-workflow';
import { Retention1764400000000 } from './1764400000000-retention';
import { Desk1764500000000 } from './1764500000000-desk';
import { AgentPreferences1764600000000 } from './1764600000000-agent-preferences';
import { ScopedGrants1764700000000 } from './1764700000000-scoped-grants';
import { RateLimits1764800000000 } from './1764800000000-rate-limits';
import { InboxColumns1764850000000 } from './1764850000000-inbox-columns';
import { OrganisationAdmin1764900000000 } from './1764900000000-organisation-admin';
import { DeskExports1764950000000 } from './1764950000000-desk-exports';
import { TestSubmissions1765000000000 } from './1765000000000-test-submissions';
import { DeskMessages1765100000000 } from './1765100000000-desk-messages';
import { DefinitionsAsJson1765180000000 } from './1765180000000-definitions-as-json';
import { AccessRevocation1765300000000 } from './1765300000000-access-revocation';
import { DeskJourneys1765420000000 } from './1765420000000-desk-journeys';
import { Installation1765620000000 } from './1765620000000-installation';
import { TestAttachments1765700000000 } from './1765700000000-test-attachments';
import { FollowLinks1765800000000 } from './1765800000000-follow-links';
import { OrganisationArchives1765900000000 } from './1765900000000-organisation-archives';
import { OutboxDone1766000000000 } from './1766000000000-outbox-done';

/** Every migration, in order. Listed by hand so that builds and tests need no globbing. */
export const MIGRATIONS = [
  CreateOrganisation1763800000000,
  CreateSystemPing1763800000001,
  CreateServices1763900000000,
  CreateAccountsAndSessions1764000000000,
  CreateSubmissions1764100000000,
  CreateMessagesAndAttachments1764200000000,
  Workflow1764300000000,
  Retention1764400000000,
  Desk1764500000000,
  AgentPreferences1764600000000,
  ScopedGrants1764700000000,
  RateLimits1764800000000,
  InboxColumns1764850000000,
  OrganisationAdmin1764900000000,
  DeskExports1764950000000,
  TestSubmissions1765000000000,
  DeskMessages1765100000000,
  DefinitionsAsJson1765180000000,
  AccessRevocation1765300000000,
  DeskJourneys1765420000000,
  Installation1765620000000,
  TestAttachments1765700000000,
  FollowLinks1765800000000,
  OrganisationArchives1765900000000,
  OutboxDone1766000000000,
];
