import { HeldForApproval, ProblemError } from '@vipps-orgs/client'

/** Exit codes, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The service answered with a problem, or some import lines failed. */
  failed: 1,
  /** Bad command line: unknown command or flag, a missing argument, a refused confirmation. */
  usage: 2,
  /** The service could not be reached. */
  unreachable: 3,
  /** The org (or webhook) does not exist. */
  notFound: 4,
  /** Nothing changed yet: the change waits for a second person's approval (a change request, four eyes). */
  held: 5
} as const

export interface Io {
  out: (text: string) => void
  err: (text: string) => void
  json: boolean
}

export function processIo(json: boolean): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    json
  }
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2))
}

/** A plain text table: a header row, columns padded to their widest cell. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(row[c])))
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!))).join('  ')
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n')
}

/** One record as aligned `key: value` lines. */
export function record(value: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(value).map((k) => k.length))
  return Object.entries(value)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${cell(v)}`)
    .join('\n')
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

export class UsageError extends Error {}

/** A write held for approval: the request's id and how to follow it, on stdout (the request itself with --json). */
export function reportHeld(io: Io, held: HeldForApproval): number {
  if (io.json) printJson(io, held.changeRequest)
  else io.out(`${held.message}\n  see it: vipps-orgs requests show ${held.changeRequest.id}`)
  return EXIT.held
}

/** Prints an error as one clear line (then the field errors under it) and picks the exit code. */
export function reportError(io: Io, err: unknown, baseUrl: string): number {
  if (err instanceof HeldForApproval) return reportHeld(io, err)
  if (err instanceof ProblemError) {
    io.err(`error: ${err.describe()}`)
    return err.status === 404 ? EXIT.notFound : EXIT.failed
  }
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}`)
    return EXIT.usage
  }
  if (isConnectionError(err)) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    io.err(`error: cannot reach the service at ${baseUrl} (${cause?.code ?? cause?.message ?? (err as Error).message})`)
    return EXIT.unreachable
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}`)
  return EXIT.failed
}

export function isConnectionError(err: unknown): boolean {
  return err instanceof TypeError && /fetch failed/.test(err.message)
}
