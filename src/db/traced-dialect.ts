import { context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api'
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely'

/** The `db.system.name` of each dialect (OpenTelemetry's database semantic conventions). */
const SYSTEM = { sqlite: 'sqlite', postgres: 'postgresql' } as const

/**
 * The span's name: the statement's operation and the table it names first (`select
 * vipps_org_configs`, `begin`). A statement starting with a CTE is named by its first
 * insert, update, delete or select.
 */
function spanName(text: string): { name: string; operation: string } {
  const first = /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? 'query'
  const operation = first === 'with' ? (/\b(insert|update|delete|select)\b/i.exec(text)?.[1]?.toLowerCase() ?? first) : first
  const table = /\b(?:from|into|update|join)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(text)?.[1]
  return { name: table ? `${operation} ${table}` : operation, operation }
}

/**
 * A Kysely dialect whose every statement is a client span, child of the span active when it ran:
 * its text as the driver gets it (placeholders, never the values), the dialect, the rows it
 * touched, its error. Only statements run inside a traced operation (a request, a webhook
 * delivery) get one: migrations at start and the background polls would be a root trace each.
 * Only used with tracing on (src/db/plugin.ts): without it the dialect is Kysely's own.
 */
export function tracedDialect(inner: Dialect, tracer: Tracer, dialect: keyof typeof SYSTEM): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => new TracedDriver(inner.createDriver(), tracer, SYSTEM[dialect])
  }
}

class TracedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly tracer: Tracer,
    private readonly system: string
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const parent = context.active()
    if (trace.getSpan(parent) === undefined) return this.inner.executeQuery<R>(query)
    const { name, operation } = spanName(query.sql)
    const span = this.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': this.system, 'db.query.text': query.sql, 'db.operation.name': operation } },
      parent
    )
    try {
      const result = await this.inner.executeQuery<R>(query)
      span.setAttribute('db.response.returned_rows', result.rows.length)
      if (result.numAffectedRows !== undefined) span.setAttribute('db.response.affected_rows', Number(result.numAffectedRows))
      return result
    } catch (err) {
      failed(span, err)
      throw err
    } finally {
      span.end()
    }
  }

  /** Passed through untraced: nothing in the service streams a query. */
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

function failed(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err))
  span.recordException(error)
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string') span.setAttribute('db.response.status_code', code)
}

/**
 * The dialect's driver, handing out traced connections. Transaction statements (begin, commit,
 * savepoints) go through the traced connection, so they are spans too; the connection goes back
 * to the driver as its own (PostgreSQL's driver releases it by a private method).
 */
class TracedDriver implements Driver {
  readonly savepoint?: Driver['savepoint']
  readonly rollbackToSavepoint?: Driver['rollbackToSavepoint']
  readonly releaseSavepoint?: Driver['releaseSavepoint']

  constructor(
    private readonly inner: Driver,
    private readonly tracer: Tracer,
    private readonly system: string
  ) {
    // Kysely refuses savepoints of a driver without them: only what the inner driver has.
    if (inner.savepoint) this.savepoint = inner.savepoint.bind(inner)
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner)
    if (inner.releaseSavepoint) this.releaseSavepoint = inner.releaseSavepoint.bind(inner)
  }

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TracedConnection(await this.inner.acquireConnection(), this.tracer, this.system)
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings)
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection)
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection instanceof TracedConnection ? connection.inner : connection)
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}
