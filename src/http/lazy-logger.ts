import type { FastifyBaseLogger } from 'fastify'

type Bindings = Record<string, unknown>
type LogFn = (...args: unknown[]) => void
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const
type Level = (typeof LEVELS)[number]
/** Fastify's logger is pino's: these two it has, though FastifyBaseLogger does not say so. */
type PinoLogger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean; bindings(): Bindings }

/**
 * A request's logger that becomes a real pino child (with the request id bound) only when
 * something is logged at an enabled level. Fastify makes one child per request; at the usual
 * production level most requests log nothing, and the child (an object, its bindings
 * serialized) was a cost of every hot read.
 */
class LazyChildLogger {
  private real: PinoLogger | undefined

  constructor(
    private readonly parent: PinoLogger,
    private readonly bindingsOf: Bindings,
    private readonly options: object
  ) {}

  private logger(): PinoLogger {
    return (this.real ??= this.parent.child(this.bindingsOf, this.options) as PinoLogger)
  }

  get level(): string {
    return this.real ? this.real.level : this.parent.level
  }

  set level(level: string) {
    this.logger().level = level
  }

  isLevelEnabled(level: string): boolean {
    return (this.real ?? this.parent).isLevelEnabled(level)
  }

  child(bindings: Bindings, options?: object): FastifyBaseLogger {
    return this.logger().child(bindings, options)
  }

  bindings(): Bindings {
    return this.real ? this.real.bindings() : { ...this.parent.bindings(), ...this.bindingsOf }
  }

  silent(): void {}

  declare fatal: LogFn
  declare error: LogFn
  declare warn: LogFn
  declare info: LogFn
  declare debug: LogFn
  declare trace: LogFn
}

for (const level of LEVELS) {
  Object.defineProperty(LazyChildLogger.prototype, level, {
    value: function (this: LazyChildLogger, ...args: unknown[]) {
      if (!this.isLevelEnabled(level)) return
      ;(this as unknown as { logger(): Record<Level, LogFn> }).logger()[level](...args)
    }
  })
}

/**
 * Fastify's childLoggerFactory: lazy unless the route asks for its own level or serializers, or
 * the logger is not pino (logging off: Fastify's null logger is its own child).
 */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: object): FastifyBaseLogger {
  if (typeof (logger as Partial<PinoLogger>).isLevelEnabled !== 'function' || Object.keys(options).length > 0) {
    return logger.child(bindings, options)
  }
  return new LazyChildLogger(logger as PinoLogger, bindings, options) as unknown as FastifyBaseLogger
}
