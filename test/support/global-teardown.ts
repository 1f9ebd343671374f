import { Client } from 'pg';
import type { EmbeddedServer, RedisServer } from './processes';

export default async function globalTeardown(): Promise<void> {
  const state = (
    globalThis as {
      guichetTest?: { postgres?: EmbeddedServer; redis?: RedisServer; adminUrl: string; template: string };
    }
  ).guichetTest;
  if (!state) return;
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${state.template}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await state.redis?.stop();
  await state.postgres?.stop();
}
