import { Organisation } from './organisation.entity';
import { SystemPing } from './system-ping.entity';

export { Organisation, SystemPing };

export const ENTITIES = [Organisation, SystemPing];
