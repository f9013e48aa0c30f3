export * from './client.js'
export { HeldForApproval } from './held.js'
export { type FieldError, type Problem, type ProblemCode, ProblemError } from './problem.js'
export { type RetryOptions, retryAfterMs } from './retry.js'
export {
  type AuthorizeUrlOptions,
  buildVippsAuthorizeUrl,
  createPkcePair,
  VIPPS_BASE_URLS,
  VIPPS_DISCOVERY_PATH,
  type VippsLoginConfig,
  vippsDiscoveryUrl,
  vippsIssuer
} from './vipps.js'
export type { components, operations, paths } from './openapi.js'
