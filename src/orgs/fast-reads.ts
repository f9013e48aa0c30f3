import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AccessControl } from '../http/access/access-control.js'
import { orgScopeOf } from '../http/access/principal.js'
import { fastHead, type FastPaths } from '../http/fast-path.js'
import { noneMatchHits } from '../http/etag.js'
import type { OrgService } from './service.js'
import { fullBody, statusBody, VIEW_CACHE_CONTROL, VIEW_CONTENT_TYPE, type OrgView, type ViewBody } from './views.js'

/**
 * GET /:org_id and GET /:org_id/status of a config in the read cache, answered before Fastify
 * routes them (see FastPaths): the same status, headers and body as the routes in routes.ts
 * send for a cached view. A miss (not cached, a known miss, an id that needs decoding, a query
 * string, a trailing slash) goes to those routes; so does every request access cannot let
 * through at once (no right, a bad or unknown credential, an org outside the grant's list, a
 * credential only Fastify's hook resolves): the routes give those their 401, 403, 404 or 429.
 */
export function addFastReads(fastPaths: FastPaths, service: OrgService, basePath: string, access: AccessControl): void {
  const prefix = `${basePath}/`
  const STATUS = '/status'

  const answer = (req: IncomingMessage, res: ServerResponse, view: OrgView, bodyOf: ViewBody): true => {
    if (noneMatchHits(req.headers['if-none-match'], view.etag)) {
      res.writeHead(304, fastHead(req, 'etag', view.etag, 'cache-control', VIEW_CACHE_CONTROL)).end()
    } else {
      const body = bodyOf(view)
      const length = String(Buffer.byteLength(body))
      res
        .writeHead(200, fastHead(req, 'etag', view.etag, 'cache-control', VIEW_CACHE_CONTROL, 'content-type', VIEW_CONTENT_TYPE, 'content-length', length))
        .end(body)
    }
    return true
  }

  fastPaths.add(`${basePath}/:org_id/status`, (req, res) => {
    const url = req.url!
    if (!url.startsWith(prefix) || !url.endsWith(STATUS)) return false
    const principal = access.principalNow(req, 'orgs:read')
    if (!principal) return false
    // Cache keys are valid org ids: anything else (a "/", "%", "?") is simply not found here.
    const view = service.cachedLiveView(url.slice(prefix.length, -STATUS.length), orgScopeOf(principal))
    return view !== undefined && answer(req, res, view, statusBody)
  })
  fastPaths.add(`${basePath}/:org_id`, (req, res) => {
    const url = req.url!
    if (!url.startsWith(prefix)) return false
    const principal = access.principalNow(req, 'orgs:read')
    if (!principal) return false
    const view = service.cachedLiveView(url.slice(prefix.length), orgScopeOf(principal))
    return view !== undefined && answer(req, res, view, fullBody)
  })
}
