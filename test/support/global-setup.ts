import type { TestProject } from 'vitest/node'
import { type EmbeddedServer, startEmbeddedPostgres } from './postgres.js'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string
  }
}

/**
 * PostgreSQL for the suite: TEST_DATABASE_URL when set (a server that is already running),
 * otherwise a throw-away embedded server, so `npm test` needs nothing installed by hand.
 * TEST_STORES (default `sqlite,postgres`) narrows the stores every API test runs against.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined
  let url = process.env.TEST_DATABASE_URL ?? ''
  const stores = (process.env.TEST_STORES ?? 'sqlite,postgres').split(',')
  if (!url && stores.includes('postgres')) {
    embedded = await startEmbeddedPostgres()
    url = embedded.url
  }
  project.provide('postgresAdminUrl', url)
  return async () => {
    await embedded?.destroy()
  }
}
