export * from './logger';
export * from './watch-parent';
export * from './pids';
