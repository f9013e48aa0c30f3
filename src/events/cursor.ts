import { problems } from '../http/problems.js'

/**
 * A position in the change feed: the event's transaction id (PostgreSQL's xid8; 0 on SQLite,
 * where ids are already in commit order) and its id. Clients see it as an opaque string.
 */
export interface Position {
  txid: bigint
  id: bigint
}

export const START: Position = { txid: 0n, id: 0n }

const DECODED = /^(\d{1,20})\.(\d{1,20})$/

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.txid}.${position.id}`).toString('base64url')
}

/** The position a cursor names; a 400 invalid_cursor for anything this service did not hand out. */
export function decodeCursor(cursor: string): Position {
  const match = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? DECODED.exec(Buffer.from(cursor, 'base64url').toString()) : null
  const position = match ? { txid: BigInt(match[1]!), id: BigInt(match[2]!) } : undefined
  // One spelling per position: what was handed out, not a variant of it.
  if (!position || encodeCursor(position) !== cursor) throw problems.invalidCursor(cursor)
  return position
}

export function isAfter(a: Position, b: Position): boolean {
  return a.txid > b.txid || (a.txid === b.txid && a.id > b.id)
}
