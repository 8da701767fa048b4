import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, generateJwtKeyPair, loadJwtKeys } from '../../src/index.js'

describe('loadJwtKeys', () => {
  const dirs: string[] = []
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))))

  it('generates a development key pair at first start, keeps it private, and reuses it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keys-'))
    dirs.push(dir)
    const file = path.join(dir, 'keys', 'jwt-dev.json')
    const [first, racing] = await Promise.all([
      loadJwtKeys({ developmentKeyFile: file }),
      loadJwtKeys({ developmentKeyFile: file }),
    ])
    expect(first.signing?.kid).toMatch(/^dev-/)
    expect(racing.signing?.kid).toBe(first.signing?.kid)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const again = await loadJwtKeys({ developmentKeyFile: file })
    expect(again.publicKeys).toEqual(first.publicKeys)
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('d')
  })

  it('gives auth a signing key even when public keys of rotated-out keys are listed too', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keys-'))
    dirs.push(dir)
    const old = await generateJwtKeyPair('old')
    const keys = await loadJwtKeys({
      publicKeys: JSON.stringify([old.publicJwk]),
      developmentKeyFile: path.join(dir, 'jwt.json'),
      forSigning: true,
    })
    expect(keys.signing).toBeDefined()
    expect(keys.publicKeys.map((key) => key.kid)).toEqual([keys.signing!.kid, 'old'])
    await expect(
      loadJwtKeys({ publicKeys: JSON.stringify([old.publicJwk]), forSigning: true }),
    ).rejects.toThrow(/JWT_PRIVATE_KEY: is required/)
  })

  it('holds only public keys when given only public keys, several for rotation', async () => {
    const [current, previous] = await Promise.all([generateJwtKeyPair('k2'), generateJwtKeyPair('k1')])
    const keys = await loadJwtKeys({
      publicKeys: JSON.stringify({ keys: [current.publicJwk, previous.publicJwk] }),
    })
    expect(keys.signing).toBeUndefined()
    expect(keys.publicKeys.map((key) => key.kid)).toEqual(['k2', 'k1'])
    expect(keys.publicKeys.every((key) => !('d' in key))).toBe(true)
  })

  it('stops boot with the variable named when keys are missing or malformed', async () => {
    await expect(loadJwtKeys({})).rejects.toThrow(ConfigError)
    await expect(loadJwtKeys({})).rejects.toThrow(/JWT_PUBLIC_KEYS/)
    await expect(loadJwtKeys({ privateKey: 'nope' })).rejects.toThrow(/JWT_PRIVATE_KEY: is not valid JSON/)
    const { publicJwk } = await generateJwtKeyPair()
    await expect(loadJwtKeys({ privateKey: JSON.stringify(publicJwk) })).rejects.toThrow(
      /Ed25519 private JWK/,
    )
  })
})
