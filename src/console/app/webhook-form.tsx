import { EVENT_TYPES, type EventType } from './api'
import { Field } from './ui'

/** What a person sets on a webhook endpoint: the create and the edit form show the same fields. */
export interface EndpointValues {
  url: string
  description: string
  event_types: EventType[]
  enabled: boolean
}

/** The fields of an endpoint, each with its help and the server's error beside it. */
export function EndpointFields({
  values,
  onChange,
  errors
}: {
  values: EndpointValues
  onChange: (values: EndpointValues) => void
  errors: Record<string, string>
}) {
  const set = (changes: Partial<EndpointValues>) => onChange({ ...values, ...changes })
  return (
    <>
      <Field name="url" label="URL" help="Where changes are POSTed, signed (Standard Webhooks). https:// in production." error={errors.url}>
        {(attrs) => <input {...attrs} type="url" value={values.url} autoComplete="off" onInput={(e) => set({ url: e.currentTarget.value })} />}
      </Field>
      <Field name="description" label="Description" help="What this endpoint is for, for people (optional)." error={errors.description}>
        {(attrs) => (
          <input {...attrs} type="text" value={values.description} maxLength={500} onInput={(e) => set({ description: e.currentTarget.value })} />
        )}
      </Field>
      <fieldset class={`field${errors.event_types ? ' invalid' : ''}`} aria-describedby="event-types-help">
        <legend>Events</legend>
        <div class="checkboxes">
          {EVENT_TYPES.map((type) => (
            <label key={type} class="check">
              <input
                type="checkbox"
                checked={values.event_types.includes(type)}
                onChange={(e) => {
                  const checked = e.currentTarget.checked
                  set({ event_types: EVENT_TYPES.filter((t) => (t === type ? checked : values.event_types.includes(t))) })
                }}
              />
              {type}
            </label>
          ))}
        </div>
        <p class="help" id="event-types-help">
          Which changes are delivered: of organizations (vipps_org.*), and of their change requests (change_request.*: asked, approved,
          rejected, withdrawn; four eyes).
        </p>
        {errors.event_types ? <p class="field-error">{errors.event_types}</p> : null}
      </fieldset>
      <div class="field">
        <label class="check switch">
          <input type="checkbox" role="switch" checked={values.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
          Enabled
        </label>
      </div>
    </>
  )
}

/** Focuses the first field the server refused (after the form re-rendered with the errors). */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
}
