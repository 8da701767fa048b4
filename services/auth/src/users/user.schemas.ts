import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import {
  DISPLAY_NAME_MAX,
  DISPLAY_NAME_MIN,
  pageQuery,
  ValidationError,
  type ErrorItem,
} from '@ticketing/common'

export const Credentials = Type.Object({
  email: Type.String(),
  password: Type.String(),
})
export type Credentials = Static<typeof Credentials>

/** Sign-up: the credentials and, optionally, the name others will see (a neutral one otherwise). */
export const SignupBody = Type.Object({
  email: Type.String(),
  password: Type.String(),
  displayName: Type.Optional(Type.String({ title: 'Display name' })),
})
export type SignupBody = Static<typeof SignupBody>

export const ProfileBody = Type.Object({ displayName: Type.String({ title: 'Display name' }) })

export const PublicUser = Type.Object({ id: Type.String(), email: Type.String(), displayName: Type.String() })

const SignedInUser = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Type.String(),
  displayName: Type.String(),
})

export const CurrentUserResponse = Type.Object({ currentUser: Type.Union([SignedInUser, Type.Null()]) })
export const MeResponse = SignedInUser

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

/** The longest address SMTP can carry (RFC 5321's path limit less its angle brackets). */
const EMAIL_MAX_LENGTH = 254
const PASSWORD_MAX_LENGTH = 128
const validEmail = Compile(Type.String({ format: 'email' }))

function checkEmail(email: string, errors: ErrorItem[]): string {
  const normalized = normalizeEmail(email)
  if (normalized.length > EMAIL_MAX_LENGTH)
    errors.push({ field: 'email', message: `Email must be at most ${EMAIL_MAX_LENGTH} characters` })
  else if (!validEmail.Check(normalized))
    errors.push({ field: 'email', message: 'Email must be a valid email address' })
  return normalized
}

/** Emails are compared trimmed and lower-cased, and stored that way. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * A display name: 2–40 characters once trimmed, inner runs of spaces made one, and not an email address (a
 * name must never give one away). Pushes its error and returns undefined when broken.
 */
function checkDisplayName(displayName: string, errors: ErrorItem[]): string | undefined {
  const name = displayName.trim().replace(/\s+/g, ' ')
  const length = [...name].length
  if (length < DISPLAY_NAME_MIN || length > DISPLAY_NAME_MAX) {
    errors.push({
      field: 'displayName',
      message: `Display name must be ${DISPLAY_NAME_MIN} to ${DISPLAY_NAME_MAX} characters`,
    })
    return undefined
  }
  if (name.includes('@')) {
    errors.push({ field: 'displayName', message: 'Display name must not be an email address' })
    return undefined
  }
  return name
}

/** PUT /me: the new display name, checked. */
export function checkProfile({ displayName }: { displayName: string }): string {
  const errors: ErrorItem[] = []
  const name = checkDisplayName(displayName, errors)
  if (errors.length > 0) throw new ValidationError(errors)
  return name!
}

/**
 * The sign-up rules, every broken one reported at once: a valid email, a password of 8–128 characters, not
 * blank, and a display name if one is given.
 */
export function checkSignup({ email, password, displayName }: SignupBody): {
  email: string
  password: string
  displayName?: string
} {
  const errors: ErrorItem[] = []
  const normalized = checkEmail(email, errors)
  const length = [...password].length
  if (password.trim() === '') errors.push({ field: 'password', message: 'Password must not be blank' })
  else if (length < 8) errors.push({ field: 'password', message: 'Password must be at least 8 characters' })
  else if (length > PASSWORD_MAX_LENGTH)
    errors.push({ field: 'password', message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  const name = displayName === undefined ? undefined : checkDisplayName(displayName, errors)
  if (errors.length > 0) throw new ValidationError(errors)
  return { email: normalized, password, ...(name !== undefined && { displayName: name }) }
}

/**
 * What a sign-in must look like before it is tried: an address and a password that sign-up could have
 * accepted. These say nothing about any account, so they name their field (a wrong password does not).
 */
export function checkSignin({ email, password }: Credentials): { email: string; password: string } {
  const errors: ErrorItem[] = []
  const normalized = checkEmail(email, errors)
  if (password.trim() === '') errors.push({ field: 'password', message: 'Password must not be blank' })
  else if ([...password].length > PASSWORD_MAX_LENGTH)
    errors.push({ field: 'password', message: `Password must be at most ${PASSWORD_MAX_LENGTH} characters` })
  if (errors.length > 0) throw new ValidationError(errors)
  return { email: normalized, password }
}
