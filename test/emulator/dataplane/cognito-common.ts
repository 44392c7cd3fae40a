/**
 * What the Cognito data plane shares between its hosts (the issuer host cognito-idp.<region>.amazonaws.com
 * and the user pool domain <prefix>.auth.<region>.amazoncognito.com): reads of moto's state, the
 * in-memory grants (authorization codes, refresh tokens), and token minting with Cognito's claims.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { DataPlaneOptions } from '../types.js';
import { KeyRing, signJwt } from './jwt.js';

/** Scopes Cognito defines itself; every other scope is `<resource server identifier>/<scope name>`.
 * Evidence: SDK UpdateUserPoolClientRequest.AllowedOAuthScopes doc (phone, email, openid, profile,
 * aws.cognito.signin.user.admin); docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html. */
export const OIDC_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];

/** Authorization codes are single use and valid for 5 minutes
 * (repost.aws/questions/QUribd4ytZTnmoxKt_B7DXFg, AWS answer: "must be used within 5 minutes"). */
export const CODE_TTL_MS = 5 * 60_000;

export interface CodeGrant {
  poolId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  username: string;
  attributes: Record<string, string>;
  authTime: number;
  nonce?: string;
  challenge?: string;
  expires: number;
}

export interface RefreshGrant {
  poolId: string;
  clientId: string;
  scopes: string[];
  username: string;
  attributes: Record<string, string>;
  authTime: number;
  originJti: string;
  expires: number;
}

export class CognitoState {
  readonly keys = new KeyRing();
  readonly codes = new Map<string, CodeGrant>();
  readonly refresh = new Map<string, RefreshGrant>();
  /** origin_jti values of revoked refresh tokens: their access tokens fail at /oauth2/userInfo. */
  readonly revokedOrigins = new Set<string>();

  constructor(readonly opts: DataPlaneOptions) {}

  /** The front's view (AWS semantics) when there is a front, else moto's. */
  get aws(): NonNullable<DataPlaneOptions['aws']> {
    return this.opts.aws ?? this.opts.moto;
  }

  get region(): string {
    return this.opts.region;
  }

  issuer(poolId: string): string {
    return `https://cognito-idp.${this.region}.amazonaws.com/${poolId}`;
  }

  async pool(poolId: string): Promise<UserPoolType | undefined> {
    try {
      return (await this.aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  }

  /** The pool a prefix domain belongs to (DescribeUserPoolDomain answers `{DomainDescription: {}}` for an unknown domain). */
  async poolOfDomain(prefix: string): Promise<string | undefined> {
    const r = await this.aws.cognito.send(new DescribeUserPoolDomainCommand({ Domain: prefix }));
    return r.DomainDescription?.UserPoolId || undefined;
  }

  async client(poolId: string, clientId: string): Promise<UserPoolClientType | undefined> {
    if (!clientId || !/^[\w+]+$/.test(clientId)) return undefined;
    try {
      return (await this.aws.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient;
    } catch (e) {
      if (['ResourceNotFoundException', 'InvalidParameterException'].includes((e as Error).name)) return undefined;
      throw e;
    }
  }

  /** Every `<identifier>/<scope>` the pool's resource servers define. */
  async customScopes(poolId: string): Promise<Set<string>> {
    const out = new Set<string>();
    let token: string | undefined;
    do {
      const r = await this.aws.cognito.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50, NextToken: token }));
      for (const s of r.ResourceServers ?? []) for (const sc of s.Scopes ?? []) out.add(`${s.Identifier}/${sc.ScopeName}`);
      token = r.NextToken;
    } while (token);
    return out;
  }

  /** True when `secret` is one of the client's secrets (moto's ClientSecret plus those the control plane added). */
  async secretMatches(poolId: string, client: UserPoolClientType, secret: string | undefined): Promise<boolean> {
    if (secret === undefined) return false;
    const all = new Set([...(await this.opts.overlay.clientSecrets(poolId, client.ClientId!)), ...(client.ClientSecret ? [client.ClientSecret] : [])]);
    return all.has(secret);
  }

  /** Whether the client is confidential (holds a secret). */
  async hasSecret(poolId: string, client: UserPoolClientType): Promise<boolean> {
    return Boolean(client.ClientSecret) || (await this.opts.overlay.clientSecrets(poolId, client.ClientId!)).length > 0;
  }

  /** Token lifetimes in seconds from the client's validity settings.
   * Defaults: access and ID 1 hour, refresh 30 days (SDK UpdateUserPoolClientRequest docs; aws-semantics.md §1.2). */
  lifetimes(client: UserPoolClientType): { access: number; id: number; refresh: number } {
    const unit = (u: string | undefined, dflt: number) => ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 })[u ?? ''] ?? dflt;
    const u = client.TokenValidityUnits ?? {};
    return {
      access: (client.AccessTokenValidity ?? 1) * unit(u.AccessToken, 3600),
      id: (client.IdTokenValidity ?? 1) * unit(u.IdToken, 3600),
      refresh: (client.RefreshTokenValidity || 30) * unit(u.RefreshToken, 86400),
    };
  }

  /**
   * Cognito's access token. Claims per docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html:
   * sub, iss, version (2), client_id, origin_jti, event_id, token_use=access, scope, auth_time, exp, iat, jti,
   * username — and no `aud` (the client ID is in client_id; aws-semantics.md §6.4). For client_credentials the
   * subject is the app client: sub = client_id, no username/origin_jti/event_id (token endpoint M2M sample payload).
   */
  async accessToken(o: { poolId: string; clientId: string; scopes: string[]; ttl: number; user?: { username: string; sub: string; authTime: number; originJti: string } }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = o.user
      ? { sub: o.user.sub, iss: this.issuer(o.poolId), version: 2, client_id: o.clientId, origin_jti: o.user.originJti, event_id: randomUUID(), token_use: 'access', scope: o.scopes.join(' '), auth_time: o.user.authTime, exp: now + o.ttl, iat: now, jti: randomUUID(), username: o.user.username }
      : { sub: o.clientId, token_use: 'access', scope: o.scopes.join(' '), auth_time: now, iss: this.issuer(o.poolId), exp: now + o.ttl, iat: now, version: 2, jti: randomUUID(), client_id: o.clientId };
    return signJwt(claims, (await this.keys.keys(o.poolId)).access);
  }

  /**
   * Cognito's ID token (docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html):
   * sub, iss, cognito:username, origin_jti, aud = client ID, event_id, token_use=id, auth_time, exp, iat, jti,
   * nonce when the authorize request had one, and the user's attributes (email, email_verified as a boolean…).
   * Only issued when the grant has the openid scope.
   */
  async idToken(o: { poolId: string; clientId: string; ttl: number; username: string; attributes: Record<string, string>; authTime: number; originJti: string; nonce?: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const attrs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o.attributes)) attrs[k] = /_verified$/.test(k) ? v === 'true' : v;
    const claims: Record<string, unknown> = {
      ...attrs,
      sub: o.attributes.sub,
      iss: this.issuer(o.poolId),
      'cognito:username': o.username,
      origin_jti: o.originJti,
      aud: o.clientId,
      event_id: randomUUID(),
      token_use: 'id',
      auth_time: o.authTime,
      exp: now + o.ttl,
      iat: now,
      jti: randomUUID(),
      ...(o.nonce ? { nonce: o.nonce } : {}),
    };
    return signJwt(claims, (await this.keys.keys(o.poolId)).id);
  }

  /** An opaque refresh token. Cognito's are encrypted JWEs (five dot-separated parts); clients must treat them as opaque. */
  newRefreshToken(): string {
    const part = (n: number) => randomBytes(n).toString('base64url');
    return `eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.${part(256)}.${part(12)}.${part(480)}.${part(16)}`;
  }

  newCode(): string {
    // Cognito codes look like UUIDs (for example "a1b2c3d4-…"): amazon-cognito-user-pools authorization code samples.
    return randomUUID();
  }
}

export const splitScopes = (s: string | null | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);
