export * from './jobs';
export * from './backend';
export * from './queue-connection';
