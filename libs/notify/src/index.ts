export * from './webhook';
export * from './mailer';
export * from './mail-catcher';
export * from './notifications';
export * from './digests';
