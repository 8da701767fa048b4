import type { ApiErrorItem } from './types'

export interface FormErrors {
  /** The first message for each field the form shows. */
  fields: Record<string, string>
  /** Everything else, shown at the top of the form. */
  form: string[]
}

/** Splits the API's errors between the fields this form has and the top of the form. */
export function splitErrors(errors: ApiErrorItem[], fields: readonly string[]): FormErrors {
  const result: FormErrors = { fields: {}, form: [] }
  for (const error of errors) {
    if (error.field && fields.includes(error.field)) result.fields[error.field] ??= error.message
    else result.form.push(error.message)
  }
  return result
}

export const NO_ERRORS: FormErrors = { fields: {}, form: [] }
