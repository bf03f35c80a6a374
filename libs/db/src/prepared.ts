// Hot-path SQL as named prepared statements, run on knex's own pool: PostgreSQL parses and plans each
// statement once per connection instead of on every call (planning a CTE costs more than running it),
// and no query builder runs. Cold paths keep using knex.
import type { Knex } from 'knex';
import type pg from 'pg';

export interface PreparedStatement {
  /** Unique per text: PostgreSQL keeps one prepared statement per name and connection. */
  readonly name: string;
  /** SQL with positional parameters ($1, $2, ...). */
  readonly text: string;
}

export function prepared(name: string, text: string): PreparedStatement {
  return { name, text };
}

export interface StatementRunner {
  query<Row extends pg.QueryResultRow>(statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]>;
}

type Connection = pg.ClientBase;

async function run<Row extends pg.QueryResultRow>(
  connection: Connection, statement: PreparedStatement, values: readonly unknown[],
): Promise<Row[]> {
  const result = await connection.query<Row>({ name: statement.name, text: statement.text, values: [...values] });
  return result.rows;
}

/** The part of knex's client that lends its pooled pg connections (knex types the client as any). */
interface ConnectionPool {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

export class PreparedQueries implements StatementRunner {
  private readonly pool: ConnectionPool;

  constructor(db: Knex) {
    this.pool = db.client as ConnectionPool;
  }

  async query<Row extends pg.QueryResultRow>(statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]> {
    const connection = await this.acquire();
    try {
      return await run<Row>(connection, statement, values);
    } finally {
      this.release(connection);
    }
  }

  /** BEGIN, the work, COMMIT on one connection; ROLLBACK when the work throws. */
  async transaction<T>(work: (tx: StatementRunner) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      await connection.query('BEGIN');
      try {
        const result = await work({ query: (statement, values) => run(connection, statement, values) });
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        // A broken connection cannot roll back; PostgreSQL aborts its transaction anyway.
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } finally {
      this.release(connection);
    }
  }

  private async acquire(): Promise<Connection> {
    return (await this.pool.acquireConnection()) as Connection;
  }

  private release(connection: Connection): void {
    void this.pool.releaseConnection(connection);
  }
}
