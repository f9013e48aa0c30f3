import { createHash } from 'node:crypto'

/** One admin token as configured; the token itself is kept only as a SHA-256 digest. */
export interface AdminToken {
  actor: string
  digest: Buffer
}

export interface Config {
  port: number
  host: string
  /** Where clients reach the service (the OpenAPI document's server). */
  publicUrl: string
  databaseUrl: string
  logLevel: string
  production: boolean
  adminTokens: AdminToken[]
  /** Writes open to anyone (no tokens configured, or AUTH_DISABLED=true). */
  writesOpen: boolean
  /** Reads need a token too (AUTH_READS=true). */
  readsNeedToken: boolean
  corsOrigins: string[]
  writeRateLimit: { max: number; windowMs: number }
  cache: { max: number; maxBytes: number; ttlMs: number }
  pg: { poolMax: number; statementTimeoutMs: number; connectTimeoutMs: number }
  webhooks: {
    /** A delivery that has not answered 2xx within this long failed. */
    timeoutMs: number
    /** The delays before each retry of a failed delivery. */
    retryScheduleMs: number[]
    /** Deliveries may go to loopback, private, link-local and metadata addresses (development). */
    allowPrivateUrls: boolean
    /** AES-256-GCM key for webhook secrets at rest. */
    secretsKey?: Buffer
  }
  /** GET /metrics (on unless METRICS_ENABLED=false); METRICS_TOKEN, when set, as the bearer token it needs (digest). */
  metrics: { enabled: boolean; tokenDigest?: Buffer }
  /** How long a SQLite write waits for a lock held by another connection before a 503. */
  sqliteBusyTimeoutMs: number
  shutdownGraceMs: number
  /** Periodic backups of the SQLite database (BACKUP_DIR set); absent otherwise. */
  backup?: { dir: string; intervalMs: number; keep: number }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const ACTOR = /^[A-Za-z0-9._@-]{1,64}$/

export function digestToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function flag(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase()
  if (raw === '' || raw === 'false' || raw === '0') return false
  if (raw === 'true' || raw === '1') return true
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`)
}

/** `token` (actor "admin") or `name:token` entries, comma-separated. */
function parseAdminTokens(raw: string | undefined): AdminToken[] {
  if (!raw) return []
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':')
      const named = colon > 0 && ACTOR.test(entry.slice(0, colon))
      const actor = named ? entry.slice(0, colon) : 'admin'
      const token = named ? entry.slice(colon + 1) : entry
      if (token === '') throw new ConfigError(`ADMIN_TOKENS: the entry for "${actor}" has an empty token`)
      return { actor, digest: digestToken(token) }
    })
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `5s,5m,30m,2h`: each a whole number and a unit (ms, s, m, h, d). */
function durations(env: Env, name: string, fallback: string): number[] {
  const raw = env[name] || fallback
  const parts = raw.split(',').map((part) => part.trim())
  if (parts.length > 20) throw new ConfigError(`${name} may list at most 20 delays`)
  return parts.map((part) => {
    const match = DURATION.exec(part)
    if (!match) throw new ConfigError(`${name} must list delays such as 5s,5m,30m,2h; "${part}" is not one`)
    const ms = Number(match[1]) * UNIT_MS[match[2]!]!
    if (ms > 7 * 86_400_000) throw new ConfigError(`${name}: "${part}" is longer than 7 days`)
    return ms
  })
}

function secretsKey(raw: string | undefined): Buffer | undefined {
  if (!raw) return undefined
  const key = Buffer.from(raw, 'base64')
  if (key.length !== 32 || key.toString('base64') !== raw.trim()) {
    throw new ConfigError('SECRETS_KEY must be 32 random bytes in base64 (for instance: openssl rand -base64 32)')
  }
  return key
}

function publicUrl(raw: string | undefined, host: string, port: number): string {
  if (raw) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`)
    }
    if (!/^https?:$/.test(url.protocol)) throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got "${raw}"`)
    return url.origin + url.pathname.replace(/\/$/, '')
  }
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${port}`
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production'
  const adminTokens = parseAdminTokens(env.ADMIN_TOKENS)
  const authDisabled = flag(env, 'AUTH_DISABLED')
  if (production && adminTokens.length === 0 && !authDisabled) {
    throw new ConfigError(
      'NODE_ENV=production needs ADMIN_TOKENS (comma-separated bearer tokens) so writes are not open to anyone; ' +
        'set AUTH_DISABLED=true to open writes on purpose'
    )
  }
  const readsNeedToken = flag(env, 'AUTH_READS')
  if (readsNeedToken && adminTokens.length === 0) {
    throw new ConfigError('AUTH_READS=true needs ADMIN_TOKENS: no token could ever read')
  }
  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/vipps-orgs.db'
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://')
  }
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const host = env.HOST || '127.0.0.1'
  return {
    port,
    host,
    publicUrl: publicUrl(env.PUBLIC_URL, host, port),
    databaseUrl,
    logLevel,
    production,
    adminTokens,
    writesOpen: authDisabled || adminTokens.length === 0,
    readsNeedToken,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    writeRateLimit: {
      max: integer(env, 'WRITE_RATE_LIMIT', 6_000, 1, 1_000_000),
      windowMs: integer(env, 'WRITE_RATE_WINDOW_MS', 60_000, 1, 86_400_000)
    },
    cache: {
      max: integer(env, 'CACHE_MAX_ENTRIES', 50_000, 0, 10_000_000),
      maxBytes: integer(env, 'CACHE_MAX_BYTES', 64 * 1024 * 1024, 0, 2 ** 40),
      ttlMs: integer(env, 'CACHE_TTL_MS', 60_000, 0, 86_400_000)
    },
    pg: {
      poolMax: integer(env, 'PG_POOL_MAX', 10, 1, 1000),
      statementTimeoutMs: integer(env, 'PG_STATEMENT_TIMEOUT_MS', 5_000, 1, 3_600_000),
      connectTimeoutMs: integer(env, 'PG_CONNECT_TIMEOUT_MS', 2_000, 1, 60_000)
    },
    webhooks: {
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      retryScheduleMs: durations(env, 'WEBHOOK_RETRY_SCHEDULE', '5s,5m,30m,2h,5h,10h,10h'),
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS === undefined || env.WEBHOOK_ALLOW_PRIVATE_URLS === '' ? !production : flag(env, 'WEBHOOK_ALLOW_PRIVATE_URLS'),
      ...(env.SECRETS_KEY ? { secretsKey: secretsKey(env.SECRETS_KEY) } : {})
    },
    metrics: {
      enabled: env.METRICS_ENABLED === undefined || env.METRICS_ENABLED === '' ? true : flag(env, 'METRICS_ENABLED'),
      ...(env.METRICS_TOKEN ? { tokenDigest: digestToken(env.METRICS_TOKEN) } : {})
    },
    sqliteBusyTimeoutMs: integer(env, 'SQLITE_BUSY_TIMEOUT_MS', 5_000, 0, 600_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    ...backupSettings(env, databaseUrl)
  }
}

/** BACKUP_DIR, BACKUP_INTERVAL (one duration, 1s to 30d), BACKUP_KEEP: for the SQLite file only. */
function backupSettings(env: Env, databaseUrl: string): Pick<Config, 'backup'> {
  const dir = env.BACKUP_DIR?.trim()
  if (!dir) return {}
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError('BACKUP_DIR backs up the embedded SQLite database; back PostgreSQL up with pg_dump (README, "Backup and restore")')
  }
  if (/^sqlite:(:memory:)?$/.test(databaseUrl)) throw new ConfigError('BACKUP_DIR needs a database file: DATABASE_URL is sqlite::memory:')
  const raw = env.BACKUP_INTERVAL || '24h'
  const match = DURATION.exec(raw.trim())
  const intervalMs = match ? Number(match[1]) * UNIT_MS[match[2]!]! : NaN
  if (!(intervalMs >= 1_000 && intervalMs <= 30 * 86_400_000)) {
    throw new ConfigError(`BACKUP_INTERVAL must be a duration from 1s to 30d such as 30s, 15m or 24h, got "${raw}"`)
  }
  return { backup: { dir, intervalMs, keep: integer(env, 'BACKUP_KEEP', 7, 1, 10_000) } }
}
