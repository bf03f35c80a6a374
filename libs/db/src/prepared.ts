// Hot-path SQL as named prepared statements, run on knex's own pool: PostgreSQL parses and plans each
// statement once per connection instead of on every call (planning a CTE costs more than running it),
// and no query builder runs. Cold paths keep using knex.
//
// A statement that joins a batch (unnest of array parameters) to a growing table is better planned on
// every call instead: PostgreSQL settles a prepared statement's generic plan after its fifth run, on
// the table's size at that moment, and keeps it until the table's statistics change. Prepared on a new
// table, such a statement kept a hash join over a sequential scan of every job while the table grew to
// tens of thousands of rows (until autovacuum's first ANALYZE, a minute or more later). Planning it
// anew costs little next to such a scan, and always finds the index.
import type { Knex } from 'knex';
import type pg from 'pg';

export interface PreparedStatement {
  /** Unique per text: PostgreSQL keeps one prepared statement per name and connection. */
  readonly name: string;
  /** SQL with positional parameters ($1, $2, ...). */
  readonly text: string;
  /** Planned on every call, with that call's parameters, instead of prepared once (see above). */
  readonly planEachCall: boolean;
}

export function prepared(name: string, text: string, { planEachCall = false }: { planEachCall?: boolean } = {}): PreparedStatement {
  return { name, text, planEachCall };
}

export interface StatementRunner {
  query<Row extends pg.QueryResultRow>(statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]>;
}

type Connection = pg.ClientBase;

async function run<Row extends pg.QueryResultRow>(
  connection: Connection, statement: PreparedStatement, values: readonly unknown[],
): Promise<Row[]> {
  const { name, text, planEachCall } = statement;
  // pg sends a query without a name as PostgreSQL's unnamed statement, planned with its parameters.
  const result = await connection.query<Row>(planEachCall ? { text, values: [...values] } : { name, text, values: [...values] });
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

  /**
   * BEGIN, the work, COMMIT on one connection; ROLLBACK when the work throws. `begin` may append
   * parameterless statements to the BEGIN (e.g. taking an advisory lock), sent in the same round trip.
   */
  async transaction<T>(work: (tx: StatementRunner) => Promise<T>, { begin = 'BEGIN' }: { begin?: string } = {}): Promise<T> {
    const connection = await this.acquire();
    try {
      try {
        // Inside the try: when a statement after the BEGIN fails, the transaction must still be rolled back.
        await connection.query(begin);
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
