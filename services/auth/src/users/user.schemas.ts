import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { pageQuery, ValidationError, type ErrorItem } from '@ticketing/common'

export const Credentials = Type.Object({
  email: Type.String(),
  password: Type.String(),
})
export type Credentials = Static<typeof Credentials>

export const PublicUser = Type.Object({ id: Type.String(), email: Type.String() })

export const CurrentUserResponse = Type.Object({
  currentUser: Type.Union([
    Type.Object({ id: Type.String(), email: Type.String(), role: Type.String() }),
    Type.Null(),
  ]),
})

export const UserSummary = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  createdAt: Type.String(),
  bannedAt: Type.Union([Type.String(), Type.Null()]),
  banReason: Type.Union([Type.String(), Type.Null()]),
})
export type UserSummary = Static<typeof UserSummary>

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
export const BanBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) })
export const ListUsersQuery = Type.Object({ ...pageQuery })

const validEmail = Compile(Type.String({ format: 'email', maxLength: 254 }))

/** Emails are compared trimmed and lower-cased, and stored that way. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** The sign-up rules, every broken one reported at once: a valid email, a password of 8–128 characters, not blank. */
export function checkSignup({ email, password }: Credentials): { email: string; password: string } {
  const errors: ErrorItem[] = []
  const normalized = normalizeEmail(email)
  if (!validEmail.Check(normalized))
    errors.push({ field: 'email', message: 'Email must be a valid email address' })
  const length = [...password].length
  if (password.trim() === '') errors.push({ field: 'password', message: 'Password must not be blank' })
  else if (length < 8) errors.push({ field: 'password', message: 'Password must be at least 8 characters' })
  else if (length > 128)
    errors.push({ field: 'password', message: 'Password must be at most 128 characters' })
  if (errors.length > 0) throw new ValidationError(errors)
  return { email: normalized, password }
}
