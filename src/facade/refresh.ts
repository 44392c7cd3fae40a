/**
 * Sealed refresh tokens: only tokens obtained through the façade can be refreshed through it
 * (RFC 9700 §4.14.2). The façade holds the app client's secret and adds it when it calls Cognito;
 * a refresh token somebody obtained directly from Cognito with that secret (Copilot Studio's) must
 * not be usable by a public client without it. So the façade never hands out Cognito's refresh
 * token: it hands out a sealed one,
 *
 *   mcfr1.<base64url(iv ‖ AES-256-GCM(key, {k: Cognito's token, c: client hash, t, j}) ‖ tag)>
 *
 * with the key derived (HKDF-SHA256) from the façade's signing key, bound to the client_id that
 * obtained it (a hash of it is inside, and checked at /token). A raw Cognito refresh token, a
 * sealed token of another façade or another client, or one altered in any byte is invalid_grant,
 * and Cognito is never called.
 *
 * Rotation: every refresh answers a new sealed token (a new `j`, wrapping Cognito's new refresh
 * token when Cognito rotates, else the same one). A sealed token already used is refused while the
 * process remembers it (the last MAX_REMEMBERED uses). What this cannot see: another instance of a
 * deployed façade (Lambda runs several, each with its own memory) accepts a sealed token one
 * instance already used, until Cognito's own rotation (on the façade's client: the used Cognito
 * token stops working after its grace period) or its expiry refuses it. Tokens sealed by
 * `facade serve` stop working when it restarts (its signing key lives in memory): the client
 * signs in again.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { clientHash, nonce } from './signed.js';

const PREFIX = 'mcfr1.';
const INFO = 'mcp-cognito-facade/v1/refresh-token';
const MAX_REMEMBERED = 10_000;
const MAX_SEALED = 8192;

interface SealedPayload {
  /** Cognito's refresh token. */
  k: string;
  /** Hash of the client_id it was issued to. */
  c: string;
  /** Sealed at, milliseconds since the epoch. */
  t: number;
  /** This sealed token's id (for reuse detection). */
  j: string;
}

export type Unsealed = { ok: true; cognitoToken: string; id: string } | { ok: false; why: string };

/** Seals, unseals and remembers used sealed tokens for one façade handler. */
export class RefreshSeal {
  private readonly keys: Buffer[];
  private readonly used = new Map<string, true>();

  constructor(signingKeys: readonly Uint8Array[]) {
    this.keys = signingKeys.map((k) => Buffer.from(hkdfSync('sha256', k, Buffer.alloc(0), INFO, 32)));
  }

  seal(cognitoToken: string, clientId: string, now: number): string {
    const payload: SealedPayload = { k: cognitoToken, c: clientHash(clientId), t: now, j: nonce() };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0]!, iv);
    cipher.setAAD(Buffer.from(INFO));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** Opens a sealed token presented by `clientId`; refuses a raw token, another client's, or one already used. */
  unseal(token: string, clientId: string): Unsealed {
    if (!token.startsWith(PREFIX) || token.length > MAX_SEALED) return { ok: false, why: 'not a refresh token this façade issued' };
    const raw = Buffer.from(token.slice(PREFIX.length), 'base64url');
    if (raw.length < 12 + 16 + 2) return { ok: false, why: 'malformed refresh token' };
    let payload: SealedPayload | undefined;
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(INFO));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
        payload = JSON.parse(text) as SealedPayload;
        break;
      } catch {
        /* another key, or not ours */
      }
    }
    if (!payload || typeof payload.k !== 'string' || typeof payload.c !== 'string' || typeof payload.j !== 'string') {
      return { ok: false, why: 'not a refresh token this façade issued' };
    }
    if (payload.c !== clientHash(clientId)) return { ok: false, why: 'refresh token issued to another client' };
    if (this.used.has(payload.j)) return { ok: false, why: 'refresh token already used (rotated)' };
    return { ok: true, cognitoToken: payload.k, id: payload.j };
  }

  /** Marks a sealed token used; the oldest remembered one is forgotten past the bound. */
  markUsed(id: string): void {
    this.used.set(id, true);
    if (this.used.size > MAX_REMEMBERED) this.used.delete(this.used.keys().next().value!);
  }

  /** Forgets a use that never reached Cognito (it could not be reached): the client may retry. */
  forget(id: string): void {
    this.used.delete(id);
  }
}
