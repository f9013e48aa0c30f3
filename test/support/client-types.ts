import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

/** The typed client's generated types: committed, and checked against the live document by `npm test`. */
export const CLIENT_TYPES_FILE = join(import.meta.dirname, '..', '..', 'packages', 'client', 'src', 'openapi.ts')

const HEADER = `/**
 * Generated from the service's OpenAPI document (GET /openapi.json) by openapi-typescript.
 * Do not edit: run \`npm run generate:client\`. \`npm test\` fails when this file is stale.
 */

`

/** Builds the app (in memory, no port), reads its `/openapi.json` and turns it into TypeScript. */
export async function generateClientTypes(): Promise<string> {
  // People's sign-in configured (never reached: discovery waits for a sign-in), so /auth/* is in the document.
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    OIDC_ISSUER: 'https://issuer.example.com',
    OIDC_CLIENT_ID: 'vipps-orgs',
    PUBLIC_URL: 'https://orgs.example.com'
  })
  const app = await buildApp(config, { logger: false })
  let document: unknown
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`)
    document = res.json()
  } finally {
    await app.close()
  }
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: false, defaultNonNullable: false })
  return HEADER + astToString(ast)
}

export function committedClientTypes(): string {
  return readFileSync(CLIENT_TYPES_FILE, 'utf8')
}

// `npm run generate:client`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(CLIENT_TYPES_FILE, await generateClientTypes())
  console.log(`wrote ${CLIENT_TYPES_FILE}`)
}
