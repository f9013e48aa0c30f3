import { hash } from 'node:crypto'

/** One admin token as configured; the token itself is kept only as a SHA-256 digest. */
export interface AdminToken {
  actor: string
  digest: Buffer
}

/** People's sign-in with OpenID Connect (OIDC_*): the issuer and this service as its client. */
export interface OidcConfig {
  /** The issuer identifier; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string
  clientId: string
  /** Kept out of JSON and inspection (non-enumerable); absent for a public client (PKCE only). */
  readonly clientSecret?: string
  /** The claim (ID token or userinfo) holding the person's roles. */
  rolesClaim: string
  /** What the console's button says: "Sign in with <providerName>". */
  providerName: string
  /** `<PUBLIC_URL>/auth/callback`: the redirect URI to register at the issuer. */
  redirectUri: string
}

export interface Config {
  port: number
  host: string
  /** Where clients reach the service (the OpenAPI document's server; browsers' origin for sign-in and CSRF). */
  publicUrl: string
  /** Set when OIDC_ISSUER is: people sign in to the console with the organization's identity provider. */
  oidc?: OidcConfig
  /** A person's session ends after this long without a request, or this long after signing in. */
  sessions: { idleMs: number; maxMs: number }
  databaseUrl: string
  logLevel: string
  production: boolean
  adminTokens: AdminToken[]
  /**
   * The open mode: no way to sign in is configured (no ADMIN_TOKENS, no OIDC_ISSUER), so requests
   * without a credential act as `anonymous` with every right. Outside production, or in production
   * with AUTH_DISABLED=true.
   */
  openAccess: boolean
  /** Org writes open to requests without a credential (the open mode, or AUTH_DISABLED=true). */
  writesOpen: boolean
  /** Reads need a credential too (AUTH_READS=true). */
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
  /**
   * Four eyes (APPROVALS, APPROVAL_TTL_HOURS): `production` holds changes of production login
   * settings as change requests until a second person approves; `off` applies every write at once.
   */
  approvals: { mode: 'production' | 'off'; ttlMs: number }
  /** Periodic backups of the SQLite database (BACKUP_DIR set); absent otherwise. */
  backup?: { dir: string; intervalMs: number; keep: number }
  /** OpenTelemetry traces, sent by OTLP/HTTP (protobuf): set when an OTLP endpoint is; absent (off) otherwise. */
  tracing?: TracingConfig
}

/** The samplers of OTEL_TRACES_SAMPLER this service knows (the specification's, but jaeger_remote and xray). */
export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio'
] as const
export type TraceSampler = (typeof TRACE_SAMPLERS)[number]

export interface TracingConfig {
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  tracesUrl: string
  /** OTEL_SERVICE_NAME (default `vipps-orgs`). */
  serviceName: string
  /** OTEL_TRACES_SAMPLER (default parentbased_always_on) and OTEL_TRACES_SAMPLER_ARG, the ratio of the *traceidratio samplers (default 1). */
  sampler: TraceSampler
  ratio: number
  /** OTEL_BSP_SCHEDULE_DELAY: the longest a finished span waits before it is sent (default 5000 ms). */
  exportDelayMs: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const ACTOR = /^[A-Za-z0-9._@-]{1,64}$/

export function digestToken(token: string): Buffer {
  return hash('sha256', token, 'buffer')
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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const CLAIM_NAME = /^[\x21-\x7e]{1,256}$/

/**
 * OIDC_* settings, or undefined when OIDC_ISSUER is not set. The issuer speaks HTTPS (plain HTTP
 * only on this machine's loopback, outside production: a test or a local issuer), and PUBLIC_URL
 * must be given, since the redirect URI registered at the issuer is derived from it.
 */
function oidcConfig(env: Env, production: boolean, publicUrlOf: string): OidcConfig | undefined {
  const issuerRaw = env.OIDC_ISSUER?.trim()
  if (!issuerRaw) {
    const stray = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLES_CLAIM', 'OIDC_PROVIDER_NAME'].filter((name) => env[name])
    if (stray.length > 0) throw new ConfigError(`${stray.join(', ')} set without OIDC_ISSUER: set OIDC_ISSUER too, or remove them`)
    return undefined
  }
  let issuer: URL
  try {
    issuer = new URL(issuerRaw)
  } catch {
    throw new ConfigError(`OIDC_ISSUER must be the issuer's absolute https URL, got "${issuerRaw}"`)
  }
  const loopback = LOOPBACK_HOSTS.has(issuer.hostname)
  if (issuer.protocol !== 'https:' && !(issuer.protocol === 'http:' && loopback && !production)) {
    throw new ConfigError(`OIDC_ISSUER must be an https URL (plain http only for localhost, outside production), got "${issuerRaw}"`)
  }
  if (issuer.search || issuer.hash) throw new ConfigError('OIDC_ISSUER must be the issuer identifier alone, without a query or fragment')
  const clientId = env.OIDC_CLIENT_ID?.trim()
  if (!clientId) throw new ConfigError('OIDC_ISSUER needs OIDC_CLIENT_ID: the client id this service has at the issuer')
  if (!env.PUBLIC_URL) {
    throw new ConfigError('OIDC_ISSUER needs PUBLIC_URL: the service’s origin as browsers see it (the redirect URI is <PUBLIC_URL>/auth/callback)')
  }
  if (production && !publicUrlOf.startsWith('https://')) {
    throw new ConfigError('OIDC_ISSUER in production needs an https PUBLIC_URL: the session cookie must be Secure')
  }
  const rolesClaim = env.OIDC_ROLES_CLAIM?.trim() || 'vipps_orgs_roles'
  if (!CLAIM_NAME.test(rolesClaim)) throw new ConfigError(`OIDC_ROLES_CLAIM must be a claim name (1-256 visible characters), got "${rolesClaim}"`)
  const providerName = env.OIDC_PROVIDER_NAME?.trim() || issuer.host
  if (providerName.length > 64) throw new ConfigError('OIDC_PROVIDER_NAME must be at most 64 characters')
  // Kept as given, not normalized: discovery compares the issuer's own `issuer` with it exactly.
  const oidc: OidcConfig = { issuer: issuerRaw, clientId, rolesClaim, providerName, redirectUri: `${publicUrlOf}/auth/callback` }
  const secret = env.OIDC_CLIENT_SECRET
  if (secret) Object.defineProperty(oidc, 'clientSecret', { value: secret, enumerable: false })
  return oidc
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
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const host = env.HOST || '127.0.0.1'
  const ownUrl = publicUrl(env.PUBLIC_URL, host, port)
  const oidc = oidcConfig(env, production, ownUrl)
  const canSignIn = adminTokens.length > 0 || oidc !== undefined
  if (production && !canSignIn && !authDisabled) {
    throw new ConfigError(
      'NODE_ENV=production needs a way to sign in so writes are not open to anyone: ADMIN_TOKENS (comma-separated bearer tokens) ' +
        'or OIDC_ISSUER (people sign in with your identity provider); set AUTH_DISABLED=true to open writes on purpose'
    )
  }
  const readsNeedToken = flag(env, 'AUTH_READS')
  if (readsNeedToken && !canSignIn) {
    throw new ConfigError('AUTH_READS=true needs ADMIN_TOKENS or OIDC_ISSUER: nobody could ever read')
  }
  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const databaseUrl = env.DATABASE_URL || 'sqlite:./data/vipps-orgs.db'
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://')
  }
  return {
    port,
    host,
    publicUrl: ownUrl,
    ...(oidc ? { oidc } : {}),
    sessions: {
      idleMs: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 7 * 24 * 60) * 60_000,
      maxMs: integer(env, 'SESSION_MAX_HOURS', 12, 1, 30 * 24) * 3_600_000
    },
    databaseUrl,
    logLevel,
    production,
    adminTokens,
    openAccess: !canSignIn,
    writesOpen: authDisabled || !canSignIn,
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
    approvals: approvalSettings(env),
    ...backupSettings(env, databaseUrl),
    ...tracingSettings(env)
  }
}

/**
 * OpenTelemetry's standard variables. Off unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (and then off again with OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none). The exporter itself reads OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and
 * _COMPRESSION; only OTLP over HTTP with protobuf is built in.
 */
function tracingSettings(env: Env): Pick<Config, 'tracing'> {
  const signalUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  const baseUrl = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  if (!signalUrl && !baseUrl) return {}
  if (flag(env, 'OTEL_SDK_DISABLED')) return {}
  const exporter = (env.OTEL_TRACES_EXPORTER ?? '').trim()
  if (exporter === 'none') return {}
  if (exporter !== '' && exporter !== 'otlp') throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp (or none), got "${exporter}"`)
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim()
  if (protocol !== 'http/protobuf') {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (OTLP over HTTP, port 4318 of a collector), got "${protocol}"`)
  }
  const tracesUrl = signalUrl ? otlpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', signalUrl) : `${otlpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', baseUrl!).replace(/\/$/, '')}/v1/traces`
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || 'vipps-orgs'
  const samplerRaw = (env.OTEL_TRACES_SAMPLER || 'parentbased_always_on').trim()
  const sampler = TRACE_SAMPLERS.find((name) => name === samplerRaw)
  if (!sampler) throw new ConfigError(`OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')}, got "${samplerRaw}"`)
  const argRaw = env.OTEL_TRACES_SAMPLER_ARG?.trim()
  let ratio = 1
  if (argRaw && sampler.endsWith('traceidratio')) {
    ratio = /^(0|1|0?\.\d+|1\.0*)$/.test(argRaw) ? Number(argRaw) : NaN
    if (!(ratio >= 0 && ratio <= 1)) throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 such as 0.01, got "${argRaw}"`)
  }
  return { tracing: { tracesUrl, serviceName, sampler, ratio, exportDelayMs: integer(env, 'OTEL_BSP_SCHEDULE_DELAY', 5_000, 1, 600_000) } }
}

function otlpUrl(name: string, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL such as http://collector:4318, got "${raw}"`)
  }
  if (!/^https?:$/.test(url.protocol)) throw new ConfigError(`${name} must be an http(s) URL (OTLP over HTTP), got "${raw}"`)
  if (url.username || url.password) throw new ConfigError(`${name} must not hold credentials: give them in OTEL_EXPORTER_OTLP_HEADERS`)
  return raw
}

/** APPROVALS (`production` or `off`, default off) and APPROVAL_TTL_HOURS (1 hour to 90 days, default 168). */
function approvalSettings(env: Env): Config['approvals'] {
  const raw = (env.APPROVALS ?? '').trim()
  if (raw !== '' && raw !== 'production' && raw !== 'off') {
    throw new ConfigError(`APPROVALS must be production (four eyes on production login settings) or off, got "${raw}"`)
  }
  return { mode: raw === 'production' ? 'production' : 'off', ttlMs: integer(env, 'APPROVAL_TTL_HOURS', 168, 1, 90 * 24) * 3_600_000 }
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
