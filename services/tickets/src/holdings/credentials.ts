import { loadJwtKeys, type JwtKeys } from '@ticketing/common'
import { importJWK, jwtVerify, SignJWT } from 'jose'
import type { Config } from '../config.js'

/** The JWS header type of an entry credential: a session token is never taken for one, nor one for it. */
const CREDENTIAL_TYPE = 'ticket-credential+jwt'

/** What a credential says: this member holds this ticket, in this holding (it changes hands: a new one). */
export interface CredentialClaims {
  ticketId: string
  holderId: string
  holding: number
}

/** tickets' own signing key for entry credentials (not auth's: auth signs sessions, tickets vouches for holders). */
export async function loadCredentialKeys(config: Config): Promise<JwtKeys> {
  return loadJwtKeys({
    privateKey: config.CREDENTIAL_PRIVATE_KEY,
    developmentKeyFile: config.NODE_ENV === 'production' ? undefined : config.CREDENTIAL_DEV_KEY_FILE,
    forSigning: true,
    privateKeyVariable: 'CREDENTIAL_PRIVATE_KEY',
  })
}

/** A compact EdDSA-signed token naming the ticket, its holder and the holding: what the QR code carries. */
export async function signCredential(keys: JwtKeys, claims: CredentialClaims): Promise<string> {
  const signing = keys.signing!
  return new SignJWT({ hid: claims.holderId, h: claims.holding })
    .setProtectedHeader({ alg: 'EdDSA', kid: signing.kid, typ: CREDENTIAL_TYPE })
    .setSubject(claims.ticketId)
    .setIssuedAt()
    .sign(signing.privateKey)
}

/** The claims of a credential we signed, or undefined for anything else (forged, altered, not ours, garbage). */
export async function readCredential(
  keys: JwtKeys,
  credential: string,
): Promise<CredentialClaims | undefined> {
  try {
    const { payload } = await jwtVerify(
      credential,
      async (header) => {
        const jwk = keys.publicKeys.find((key) => key.kid === header.kid)
        if (!jwk) throw new Error('unknown key')
        return importJWK(jwk, 'EdDSA')
      },
      { algorithms: ['EdDSA'], typ: CREDENTIAL_TYPE },
    )
    const { sub, hid, h } = payload
    if (typeof sub !== 'string' || typeof hid !== 'string' || typeof h !== 'number') return undefined
    return { ticketId: sub, holderId: hid, holding: h }
  } catch {
    return undefined
  }
}
