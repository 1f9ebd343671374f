import { UnrecoverableError } from 'bullmq';

/**
 * A job that no retry can fix (an unknown email template, a webhook the
 * receiver refused for good): it fails at once and stays failed, for
 * operators. Handlers throw this instead of importing BullMQ themselves.
 */
export class PermanentJobError extends UnrecoverableError {}
