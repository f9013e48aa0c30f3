/**
 * The layers of src/, checked by `npm test` (`npm run check:layers`). Imports go downward only:
 *   ground    src/config.ts, src/clock.ts
 *   generic   src/db/, src/http/          (know no feature)
 *   features  src/orgs/ < src/change-requests/ < src/events/ < src/webhooks/; src/api-keys/ (on orgs' field rules); src/console/, src/metrics/
 *   wiring    src/app.ts, then src/server.ts
 *   packages  packages/client (stands alone), packages/cli (on the client only): no server code
 * Type-only imports count: they are the same coupling.
 */
const FEATURES = '^src/(orgs|change-requests|events|webhooks|api-keys|people|console|metrics)/'

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles anywhere in src/, type imports included.',
      from: { path: '^src/' },
      to: { circular: true }
    },
    {
      name: 'ground-stays-ground',
      severity: 'error',
      comment: 'config.ts and clock.ts import nothing else of the project.',
      from: { path: '^src/(config|clock)\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(config|clock)\\.ts$' }
    },
    {
      name: 'generic-layers-know-no-feature',
      severity: 'error',
      comment: 'src/db and src/http are below every feature: a feature builds on them, never the reverse.',
      from: { path: '^src/(db|http)/' },
      to: { path: [FEATURES, '^src/(app|server)\\.ts$'] }
    },
    {
      name: 'db-below-http',
      severity: 'error',
      comment: 'src/db knows nothing of HTTP.',
      from: { path: '^src/db/' },
      to: { path: '^src/http/' }
    },
    {
      name: 'features-do-not-wire',
      severity: 'error',
      comment: 'Only app.ts wires features; only server.ts starts the app.',
      from: { path: FEATURES },
      to: { path: '^src/(app|server)\\.ts$' }
    },
    {
      name: 'orgs-is-the-lowest-feature',
      severity: 'error',
      from: { path: '^src/orgs/' },
      to: { path: '^src/(change-requests|events|webhooks|api-keys|console|metrics)/' }
    },
    {
      name: 'change-requests-on-orgs',
      severity: 'error',
      comment: 'Four eyes builds on orgs (its write gate); the feed and webhooks build on it.',
      from: { path: '^src/change-requests/' },
      to: { path: '^src/(events|webhooks|api-keys|console|metrics|people)/' }
    },
    {
      name: 'events-below-webhooks',
      severity: 'error',
      from: { path: '^src/events/' },
      to: { path: '^src/(webhooks|api-keys|console|metrics)/' }
    },
    {
      name: 'webhooks-above-events',
      severity: 'error',
      from: { path: '^src/webhooks/' },
      to: { path: '^src/(api-keys|console|metrics)/' }
    },
    {
      name: 'api-keys-beside-the-feed',
      severity: 'error',
      comment: 'API keys build on the access layer and org ids only: no feed, webhooks, console or metrics.',
      from: { path: '^src/api-keys/' },
      to: { path: '^src/(change-requests|events|webhooks|console|metrics)/' }
    },
    {
      name: 'app-is-not-imported',
      severity: 'error',
      comment: 'server.ts is the entry point; app.ts is imported by server.ts (and tests) only.',
      from: { path: '^src/', pathNot: '^src/server\\.ts$' },
      to: { path: '^src/(app|server)\\.ts$' }
    },
    {
      name: 'src-stands-alone',
      severity: 'error',
      comment: 'The service never imports its tests, benchmarks or tools.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' }
    },
    {
      name: 'client-stands-alone',
      severity: 'error',
      comment: 'The typed client is installed without the server: it imports nothing of src/, the tests or the CLI.',
      from: { path: '^packages/client/' },
      to: { path: '^(src|test|bench|tools|packages/cli)/' }
    },
    {
      name: 'cli-builds-on-the-client',
      severity: 'error',
      comment: 'The CLI talks to the service through the client only, never through server code.',
      from: { path: '^packages/cli/' },
      to: { path: '^(src|test|bench|tools)/' }
    },
    {
      name: 'service-does-not-use-the-cli',
      severity: 'error',
      from: { path: '^(src|packages/client)/' },
      to: { path: '^packages/cli/' }
    },
    {
      name: 'benchmarks-share-only-support',
      severity: 'error',
      comment: 'What tests and benchmarks share lives in test/support; a benchmark imports no test.',
      from: { path: '^bench/' },
      to: { path: '^test/', pathNot: '^test/support/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    exclude: { path: ['(^|/)node_modules/', '^packages/[^/]+/dist/'] }
  }
}
