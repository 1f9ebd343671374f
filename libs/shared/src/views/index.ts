export * from './catalogue';
export * from './requests';
export * from './desk';
export * from './archives';
