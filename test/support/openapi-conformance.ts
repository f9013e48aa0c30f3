import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

/** The parts of an OpenAPI 3.1 document the check reads. */
interface OpenApiDocument {
  components?: { schemas?: Record<string, unknown> }
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema: object }> }> }>>
}

export interface ObservedResponse {
  method: string
  url: string
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

/** The schema with each `$ref` to a named component replaced by the component (with the ref's siblings). */
function inlined(schema: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => inlined(item, components))
  if (schema === null || typeof schema !== 'object') return schema
  const { $ref, ...rest } = schema as Record<string, unknown>
  const copy = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inlined(value, components)]))
  if (typeof $ref !== 'string') return copy
  const name = $ref.replace('#/components/schemas/', '')
  if (!(name in components)) throw new Error(`the document refers to a missing component: ${$ref}`)
  return { ...(inlined(components[name], components) as object), ...copy }
}

/**
 * The schema with every object closed to properties it does not declare: a field on the wire
 * that the document does not describe is drift too.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed)
  if (schema === null || typeof schema !== 'object') return schema
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]))
  if ('properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false
  return copy
}

/**
 * Holds responses against the service's own OpenAPI document: the operation is found by method
 * and path template, the response by status (or its class, `4XX`), and the body must validate
 * against the schema documented for it. Throws, naming what differs. Paths the document does not
 * describe (the docs, the document itself, unknown routes) are not checked here.
 */
export function openApiConformance(doc: OpenApiDocument): (response: ObservedResponse) => void {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addFormat('redirect-uri', true)
  const routes = Object.entries(doc.paths).map(([template, operations]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    operations
  }))
  const compiled = new Map<object, ValidateFunction>()

  return (response) => {
    const path = response.url.split('?')[0]!
    const route = routes.find((r) => r.pattern.test(path))
    const method = response.method.toLowerCase()
    const operation = route?.operations[method]
    if (!route || !operation || method === 'head') return
    const status = String(response.statusCode)
    const documented = operation.responses?.[status] ?? operation.responses?.[`${status[0]}XX`]
    const where = `${response.method} ${route.template} → ${status}`
    if (!documented) throw new Error(`${where} is not documented in the OpenAPI document`)
    if (!documented.content || response.body === '') return
    const contentType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim()
    const media = documented.content[contentType]
    if (!media) throw new Error(`${where}: content type ${contentType} is not documented`)
    let validate = compiled.get(media.schema)
    if (!validate) {
      validate = ajv.compile(closed(inlined(media.schema, doc.components?.schemas ?? {})) as object)
      compiled.set(media.schema, validate)
    }
    const body: unknown = JSON.parse(response.body)
    if (!validate(body)) {
      throw new Error(`${where}: the body does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${response.body}`)
    }
  }
}
