import { errorRegistry, type ErrorCode } from './registry.js'

/** One entry of the `{ errors: [...] }` body every service answers with. */
export interface ErrorItem {
  message: string
  field?: string
}

export interface AppErrorOptions {
  message?: string
  field?: string
  cause?: unknown
  /** Response headers that belong with the error, such as `Retry-After` on 429. */
  headers?: Readonly<Record<string, string>>
}

/**
 * An error we expect and can explain to the caller: its code is registered, so its status and default message
 * come from the registry. Anything thrown that is not an AppError is answered as 500 INTERNAL.
 */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  readonly items: readonly ErrorItem[]
  readonly headers: Readonly<Record<string, string>>

  constructor(code: ErrorCode, options: AppErrorOptions & { items?: readonly ErrorItem[] } = {}) {
    const spec = errorRegistry[code]
    const message = options.message ?? spec.message
    // A refusal (4xx) is an answer, not a fault: its stack would never be read, and capturing one costs more
    // than the rest of a refusal (a thousand losers of an on-sale race each get one).
    const stackTraceLimit = Error.stackTraceLimit
    if (spec.status < 500) Error.stackTraceLimit = 0
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    Error.stackTraceLimit = stackTraceLimit
    this.name = new.target.name
    this.code = code
    this.statusCode = spec.status
    this.headers = options.headers ?? {}
    this.items = options.items ?? [
      options.field === undefined ? { message } : { message, field: options.field },
    ]
  }
}

/**
 * Makes an error class bound to one registered code:
 * `export class TicketReservedError extends defineError('TICKET_RESERVED') {}`.
 */
export function defineError<C extends ErrorCode>(code: C) {
  return class extends AppError {
    static readonly code: C = code
    constructor(options?: AppErrorOptions) {
      super(code, options)
    }
  }
}

export class ValidationError extends AppError {
  /** One or more invalid fields, reported together so a form can show every message at once. */
  constructor(items: readonly ErrorItem[]) {
    super('VALIDATION_FAILED', { message: items[0]?.message, items })
  }
}

export class NotFoundError extends defineError('NOT_FOUND') {}
export class NotSignedInError extends defineError('NOT_SIGNED_IN') {}
export class ForbiddenError extends defineError('FORBIDDEN') {}
export class ConflictError extends defineError('CONFLICT') {}
