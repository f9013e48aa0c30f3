import { describe, expect, it } from 'vitest'
import { committedClientTypes, generateClientTypes } from './support/client-types.js'

describe('packages/client/src/openapi.ts', () => {
  it('is what openapi-typescript makes of the live /openapi.json today (else: npm run generate:client)', async () => {
    expect(committedClientTypes() === (await generateClientTypes()), 'the generated client types are stale: run `npm run generate:client`').toBe(true)
  })
})
