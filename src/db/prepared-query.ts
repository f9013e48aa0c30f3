import { type Compilable, CompiledQuery } from 'kysely'

/**
 * A query built and compiled by Kysely once, with named slots where the values go; each run only
 * fills the slots. A write path that runs the same few statements thousands of times a second
 * spends more building them (Kysely's operation trees, frozen at every step, then compiled) than
 * the database spends running them; compiled once, the SQL text is also the same string every
 * time, so the driver's statement cache finds it without hashing a new one.
 */
export class PreparedQuery<Slots extends string> {
  private constructor(
    private readonly sql: string,
    /** For each parameter of the compiled query: the slot it takes its value from, or its constant value. */
    private readonly parameters: readonly ({ slot: Slots } | { value: unknown })[]
  ) {}

  /**
   * `build` gets a `slot(name)` to put where a value goes (the whole value of a parameter, never
   * part of one); every other value in the query stays as it was built.
   */
  static of<Slots extends string>(build: (slot: (name: Slots) => unknown) => Compilable): PreparedQuery<Slots> {
    const marker = `\u0000slot:${Math.random().toString(36).slice(2)}:`
    const compiled = build((name) => `${marker}${name}`).compile()
    return new PreparedQuery<Slots>(
      compiled.sql,
      compiled.parameters.map((value) =>
        typeof value === 'string' && value.startsWith(marker) ? { slot: value.slice(marker.length) as Slots } : { value }
      )
    )
  }

  /** The query with these values in its slots, ready for `executeQuery`. */
  with(values: Record<Slots, unknown>): CompiledQuery {
    return CompiledQuery.raw(
      this.sql,
      this.parameters.map((parameter) => ('slot' in parameter ? values[parameter.slot] : parameter.value))
    )
  }
}
