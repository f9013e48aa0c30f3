import Type from 'typebox'

export const SignInQuery = Type.Object(
  {
    return_to: Type.Optional(
      Type.String({
        maxLength: 2048,
        description: 'A path of this service to land on once signed in (default /console/); anything off this origin is ignored'
      })
    )
  },
  { additionalProperties: true }
)

/** The callback's parameters are the issuer's (code, state, iss, error…): read by openid-client, not here. */
export const CallbackQuery = Type.Object({}, { additionalProperties: true })

export const SignedOut = Type.Object(
  {
    end_session_url: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
      description: 'Where to send the browser to end the session at the identity provider too; null when it offers no such thing (or no session was live)'
    })
  },
  { title: 'SignedOut', description: 'The session has ended on every instance' }
)

/** A 302 to the issuer, or back to the service. */
export const redirectResponse = (description: string) => ({
  type: 'null',
  description,
  headers: { Location: { type: 'string', description: 'Where the browser goes next' } }
})
