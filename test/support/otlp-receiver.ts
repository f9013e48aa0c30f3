import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import protobuf from 'protobufjs'

/** One span as the exporter sent it: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** '' for a root span. */
  parentSpanId: string
  name: string
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unspecified'
  attributes: Record<string, unknown>
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[]
  status: { code: number; message: string }
  /** The resource's attributes (service.name, service.instance.id, …). */
  resource: Record<string, unknown>
}

const requestType = protobuf
  .loadSync(fileURLToPath(new URL('./otlp/trace.proto', import.meta.url)))
  .lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest')

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const

type Any = { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number; arrayValue?: { values?: Any[] }; bytesValue?: Uint8Array }
type KeyValue = { key: string; value?: Any }

function valueOf(any: Any | undefined): unknown {
  if (!any) return undefined
  if (any.stringValue !== undefined) return any.stringValue
  if (any.boolValue !== undefined) return any.boolValue
  if (any.intValue !== undefined) return Number(any.intValue)
  if (any.doubleValue !== undefined) return any.doubleValue
  if (any.arrayValue) return (any.arrayValue.values ?? []).map(valueOf)
  if (any.bytesValue) return Buffer.from(any.bytesValue).toString('hex')
  return undefined
}

const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]))
const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : '')

/** Decodes one ExportTraceServiceRequest (protobuf) into its spans. */
export function decodeExport(body: Buffer): ReceivedSpan[] {
  const message = requestType.toObject(requestType.decode(body), { longs: String, enums: Number, defaults: false }) as {
    resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: Record<string, any>[] }[] }[]
  }
  const spans: ReceivedSpan[] = []
  for (const resourceSpans of message.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes)
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          kind: KINDS[span.kind ?? 0] ?? 'unspecified',
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map((link: Record<string, any>) => ({ traceId: hex(link.traceId), spanId: hex(link.spanId), attributes: attributesOf(link.attributes) })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
          resource
        })
      }
    }
  }
  return spans
}

/**
 * A real OTLP/HTTP receiver, as a collector would be: POST /v1/traces with a protobuf
 * ExportTraceServiceRequest (gzip or not), decoded and kept; answers 200 with an empty
 * ExportTraceServiceResponse. Anything else is a 404 and counted as a stray request.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = []
  const contentTypes: string[] = []
  let strays = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        strays++
        res.writeHead(404).end()
        return
      }
      let body = Buffer.concat(chunks)
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      contentTypes.push(String(req.headers['content-type']))
      spans.push(...decodeExport(body))
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    get strays() {
      return strays
    },
    /** Waits until a span matching `test` has come (polling; fails after `timeoutMs`). */
    async waitFor(test: (span: ReceivedSpan) => boolean, what: string, timeoutMs = 10_000): Promise<ReceivedSpan> {
      const until = Date.now() + timeoutMs
      for (;;) {
        const found = spans.find(test)
        if (found) return found
        if (Date.now() > until) throw new Error(`no span ${what} within ${timeoutMs} ms; received: ${spans.map((s) => s.name).join(', ') || 'none'}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

export type OtlpReceiver = Awaited<ReturnType<typeof startOtlpReceiver>>
