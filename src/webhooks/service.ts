import { randomBytes } from 'node:crypto'
import { type Clock, isoSeconds } from '../clock.js'
import { encodeCursor, type Position } from '../events/cursor.js'
import { ORG_EVENT_TYPES } from '../events/schemas.js'
import { problems } from '../http/problems.js'
import type { CreateWebhookBody, UpdateWebhookBody, Webhook } from './schemas.js'
import { newSecret, type SecretBox } from './secrets.js'
import { type DeliveryView, type EndpointRecord, TEST_EVENT_TYPE, type WebhookStore } from './store.js'

const ID = /^wh_[A-Za-z0-9_-]{16}$/
const PREVIOUS_SECRET_SIGNS_MS = 24 * 60 * 60 * 1000

export interface WebhookServiceOptions {
  /** Production: webhooks need SECRETS_KEY. */
  production: boolean
  /** The feed's current end: a new (or re-enabled) endpoint gets what commits after it. */
  feedEnd: () => Promise<Position>
  /** Deliveries were queued outside the feed (a test event). */
  onQueued: () => void
  /** An endpoint was created or changed (it may now want deliveries). */
  onEndpointsChanged: () => void
  /** Tracing on: the trace context a test event keeps (the request's that sent it), as a change's event does. */
  traceContext?: () => string | null
}

/** The rules of webhook management: secrets shown once, rotation, re-enabling, test events. */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly box: SecretBox,
    private readonly options: WebhookServiceOptions,
    private readonly now: Clock
  ) {}

  async create(body: CreateWebhookBody): Promise<Webhook & { secret: string }> {
    if (this.options.production && !this.box.encrypts) throw problems.secretsKeyRequired()
    const at = this.now()
    const secret = newSecret()
    const record: EndpointRecord = {
      id: `wh_${randomBytes(12).toString('base64url')}`,
      url: body.url,
      description: body.description ?? '',
      event_types: body.event_types ?? [...ORG_EVENT_TYPES],
      enabled: body.enabled ?? true,
      secret: this.box.seal(secret),
      previous_secret: null,
      previous_secret_until: null,
      cursor: encodeCursor(await this.options.feedEnd()),
      failing_since: null,
      disabled_reason: null,
      created_at: at,
      updated_at: at
    }
    await this.store.createEndpoint(record)
    this.options.onEndpointsChanged()
    return { ...toWebhook(record), secret }
  }

  async list(): Promise<Webhook[]> {
    return (await this.store.listEndpoints()).map(toWebhook)
  }

  async get(id: string): Promise<Webhook> {
    return toWebhook(await this.find(id))
  }

  /** Re-enabling starts from now: what was missed meanwhile is in the change feed. */
  async update(id: string, body: UpdateWebhookBody): Promise<Webhook> {
    const current = await this.find(id)
    const reenabled = body.enabled === true && !current.enabled
    const updated = await this.store.updateEndpoint(
      id,
      {
        ...body,
        ...(reenabled ? { cursor: encodeCursor(await this.options.feedEnd()), disabled_reason: null, failing_since: null } : {})
      },
      this.now()
    )
    if (!updated) throw notFound(id)
    this.options.onEndpointsChanged()
    return toWebhook(updated)
  }

  async remove(id: string): Promise<void> {
    if (!ID.test(id) || !(await this.store.deleteEndpoint(id, this.now()))) throw notFound(id)
  }

  async rotateSecret(id: string): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
    const current = await this.find(id)
    const at = this.now()
    const until = isoSeconds(Date.parse(at) + PREVIOUS_SECRET_SIGNS_MS)
    const secret = newSecret()
    if (!(await this.store.rotateSecret(id, this.box.seal(secret), current.secret, until, at))) throw notFound(id)
    return { id, secret, previous_secret_expires_at: until }
  }

  async sendTest(id: string): Promise<{ event_id: string; type: typeof TEST_EVENT_TYPE }> {
    await this.find(id)
    const at = this.now()
    const eventId = `test_${randomBytes(12).toString('base64url')}`
    const payload = JSON.stringify({ type: TEST_EVENT_TYPE, timestamp: at, data: { webhook_id: id, message: 'A test event from vipps-orgs' } })
    const trace_context = this.options.traceContext?.() ?? null
    await this.store.queue({ endpoint_id: id, event_id: eventId, event_type: TEST_EVENT_TYPE, payload, next_attempt_at: Date.now(), created_at: at, trace_context })
    this.options.onQueued()
    return { event_id: eventId, type: TEST_EVENT_TYPE }
  }

  async deliveries(id: string, limit: number): Promise<DeliveryView[]> {
    await this.find(id)
    return this.store.deliveries(id, limit)
  }

  private async find(id: string): Promise<EndpointRecord> {
    const found = ID.test(id) ? await this.store.findEndpoint(id) : undefined
    if (!found) throw notFound(id)
    return found
  }
}

function notFound(id: string) {
  return problems.notFound(`No webhook endpoint ${id.length > 64 ? `${id.slice(0, 64)}…` : id}`)
}

function toWebhook(record: EndpointRecord): Webhook {
  const { id, url, description, event_types, enabled, disabled_reason, created_at, updated_at } = record
  return { id, url, description, event_types, enabled, disabled_reason, created_at, updated_at }
}
