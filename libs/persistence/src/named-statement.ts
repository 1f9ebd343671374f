import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A statement that PostgreSQL parses and plans once per connection, then only binds and runs. For the worker's
 * per-batch statements (a route job's read, the done marks): TypeORM sends every query unnamed, so PostgreSQL
 * parsed, analysed and planned the route read's CTE again for each batch of about 16 jobs, a third of its CPU for
 * that statement (issue 22). The name must be unique to the text: node-postgres refuses one name for two texts.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export function namedStatement(name: string, text: string): NamedStatement {
  return { name, text };
}

/**
 * Runs `statement` outside any transaction, on a connection of the data source's pool (the one TypeORM uses), and
 * returns its rows. A connection whose statement failed is closed rather than handed back (node-postgres's
 * `pool.query` does so): the next one prepares the statement again.
 */
export async function runNamed<T>(dataSource: DataSource, statement: NamedStatement, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query({ name: statement.name, text: statement.text, values });
  return result.rows as T[];
}
