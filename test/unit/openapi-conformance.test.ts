import { describe, expect, it } from 'vitest'
import { openApiConformance } from '../support/openapi-conformance.js'

/** The check every API test's responses go through must itself be able to fail. */
describe('openApiConformance', () => {
  const doc = {
    paths: {
      '/things/{id}': {
        get: {
          responses: {
            '200': {
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, on: { type: 'boolean' } } }
                }
              }
            },
            '4XX': { content: { 'application/problem+json': { schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } } } }
          }
        }
      }
    }
  }
  const check = openApiConformance(doc)
  const response = (statusCode: number, body: unknown, type = 'application/json') => ({
    method: 'GET',
    url: '/things/a1?x=1',
    statusCode,
    headers: { 'content-type': `${type}; charset=utf-8` },
    body: JSON.stringify(body)
  })

  it('passes a response as documented', () => {
    check(response(200, { id: 'a1', on: true }))
    check(response(404, { code: 'not_found' }, 'application/problem+json'))
  })

  it('fails a wrong type, a missing field and an undocumented field', () => {
    expect(() => check(response(200, { id: 1 }))).toThrow(/does not match/)
    expect(() => check(response(200, { on: true }))).toThrow(/does not match/)
    expect(() => check(response(200, { id: 'a1', secret: 'x' }))).toThrow(/does not match/)
  })

  it('fails an undocumented status and an undocumented content type', () => {
    expect(() => check(response(500, { code: 'x' }))).toThrow(/not documented/)
    expect(() => check(response(404, { code: 'x' }, 'text/html'))).toThrow(/content type/)
  })
})
