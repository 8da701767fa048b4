/**
 * The `boundaries/imports` rule: which workspace may import which (docs/architecture.md).
 * A local rule with no dependency, because eslint-plugin-boundaries, or eslint-plugin-import-x with a
 * TypeScript resolver, was judged too heavy for what comes down to comparing folder names.
 *
 * A path belongs to an area: `services/<name>`, `apps/<name>`, `tools/<name>`, `tests/<name>`,
 * `packages/<name>` or `bench`. Anything else (the root's config files, docs/) is in no area and is
 * unrestricted. A relative specifier is resolved against the importing file (on paper only, not on disk); a
 * `@ticketing/<name>` specifier is looked up in the workspaces of the root package.json. npm packages are in
 * no area, so they are always allowed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

// This file lives at tools/eslint/boundaries.js.
const repoRoot = path.resolve(import.meta.dirname, '../..')

const AREA_KINDS = new Set(['services', 'apps', 'tools', 'tests', 'packages'])

/**
 * Whether `file` is below `folder` (both absolute).
 * @param {string} folder
 * @param {string} file
 */
const isInside = (folder, file) => {
  const relative = path.relative(folder, file)
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  )
}

/**
 * The area of an absolute path, such as `services/orders`, or null outside every area.
 * @param {string} absolutePath
 * @returns {string | null}
 */
export function areaOf(absolutePath) {
  if (!isInside(repoRoot, absolutePath)) return null
  const [kind, name] = path.relative(repoRoot, absolutePath).split(path.sep)
  if (kind === 'bench') return 'bench'
  if (kind && AREA_KINDS.has(kind) && name) return `${kind}/${name}`
  return null
}

/** @param {string} file */
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** @type {Map<string, string> | undefined} */
let packageAreas

/**
 * Workspace package name → area (`@ticketing/orders` → `services/orders`), read once from the workspaces listed
 * in the root package.json and their package.json files.
 * @returns {Map<string, string>}
 */
export function workspacePackageAreas() {
  if (packageAreas) return packageAreas
  packageAreas = new Map()
  /** @type {string[]} */
  const patterns = readJson(path.join(repoRoot, 'package.json')).workspaces ?? []
  for (const pattern of patterns) {
    /** @type {string[]} */
    let folders
    if (pattern.endsWith('/*') && !pattern.slice(0, -2).includes('*')) {
      const parent = path.join(repoRoot, pattern.slice(0, -2))
      folders = readdirSync(parent, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => path.join(parent, entry.name))
    } else if (!pattern.includes('*')) {
      folders = [path.join(repoRoot, pattern)]
    } else {
      // Better to fail loudly than to leave a package's name unmapped, and its imports unchecked.
      throw new Error(
        `boundaries: workspace pattern "${pattern}" is not understood (only "dir" and "dir/*" are)`,
      )
    }
    for (const folder of folders) {
      const manifest = path.join(folder, 'package.json')
      const area = areaOf(folder)
      if (!existsSync(manifest) || !area) continue
      packageAreas.set(readJson(manifest).name, area)
    }
  }
  return packageAreas
}

/**
 * The area a specifier points into, or null (an npm package, a Node.js built-in, a path outside every area).
 * @param {string} specifier
 * @param {string} importer absolute path of the importing file
 * @returns {string | null}
 */
export function areaOfSpecifier(specifier, importer) {
  if (specifier.startsWith('.') || path.isAbsolute(specifier))
    return areaOf(path.resolve(path.dirname(importer), specifier))
  const [first = '', second = ''] = specifier.split('/')
  const packageName = first.startsWith('@') ? `${first}/${second}` : first
  return workspacePackageAreas().get(packageName) ?? null
}

const kindOf = (/** @type {string} */ area) => area.split('/')[0]

/**
 * Why `from` may not import `to`, or null when it may.
 * @param {string} from area of the importing file
 * @param {string} to area of the imported module
 * @param {string} importer absolute path of the importing file
 * @returns {string | null}
 */
export function forbiddenBecause(from, to, importer) {
  if (from === to) return null
  switch (kindOf(from)) {
    case 'services':
      if (kindOf(to) === 'services') return 'services talk through events (see docs/architecture.md)'
      if (to === 'packages/common' || to === 'packages/testing') return null
      return 'a service builds on @ticketing/common, @ticketing/testing and npm packages only'
    case 'packages':
      if (from === 'packages/common') {
        // The test kit builds on @ticketing/common; common's own tests may use it (a devDependency), its
        // sources may not.
        if (to === 'packages/testing')
          return isInside(path.join(repoRoot, 'packages/common/test'), importer)
            ? null
            : 'only its tests (packages/common/test) may use the test kit, which is built on it'
        return '@ticketing/common is what every workspace builds on: it imports npm packages only'
      }
      if (from === 'packages/testing' && ['services', 'apps', 'tools'].includes(kindOf(to)))
        return 'the test kit serves every workspace and builds on @ticketing/common only'
      return null
    case 'apps':
      if (kindOf(to) === 'services') return 'apps reach services over HTTP (see docs/architecture.md)'
      if (kindOf(to) === 'apps') return 'each app is built and run on its own'
      return null
    default:
      // tests/*, bench and tools/* wire services together and may import anything.
      return null
  }
}

/** @type {import('eslint').Rule.RuleModule} */
const importsRule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Keep imports within the boundaries between workspaces set by docs/architecture.md',
    },
    schema: [],
    messages: { forbidden: '{{from}} may not import {{to}}: {{reason}}' },
  },
  create(context) {
    const importer = context.physicalFilename
    const from = areaOf(importer)
    if (!from) return {}

    /** @param {any} node a module specifier: a string literal, or a template literal without expressions */
    const check = (node) => {
      let specifier
      if (node?.type === 'Literal' && typeof node.value === 'string') specifier = node.value
      else if (node?.type === 'TemplateLiteral' && node.expressions.length === 0)
        specifier = node.quasis[0].value.cooked
      if (typeof specifier !== 'string') return
      const to = areaOfSpecifier(specifier, importer)
      const reason = to && forbiddenBecause(from, to, importer)
      if (reason) context.report({ node, messageId: 'forbidden', data: { from, to, reason } })
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      'CallExpression[callee.type="Identifier"][callee.name="require"]': (node) => check(node.arguments[0]),
      // TypeScript only: `import x = require('…')` and `typeof import('…')`.
      TSImportEqualsDeclaration: (node) => check(node.moduleReference.expression),
      TSImportType: (node) => check(node.source ?? node.argument?.literal),
    }
  },
}

export default { meta: { name: 'boundaries' }, rules: { imports: importsRule } }
