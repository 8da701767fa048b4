import { defineError } from '@ticketing/common'

export class EmailInUseError extends defineError('EMAIL_IN_USE') {}
export class InvalidCredentialsError extends defineError('INVALID_CREDENTIALS') {}
export class UserBannedError extends defineError('USER_BANNED') {}
export class CannotBanSelfError extends defineError('CANNOT_BAN_SELF') {}
