export * from './webhook';
export * from './mailer';
export * from './notifications';
export * from './digests';
export { NotificationRepository, type NewDelivery, type NotificationRow } from './notification-repository';
export { DigestRepository, type DigestLine, type DueAgent } from './digest-repository';
