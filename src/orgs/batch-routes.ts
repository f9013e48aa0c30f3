import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify'
import Type from 'typebox'
import type { Config } from '../config.js'
import type { Principal } from '../http/access/principal.js'
import { toProblem } from '../http/error-handler.js'
import { etagOf } from '../http/etag.js'
import { IdempotencyKeyHeaders } from '../http/idempotency.js'
import { ProblemSchema, problemResponses, problems } from '../http/problems.js'
import { jsonResponse } from '../http/responses.js'
import { fieldErrors, withMessages } from '../http/validation.js'
import { OrgId } from './fields.js'
import { BASE_PATH } from './routes.js'
import { CreateOrgBody, OrgSummary } from './schemas.js'
import type { OrgService } from './service.js'
import { ChangeRequest, HeldForApproval } from './write-gate.js'

/** The most orgs one batch creates. */
export const BATCH_MAX_ORGS = 500
/** A batch's body may be this large (other routes keep the app's limit). */
export const BATCH_BODY_LIMIT = 1024 * 1024

/** Where the batch create is served: a custom method of the collection (AIP-233); an org_id holds no colon. */
export const BATCH_CREATE_PATH = `${BASE_PATH}:batchCreate`

const Orgs = (items: Type.TSchema) =>
  Type.Array(items, {
    minItems: 1,
    maxItems: BATCH_MAX_ORGS,
    description: `1–${BATCH_MAX_ORGS} orgs, each exactly the body of a single create (POST /api/v1/vipps-orgs)`,
    ...withMessages({ '*': `must be an array of 1–${BATCH_MAX_ORGS} orgs` })
  })

/** The request as documented: each item a create's body. */
const BatchCreateBody = Type.Object({ orgs: Orgs(CreateOrgBody) }, { additionalProperties: false, title: 'BatchCreateOrgsRequest' })

/**
 * The request as checked before the handler runs: only its envelope. Each item is checked by the
 * create's own validator in the handler, so a bad item fails its own slot, not the batch.
 */
const BatchCreateEnvelope = Type.Object({ orgs: Orgs(Type.Unknown()) }, { additionalProperties: false })

const Created = Type.Object(
  {
    org_id: OrgId,
    status: Type.Literal(201),
    org: OrgSummary,
    etag: Type.String({ description: 'The new config’s ETag (its version)', examples: ['"1"'] })
  },
  { title: 'BatchCreateCreated', description: 'Created: org is exactly the 201 body of a single create' }
)
const Held = Type.Object(
  {
    org_id: OrgId,
    status: Type.Literal(202),
    change_request: ChangeRequest
  },
  { title: 'BatchCreateHeld', description: 'Held for approval (APPROVALS=production): change_request is exactly the 202 body of a single create' }
)
const Failed = Type.Object(
  {
    org_id: Type.Optional(Type.String({ description: 'The item’s org_id, when it has a string one' })),
    status: Type.Integer({ minimum: 400, maximum: 499, description: 'The status a single create would have answered' }),
    problem: ProblemSchema
  },
  { title: 'BatchCreateFailed', description: 'Not created: problem is exactly what a single create would have answered (errors[] naming the bad fields for a 400)' }
)
const BatchCreateResult = Type.Union([Created, Held, Failed], { title: 'BatchCreateResult' })
type BatchCreateResult = Type.Static<typeof BatchCreateResult>

const BatchCreateResponse = Type.Object(
  { results: Type.Array(BatchCreateResult, { description: 'One result per item, in the items’ order' }) },
  { title: 'BatchCreateOrgsResponse' }
)
type BatchCreateResponse = Type.Static<typeof BatchCreateResponse>

export interface BatchRoutesOptions {
  service: OrgService
  config: Config
  /** The orgs scope's validator compiler: items are checked exactly as a single create's body. */
  compile: FastifySchemaCompiler<object>
}

/** How one item ended: created, held (four eyes), or the problem a single create would answer. */
function resultOf(item: unknown, outcome: PromiseSettledResult<Awaited<ReturnType<OrgService['create']>>>): BatchCreateResult {
  const orgId = typeof (item as { org_id?: unknown } | null)?.org_id === 'string' ? (item as { org_id: string }).org_id : undefined
  if (outcome.status === 'fulfilled') {
    const { body, record } = outcome.value
    return { org_id: body.org_id, status: 201, org: body, etag: etagOf(record!.version) }
  }
  const err = outcome.reason
  if (err instanceof HeldForApproval) return { org_id: err.held.body.org_id, status: 202, change_request: err.held.body }
  const problem = toProblem(err as Parameters<typeof toProblem>[0])
  // The service could not answer (the database): the batch as a whole fails and may be retried.
  if (problem.status >= 500) throw err
  return { ...(orgId !== undefined ? { org_id: orgId } : {}), status: problem.status, problem: problem.body(BASE_PATH) }
}

/**
 * Every item of a batch through the single create, all started in this turn of the event loop and
 * in the items' order, so their writes queue in that order (on SQLite: one commit, each in its own
 * savepoint). A second item with the org_id of an earlier one waits for it: it then answers as a
 * create after that one would (409 when the first was created).
 */
function createAll(service: OrgService, items: unknown[], validate: ReturnType<FastifySchemaCompiler<object>>, by: Principal) {
  const started = new Map<string, Promise<unknown>>()
  return items.map((item) => {
    if (!validate(item)) return Promise.reject(problems.validation(fieldErrors(validate.errors ?? [], 'body')))
    const body = item as CreateOrgBody
    const create = () => service.create(body, by)
    const earlier = started.get(body.org_id)
    const mine = earlier ? earlier.then(create, create) : create()
    started.set(body.org_id, mine)
    return mine
  })
}

/**
 * The batch create (AIP-233): many creates in one request, each succeeding or failing alone, as
 * each would alone. The write rate limit counts the items.
 */
export const batchRoutes: FastifyPluginAsyncTypebox<BatchRoutesOptions> = async (app, { service, config, compile }) => {
  const validateItem = compile({ schema: CreateOrgBody, method: 'POST', url: BASE_PATH, httpPart: 'body' })
  const limiter = app.createRateLimit({ max: config.writeRateLimit.max, timeWindow: config.writeRateLimit.windowMs })

  /** Each item counts as a write; a batch that does not fit in what is left of the window is refused whole. */
  async function countWrites(request: FastifyRequest, writes: number): Promise<void> {
    const now = await limiter(request, { increment: false })
    if (now.isAllowed) return
    if (writes > now.remaining) {
      const retryAfter = Math.max(1, now.ttlInSeconds || Math.ceil(now.timeWindow / 1000))
      throw problems.rateLimited(
        `Rate limit exceeded: this batch counts as ${writes} writes and ${now.remaining} of ${now.max} are left in this window; retry in ${retryAfter} seconds`,
        retryAfter
      )
    }
    for (let i = 0; i < writes; i++) await limiter(request)
  }

  app.post(
    '::batchCreate',
    {
      config: { right: 'orgs:write' },
      bodyLimit: BATCH_BODY_LIMIT,
      // Only the envelope before the handler; each item by the create's validator (see BatchCreateEnvelope).
      validatorCompiler: (route) => compile(route.httpPart === 'body' ? { ...route, schema: BatchCreateEnvelope } : route),
      schema: {
        operationId: 'batchCreateOrgs',
        summary: 'Create the Vipps configurations of many organizations in one request',
        description: `1–${BATCH_MAX_ORGS} creates, each exactly as POST /api/v1/vipps-orgs would make it (checks, grants, four eyes, history, change feed, webhooks), each succeeding or failing alone: 200 with one result per item, in order (201 with the org and its ETag, 202 with the change request, or the 4xx problem a single create would answer). History and the change feed are as if the items had been created one after the other. The write rate limit counts each item; a batch over it is refused whole (429). Idempotency-Key covers the whole batch. Body up to 1 MiB.`,
        tags: ['orgs'],
        headers: IdempotencyKeyHeaders,
        body: BatchCreateBody,
        response: {
          200: jsonResponse(BatchCreateResponse, 'One result per item, in the items’ order (with Idempotent-Replayed: the first answer again)', [
            'Idempotent-Replayed'
          ]),
          ...problemResponses
        }
      }
    },
    async (request, reply) => {
      const items = (request.body as { orgs: unknown[] }).orgs
      await countWrites(request, items.length)
      const result = await service.writeOnce(request.principal, request.headers['idempotency-key'], { operation: 'batchCreate', body: request.body }, async () => {
        const outcomes = await Promise.allSettled(createAll(service, items, validateItem, request.principal))
        return { results: outcomes.map((outcome, i) => resultOf(items[i], outcome)) } satisfies BatchCreateResponse
      })
      if (result.replayed) reply.header('idempotent-replayed', 'true')
      // Serialized here: each result is already exactly its shape (no union for the serializer to guess among).
      return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(result.body))
    }
  )
}

