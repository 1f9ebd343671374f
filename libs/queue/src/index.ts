export * from './backend';
export * from './jobs';
export * from './outbox-relay';
export * from './queue-connection';
