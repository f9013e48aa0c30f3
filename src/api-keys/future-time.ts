const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i

/** Whether the date part names a real day (Date.parse turns February 30 into March 2). */
function realDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Why a value is not an RFC 3339 time in the future, or undefined when it is (a validator format). */
export function futureTimeError(value: string, now: number = Date.now()): string | undefined {
  const match = RFC3339.exec(value)
  const at = match && realDay(Number(match[1]), Number(match[2]), Number(match[3])) ? Date.parse(value) : NaN
  if (Number.isNaN(at)) return 'must be an RFC 3339 time such as 2027-01-31T12:00:00Z'
  if (at <= now) return 'must be in the future'
  return undefined
}
