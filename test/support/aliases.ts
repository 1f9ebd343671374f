import Module from 'node:module';
import { join } from 'node:path';

/**
 * Jest's globalSetup runs outside jest's module registry, so moduleNameMapper
 * does not apply there: map `@guichet/<lib>` to its sources the same way.
 */
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const original = resolver._resolveFilename;
resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  const lib = /^@guichet\/([\w-]+)$/.exec(request)?.[1];
  return original.call(this, lib ? join(__dirname, '..', '..', 'libs', lib, 'src') : request, ...rest);
};
