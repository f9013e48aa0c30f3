/**
 * The console's only way to the service: the public HTTP API of api.md, same origin.
 * Shaped like the typed client (packages/client: createClient({baseUrl, token, fetch}),
 * ProblemError, buildVippsAuthorizeUrl) so the console can switch to it without touching pages.
 */

export type Environment = 'production' | 'test'
export const SCOPES = ['openid', 'name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents'] as const
export type Scope = (typeof SCOPES)[number]

export interface OrgSummary {
  org_id: string
  client_id: string
  vipps_enabled: boolean
  environment: Environment
  created_at: string
}
export interface OrgConfig extends OrgSummary {
  client_secret_ref: string
  redirect_uri: string
  scopes: Scope[]
  updated_at: string
}
export type OrgFields = Pick<OrgConfig, 'client_id' | 'client_secret_ref' | 'redirect_uri' | 'scopes' | 'environment' | 'vipps_enabled'>
export interface CreateOrgBody extends OrgFields {
  org_id: string
}
export interface Pagination {
  page: number
  limit: number
  total: number
}
export interface OrgList {
  data: OrgSummary[]
  pagination: Pagination
}
export interface OrgEvent {
  version: number
  action: 'create' | 'update' | 'delete'
  at: string
  actor: string
  changes: Record<string, { from: unknown; to: unknown }>
}
export interface OrgHistory {
  data: OrgEvent[]
  pagination: Pagination
}
export interface ListOrgsQuery {
  page?: number
  limit?: number
  environment?: Environment
  vipps_enabled?: 'true' | 'false' | 'any'
  q?: string
}

export type EventType = 'vipps_org.created' | 'vipps_org.updated' | 'vipps_org.deleted'
export const EVENT_TYPES: EventType[] = ['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted']
export interface Webhook {
  id: string
  url: string
  description: string
  event_types: EventType[]
  enabled: boolean
  disabled_reason: string | null
  created_at: string
  updated_at: string
}
export interface CreatedWebhook extends Webhook {
  secret: string
}
export interface CreateWebhookBody {
  url: string
  description?: string
  event_types?: EventType[]
  enabled?: boolean
}
export interface Delivery {
  event_id: string
  event_type: string
  attempt: number
  status: 'pending' | 'succeeded' | 'failed'
  response_status: number | null
  error: string | null
  attempted_at: string | null
  next_attempt_at: string | null
}

export interface FieldError {
  field: string
  message: string
}
export interface Problem {
  type?: string
  title: string
  status: number
  detail?: string
  code?: string
  errors?: FieldError[]
}

/** The service answered with an RFC 9457 problem (or another error status). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title)
    this.name = 'ProblemError'
  }
  get status(): number {
    return this.problem.status
  }
  get code(): string | undefined {
    return this.problem.code
  }
}

/** The service did not answer at all (down, or the network is). */
export class UnreachableError extends Error {
  constructor(readonly baseUrl: string) {
    super(`The service at ${baseUrl} does not answer. Is it running? Try again in a moment.`)
    this.name = 'UnreachableError'
  }
}

export interface ClientOptions {
  baseUrl: string
  token?: string | undefined
  fetch?: typeof fetch
}

const ORGS = '/api/v1/vipps-orgs'
const WEBHOOKS = '/api/v1/webhooks'

export function createClient({ baseUrl, token, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: ClientOptions) {
  async function call<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...init.headers }
    if (token) headers.authorization = `Bearer ${token}`
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        credentials: 'omit',
        cache: 'no-store'
      })
    } catch {
      throw new UnreachableError(baseUrl)
    }
    const text = await response.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    if (!response.ok) {
      const problem = (json && typeof json === 'object' ? json : {}) as Partial<Problem>
      if (response.status >= 502 && response.status <= 504 && !problem.code) throw new UnreachableError(baseUrl)
      throw new ProblemError({
        ...problem,
        title: problem.title ?? response.statusText ?? 'Error',
        status: response.status
      })
    }
    return { data: json as T, etag: response.headers.get('etag') ?? undefined, response }
  }

  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value))
    const text = search.toString()
    return text ? `?${text}` : ''
  }
  const id = (value: string) => encodeURIComponent(value)

  return {
    listOrgs: async (q: ListOrgsQuery) => (await call<OrgList>('GET', `${ORGS}${query({ ...q })}`)).data,
    getOrg: async (orgId: string) => {
      const { data, etag } = await call<OrgConfig>('GET', `${ORGS}/${id(orgId)}`)
      return { org: data, etag: etag ?? '' }
    },
    createOrg: async (body: CreateOrgBody) => (await call<OrgSummary>('POST', ORGS, { body })).data,
    updateOrg: async (orgId: string, body: Partial<OrgFields>, etag: string) => {
      const { data, etag: next } = await call<Partial<OrgConfig>>('PUT', `${ORGS}/${id(orgId)}`, { body, headers: { 'if-match': etag } })
      return { updated: data, etag: next ?? '' }
    },
    deleteOrg: async (orgId: string, etag: string) =>
      (await call<{ org_id: string; deleted: boolean; deleted_at: string }>('DELETE', `${ORGS}/${id(orgId)}`, { headers: { 'if-match': etag } })).data,
    orgHistory: async (orgId: string, page = 1, limit = 100) =>
      (await call<OrgHistory>('GET', `${ORGS}/${id(orgId)}/history${query({ page, limit })}`)).data,
    listWebhooks: async () => (await call<{ data: Webhook[] }>('GET', WEBHOOKS)).data.data,
    getWebhook: async (webhookId: string) => (await call<Webhook>('GET', `${WEBHOOKS}/${id(webhookId)}`)).data,
    createWebhook: async (body: CreateWebhookBody) => (await call<CreatedWebhook>('POST', WEBHOOKS, { body })).data,
    deleteWebhook: async (webhookId: string) => {
      await call<unknown>('DELETE', `${WEBHOOKS}/${id(webhookId)}`)
    },
    sendWebhookTest: async (webhookId: string) =>
      (await call<{ event_id: string; type: string }>('POST', `${WEBHOOKS}/${id(webhookId)}/test`)).data,
    webhookDeliveries: async (webhookId: string, limit = 20) =>
      (await call<{ data: Delivery[] }>('GET', `${WEBHOOKS}/${id(webhookId)}/deliveries${query({ limit })}`)).data.data,
    /** The OpenAPI document: which operations this server opens without a token. */
    openapi: async () => (await call<{ paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> }>('GET', '/openapi.json')).data
  }
}

export type Client = ReturnType<typeof createClient>

const VIPPS_BASE: Record<Environment, string> = { test: 'https://apitest.vipps.no', production: 'https://api.vipps.no' }

function base64url(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A random string for state, nonce and the PKCE verifier (43 characters of base64url). */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)))
}

/** S256 code challenge of a PKCE verifier. */
export async function codeChallengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
}

/** Vipps Login's authorize URL for an org's config (api.md, "Vipps Login facts"). */
export function buildVippsAuthorizeUrl(
  config: Pick<OrgConfig, 'client_id' | 'redirect_uri' | 'scopes' | 'environment'>,
  { state, nonce, codeChallenge }: { state: string; nonce?: string; codeChallenge: string }
): string {
  const url = new URL(`${VIPPS_BASE[config.environment]}/access-management-1.0/access/oauth2/auth`)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', config.client_id)
  url.searchParams.set('redirect_uri', config.redirect_uri)
  url.searchParams.set('scope', config.scopes.join(' '))
  url.searchParams.set('state', state)
  if (nonce) url.searchParams.set('nonce', nonce)
  url.searchParams.set('code_challenge', codeChallenge)
  url.searchParams.set('code_challenge_method', 'S256')
  return url.toString()
}
