/**
 * `npm run openapi`: writes each service's OpenAPI document to docs/openapi and the client's API types to
 * apps/client/src/api/generated, from the route schemas, without any server running.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { committedContent, generatedFiles, repositoryRoot } from './generate.js'

const files = await generatedFiles()
for (const file of files) {
  if ((await committedContent(file.path)) === file.content) continue
  const target = path.join(repositoryRoot, file.path)
  await mkdir(path.dirname(target), { recursive: true })
  await writeFile(target, file.content)
  process.stdout.write(`wrote ${file.path}\n`)
}
process.stdout.write(`${files.length} files up to date\n`)
// The apps built to describe themselves leave nothing open, but a timer of a library might: end here.
process.exit(0)
