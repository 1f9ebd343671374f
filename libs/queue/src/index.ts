export * from './backend';
export * from './batched';
export * from './installation';
export * from './job-errors';
export * from './jobs';
export * from './outbox';
export * from './outbox-relay';
export * from './queue-connection';
