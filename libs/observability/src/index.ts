export * from './logger';
export * from './watch-parent';
