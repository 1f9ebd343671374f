import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFINITION_SCHEMA } from './definition-schema';

it('is published in docs/ exactly as the server checks it', () => {
  const published = JSON.parse(
    readFileSync(join(__dirname, '../../../docs/service-definition-v1.schema.json'), 'utf8'),
  );
  // After changing DEFINITION_SCHEMA: npm run docs:definition-schema
  expect(published).toEqual(JSON.parse(JSON.stringify(DEFINITION_SCHEMA)));
});
