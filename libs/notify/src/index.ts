export * from './webhook';
export * from './mailer';
export * from './notifications';
export * from './digests';
