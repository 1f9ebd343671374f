export * from './backend';
export * from './installation';
export * from './jobs';
export * from './outbox-relay';
export * from './queue-connection';
