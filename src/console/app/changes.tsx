import { show } from './ui'

/**
 * A change, field by field: `field: from → to` (the old value struck through). One way to show a
 * diff everywhere: the history, the 412 view (someone else's change and mine), change requests.
 */
export function ChangeList({ changes }: { changes: Record<string, { from: unknown; to: unknown }> }) {
  return (
    <ul class="changes">
      {Object.entries(changes).map(([field, change]) => (
        <li key={field}>
          <code>{field}</code>: <span class="from">{show(change.from)}</span> → <span class="to">{show(change.to)}</span>
        </li>
      ))}
    </ul>
  )
}
