/**
 * The name a member is shown by until they choose one, and by which every service can show any member without
 * asking auth: neutral, from the id, never from the email. auth's migration gave accounts from before display
 * names the same one.
 */
export function defaultDisplayName(userId: string): string {
  return `Member ${userId.replace(/-/g, '').slice(0, 4).toUpperCase()}`
}

export const DISPLAY_NAME_MIN = 2
export const DISPLAY_NAME_MAX = 40
