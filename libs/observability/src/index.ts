export * from './logger';
export * from './watch-parent';
export * from './pids';
export * from './process-cluster';
