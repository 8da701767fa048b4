import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

/**
 * kubernetes-models' validators check types, required fields and enums, but let unknown fields through (as the
 * API server would, silently dropping them: a misspelt `readinessprobe` is no probe at all). This walks an
 * object along the interfaces of kubernetes-models' type declarations and names every field they do not
 * declare, the way `kubectl apply --validate=strict` would with a cluster at hand.
 */

interface Field {
  /** The declaration file of the field's interface, when it is one (not a string, number or map). */
  declaration?: string
}

const require = createRequire(import.meta.url)
const cache = new Map<string, Map<string, Field> | null>()

/** The fields of the first interface a declaration file exports, or null when it exports none (an alias). */
function fieldsOf(file: string): Map<string, Field> | null {
  if (cache.has(file)) return cache.get(file)!
  const text = existsSync(file) ? readFileSync(file, 'utf8') : ''
  const imports = new Map<string, string>()
  for (const match of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const [, name, specifier] = match as unknown as [string, string, string]
    imports.set(
      name,
      specifier.startsWith('.')
        ? path.resolve(path.dirname(file), `${specifier}.d.ts`)
        : require.resolve(specifier, { paths: [path.dirname(file)] }).replace(/\.js$/, '.d.ts'),
    )
  }
  const body = /^export interface I\w+(?: extends [\w, ]+)? \{\n([\s\S]*?)^\}/m.exec(text)?.[1]
  if (body === undefined) {
    cache.set(file, null)
    return null
  }
  const fields = new Map<string, Field>()
  for (const match of body.matchAll(/^ {4}"([^"]+)"\??: (.*)$/gm)) {
    const [, name, type] = match as unknown as [string, string, string]
    const reference = /^(?:Array<)?(I\w+)>?;$/.exec(type)?.[1]
    fields.set(name, { declaration: reference ? imports.get(reference) : undefined })
  }
  cache.set(file, fields)
  return fields
}

/** The declaration file of a kind's model, e.g. kubernetes-models/apps/v1/Deployment. */
export function declarationOf(apiVersion: string, kind: string): string | null {
  try {
    return require.resolve(`kubernetes-models/${apiVersion}/${kind}`).replace(/\.js$/, '.d.ts')
  } catch {
    return null
  }
}

/** Every field of `value` (at `where`) that the declaration does not have, as `where.field` paths. */
export function unknownFields(value: unknown, declaration: string, where = ''): string[] {
  const fields = fieldsOf(declaration)
  if (!fields || typeof value !== 'object' || value === null) return []
  const found: string[] = []
  for (const [name, child] of Object.entries(value)) {
    const at = where ? `${where}.${name}` : name
    const field = fields.get(name)
    if (!field) {
      found.push(at)
      continue
    }
    if (!field.declaration) continue
    const items: unknown[] = Array.isArray(child) ? child : [child]
    items.forEach((item, index) =>
      found.push(...unknownFields(item, field.declaration!, Array.isArray(child) ? `${at}[${index}]` : at)),
    )
  }
  return found
}
