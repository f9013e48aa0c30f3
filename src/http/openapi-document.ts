/**
 * Finishing touches on the generated OpenAPI document, so generators can trust it:
 * every schema with a `title` becomes a named component (`#/components/schemas/<title>`)
 * wherever it appears, and every response documents its `X-Request-Id`. The route schemas
 * themselves stay inline, as Fastify validates and serializes with them.
 */

type Json = unknown
type JsonObject = Record<string, Json>

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Replaces each titled schema by a $ref to its component; one title, one schema (or it throws). */
export function hoistTitledSchemas(document: JsonObject): JsonObject {
  const components = (document.components ??= {}) as JsonObject
  const schemas = (components.schemas ??= {}) as JsonObject
  const seen = new Map<string, string>()

  const visit = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(visit)
    if (!isObject(value)) return value
    const copy: JsonObject = {}
    for (const [key, child] of Object.entries(value)) copy[key] = visit(child)
    const title = copy.title
    if (typeof title !== 'string' || !isSchema(copy)) return copy
    // A default belongs to where the schema is used (a create's field), not to the schema.
    const { default: defaultValue, ...component } = copy
    const shape = JSON.stringify(component, (key, v: Json) => (ANNOTATIONS.has(key) ? undefined : v))
    const earlier = seen.get(title)
    if (earlier !== undefined && earlier !== shape) throw new Error(`two different schemas are titled ${title}`)
    seen.set(title, shape)
    // Where a use lost some annotations (a query parameter's description moves to the parameter), keep the fuller one.
    if (Object.keys(component).length >= Object.keys((schemas[title] ?? {}) as JsonObject).length) schemas[title] = component
    return { $ref: `#/components/schemas/${title}`, ...(defaultValue === undefined ? {} : { default: defaultValue }) }
  }

  document.paths = visit(document.paths)
  return document
}

/** Keywords that explain a schema without changing what it accepts. */
const ANNOTATIONS = new Set(['description', 'examples', 'default'])

function isSchema(value: JsonObject): boolean {
  return 'type' in value || 'properties' in value || 'enum' in value || 'anyOf' in value || 'oneOf' in value
}

const REQUEST_ID_HEADER = {
  description: 'The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem',
  schema: { type: 'string' }
}

/** Every response carries X-Request-Id. */
export function documentRequestIds(document: JsonObject): JsonObject {
  for (const operations of Object.values((document.paths ?? {}) as JsonObject)) {
    if (!isObject(operations)) continue
    for (const operation of Object.values(operations)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue
      for (const response of Object.values(operation.responses)) {
        if (!isObject(response)) continue
        const headers = (response.headers ??= {}) as JsonObject
        headers['X-Request-Id'] = REQUEST_ID_HEADER
      }
    }
  }
  return document
}
