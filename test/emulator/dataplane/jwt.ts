/**
 * RS256 JSON Web Tokens and the emulator's own signing keys, one pair per user pool and token type
 * (Cognito signs access and ID tokens with different keys, so their `kid` differ: "Amazon Cognito
 * signs access tokens with a different key than it uses to sign ID tokens"
 * — docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
 * Keys live only in memory and never leave the process.
 */
import { createHash, createPublicKey, createSign, createVerify, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const genKeyPair = promisify(generateKeyPair);

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JsonWebKey & { kid: string; alg: 'RS256'; use: 'sig'; kty: 'RSA' };
}

const b64url = (v: Buffer | string) => Buffer.from(v).toString('base64url');

export class KeyRing {
  private pools = new Map<string, Promise<{ access: SigningKey; id: SigningKey }>>();

  /** The pool's two signing keys, created on first use. */
  keys(poolId: string): Promise<{ access: SigningKey; id: SigningKey }> {
    let p = this.pools.get(poolId);
    if (!p) {
      p = Promise.all([newKey(), newKey()]).then(([access, id]) => ({ access, id }));
      this.pools.set(poolId, p);
    }
    return p;
  }

  /** The JWKS document of `/<poolId>/.well-known/jwks.json`: `{keys: [...]}` with alg, e, kid, kty, n, use. */
  async jwks(poolId: string): Promise<{ keys: SigningKey['jwk'][] }> {
    const k = await this.keys(poolId);
    return { keys: [k.id.jwk, k.access.jwk] };
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await genKeyPair('rsa', { modulusLength: 2048 });
  const pub = publicKey.export({ format: 'jwk' });
  // Cognito kids are base64 strings (for example "vyVQH7UMjwYboVvyFf+zd4KHZfgc+RtmU/A2vHhgITI="); a hash of the modulus looks alike.
  const kid = createHash('sha256').update(String(pub.n)).digest('base64');
  return { kid, privateKey, jwk: { alg: 'RS256', e: String(pub.e), kid, kty: 'RSA', n: String(pub.n), use: 'sig' } };
}

export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const head = b64url(JSON.stringify({ kid: key.kid, alg: 'RS256' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key.privateKey);
  return `${head}.${body}.${b64url(sig)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; undefined when it is not one. Does not verify. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
    return { header: header as Record<string, unknown>, claims: claims as Record<string, unknown>, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

/** True when the token is RS256-signed by the key of the JWKS whose kid it names. */
export function verifySignature(jwt: DecodedJwt, jwks: { keys: JsonWebKey[] }): boolean {
  if (jwt.header.alg !== 'RS256') return false;
  const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === jwt.header.kid);
  if (!jwk) return false;
  try {
    return createVerify('RSA-SHA256').update(jwt.signingInput).verify(createPublicKey({ key: jwk, format: 'jwk' }), jwt.signature);
  } catch {
    return false;
  }
}
