interface DriverError {
  code?: unknown
  table?: unknown
  message?: unknown
}

function asDriverError(err: unknown): DriverError {
  return typeof err === 'object' && err !== null ? (err as DriverError) : {}
}

/** A unique or primary key violation (on `table`, when given) from SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown, table?: string): boolean {
  const { code, table: pgTable, message } = asDriverError(err)
  if (code === '23505') return table === undefined || pgTable === table
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return table === undefined || String(message).includes(`${table}.`)
  }
  return false
}

const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])
// PostgreSQL: connection exceptions, shutting down, cannot connect now, too many connections, statement timeout.
const UNAVAILABLE_PG_CODES = /^(08...|57P0[1-3]|53300|57014)$/
const UNAVAILABLE_SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|READONLY|IOERR|CANTOPEN|FULL|PROTOCOL|NOLFS)/
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|driver has already been destroyed|Cannot use a pool after calling end/i

/** The database is down, unreachable, overloaded or read-only: the request may succeed later (503). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const { code, message } = asDriverError(err)
  if (typeof code === 'string') {
    if (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_PG_CODES.test(code) || UNAVAILABLE_SQLITE_CODES.test(code)) {
      return true
    }
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)
}
