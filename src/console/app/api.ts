/**
 * The console's only way to the service: the typed client (packages/client, generated from the
 * service's OpenAPI document), same origin. This module adapts it to what the pages need (the
 * ETag beside a read, "the service does not answer" as its own error) and holds no HTTP of its own
 * except reading the public /openapi.json to learn which operations need a token.
 */
import {
  type ChangeRequestState,
  createClient as createTypedClient,
  type CreateOrgRequest,
  type CreateWebhookRequest,
  type Environment,
  type ListOrgsQuery,
  type OrgConfig,
  type OrgHistory,
  ProblemError,
  type Scope,
  type UpdateOrgRequest,
  type UpdateWebhookRequest
} from '@vipps-orgs/client'

export { buildVippsAuthorizeUrl, createPkcePair, HeldForApproval, ProblemError } from '@vipps-orgs/client'
export type {
  Actor,
  ChangeRequest,
  ChangeRequestState,
  CreatedWebhook,
  Me,
  Environment,
  OrgConfig,
  OrgList,
  OrgSummary,
  Scope,
  UpdateWebhookRequest,
  Webhook
} from '@vipps-orgs/client'
export type OrgEvent = OrgHistory['data'][number]
export type OrgFields = Required<UpdateOrgRequest>
export type CreateOrgBody = OrgFields & { org_id: string }
export type Delivery = Awaited<ReturnType<ReturnType<typeof createTypedClient>['listWebhookDeliveries']>>['data'][number]
export type EventType = NonNullable<CreateWebhookRequest['event_types']>[number]
/** Every event type a webhook endpoint may name, in the form's order. */
export const EVENT_TYPES = [
  'vipps_org.created',
  'vipps_org.updated',
  'vipps_org.deleted',
  'change_request.created',
  'change_request.approved',
  'change_request.rejected',
  'change_request.withdrawn'
] as const satisfies readonly EventType[]
// A type the service adds and the form lacks fails the build here.
const everyType: Exclude<EventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true
void everyType
/** What a new endpoint gets unless told otherwise (the service's default): the org changes. */
export const DEFAULT_EVENT_TYPES: EventType[] = ['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted']
export const SCOPES: Scope[] = ['openid', 'name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents']

/** The service did not answer at all (down, or the network is), or a proxy answered for it. */
export class UnreachableError extends Error {
  constructor(readonly baseUrl: string) {
    super(`The service at ${baseUrl} does not answer. Is it running? Try again in a moment.`)
    this.name = 'UnreachableError'
  }
}

export interface ClientOptions {
  baseUrl: string
  token?: string | undefined
  /** A person signed in by cookie: the session's CSRF token, sent with every write. */
  csrfToken?: string | undefined
}

export function createClient({ baseUrl, token, csrfToken }: ClientOptions) {
  // Two attempts at most: an admin waiting on a page wants to hear quickly that the service is down.
  // The session cookie (a person signed in with the identity provider) goes with every request.
  const client = createTypedClient({
    baseUrl,
    ...(token ? { token } : {}),
    ...(csrfToken ? { csrfToken } : {}),
    credentials: 'same-origin',
    retry: { attempts: 2, baseDelayMs: 200 }
  })
  /** Runs a call; a failed connection or a proxy's 502/503/504 page becomes UnreachableError. */
  async function call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      if (error instanceof ProblemError) {
        if (error.code === 'unexpected_response' && error.status >= 502 && error.status <= 504) throw new UnreachableError(baseUrl)
        throw error
      }
      if (error instanceof TypeError) throw new UnreachableError(baseUrl)
      throw error
    }
  }

  return {
    listOrgs: (query: ListOrgsQuery) => call(() => client.listOrgs(query)),
    getOrg: (orgId: string) => call(() => client.getOrgForUpdate(orgId)),
    createOrg: (body: CreateOrgRequest) => call(() => client.createOrg(body)),
    updateOrg: (orgId: string, changes: UpdateOrgRequest, etag: string) => call(() => client.updateOrg(orgId, changes, { ifMatch: etag })),
    deleteOrg: (orgId: string, etag: string) => call(() => client.deleteOrg(orgId, { ifMatch: etag })),
    orgHistory: (orgId: string, page = 1, limit = 100) => call(() => client.getOrgHistory(orgId, { page, limit })),
    listWebhooks: () => call(() => client.listWebhooks()),
    getWebhook: (id: string) => call(() => client.getWebhook(id)),
    createWebhook: (body: CreateWebhookRequest) => call(() => client.createWebhook(body)),
    updateWebhook: (id: string, changes: UpdateWebhookRequest) => call(() => client.updateWebhook(id, changes)),
    rotateWebhookSecret: (id: string) => call(() => client.rotateWebhookSecret(id)),
    deleteWebhook: (id: string) => call(() => client.deleteWebhook(id)),
    sendWebhookTest: (id: string) => call(() => client.sendWebhookTest(id)),
    webhookDeliveries: async (id: string, limit = 20) => (await call(() => client.listWebhookDeliveries(id, { limit }))).data,
    listChangeRequests: (query: { state?: ChangeRequestState | 'all'; org_id?: string } = {}) => call(() => client.listChangeRequests(query)),
    getChangeRequest: (id: string) => call(() => client.getChangeRequest(id)),
    approveChangeRequest: (id: string) => call(() => client.approveChangeRequest(id)),
    rejectChangeRequest: (id: string, reason: string) => call(() => client.rejectChangeRequest(id, reason)),
    withdrawChangeRequest: (id: string) => call(() => client.withdrawChangeRequest(id)),
    /** Who this console acts as (a person's session, a pasted key or token, or the open mode). */
    getMe: () => call(() => client.getMe()),
    /** Ends the person's session; `end_session_url` signs them out at the issuer too. */
    signOut: () => call(() => client.signOut()),
    /** The public OpenAPI document: which operations this server opens without a token, and whether people sign in here. */
    openapi: () =>
      call(async () => {
        const response = await fetch(`${baseUrl}/openapi.json`, { credentials: 'omit', cache: 'no-store' })
        if (!response.ok) throw new ProblemError(response.status, undefined)
        return (await response.json()) as {
          paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>
          components?: { securitySchemes?: Record<string, Record<string, unknown>> }
        }
      })
  }
}

export type Client = ReturnType<typeof createClient>
