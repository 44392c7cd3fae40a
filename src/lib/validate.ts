import * as z from 'zod/mini';
import { InputError } from './errors.js';

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const POOL_ID_RE = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9a-zA-Z]+$/;
const DOMAIN_PREFIX_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Printable ASCII except space, `"` and `\` (Cognito scope and identifier charset). */
const SCOPE_RE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Scope names: the same set without `/`. */
const SCOPE_NAME_RE = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/;
const NAME_RE = /^[\w\s+=,.@-]+$/;
// AWS IDs look like `<name>-<10 chars>`; emulators use bare IDs. Accept both shapes, reject the rest
// (upper case, spaces, ARNs, URLs).
const GATEWAY_ID_RE = /^[0-9a-z](?:-?[0-9a-z]){0,110}$/;

export const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'] as const;
export const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
export const MAX_URL_LENGTH = 1024;
export const MAX_URLS_PER_LIST = 100;
export const MAX_SCOPES_PER_CLIENT = 50;

const msg = (error: string) => ({ error });
const str = (min: number, max: number, re: RegExp, error: string) => z.string().check(z.minLength(min, msg(`must be ${min} to ${max} characters`)), z.maxLength(max, msg(`must be ${min} to ${max} characters`)), z.regex(re, msg(error)));

export const Region = z.string().check(z.regex(REGION_RE, msg('is not an AWS Region code (for example us-east-1)')));
export const PoolId = str(1, 55, POOL_ID_RE, 'is not a Cognito user pool ID (for example us-east-1_AbC123xyz)');
export const ClientId = str(1, 128, /^[\w+]+$/, 'is not a Cognito app client ID');
export const GatewayId = z.string().check(z.regex(GATEWAY_ID_RE, msg('is not an AgentCore gateway ID (for example my-gateway-abc1234567)')));
export const PoolName = str(1, 128, NAME_RE, 'may only contain letters, digits, spaces and + = , . @ -');
export const ClientName = PoolName;
export const ResourceServerName = str(1, 256, NAME_RE, 'may only contain letters, digits, spaces and + = , . @ -');
export const ResourceServerId = str(1, 256, SCOPE_RE, 'may only contain printable characters other than space, " and \\');
export const ScopeName = str(1, 256, SCOPE_NAME_RE, 'may only contain printable characters other than space, /, " and \\');
export const OAuthScope = str(1, 256, SCOPE_RE, 'is not a valid OAuth scope');

export const DomainPrefix = str(1, 63, DOMAIN_PREFIX_RE, 'may only contain lowercase letters, digits and hyphens, and cannot start or end with a hyphen').check(
  z.refine((v: string) => !RESERVED_DOMAIN_WORDS.some((w) => v.includes(w)), msg(`cannot contain the reserved words ${RESERVED_DOMAIN_WORDS.join(', ')}`)),
);

/** A redirect (callback or logout) URL as Cognito accepts it and the contract allows. */
export const RedirectUrl = z.string().check(
  z.refine((v: string) => redirectUrlProblem(v) === undefined, { error: (iss) => redirectUrlProblem(String(iss.input)) ?? 'is invalid' }),
);

export function redirectUrlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  if (value.includes('*')) return 'contains a wildcard; Cognito matches redirect URLs exactly';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (value.includes('#')) return 'contains a fragment (#…), which Cognito does not allow';
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'uses http://; only https is allowed, except for localhost, 127.0.0.1 and [::1]';
  } else if (url.protocol !== 'https:') {
    return `uses ${url.protocol}//; only https (or http for localhost) is allowed`;
  }
  if (!url.hostname) return 'has no host';
  return undefined;
}

export interface ScopeSpec {
  name: string;
  description: string;
}

/** `name[=description]` as given to --scope. */
export function parseScopeSpec(raw: string, flag = '--scope'): ScopeSpec {
  const eq = raw.indexOf('=');
  const name = check(ScopeName, (eq < 0 ? raw : raw.slice(0, eq)).trim(), `${flag} name`);
  const description = (eq < 0 ? '' : raw.slice(eq + 1).trim()) || `Access ${name}`;
  if (description.length > 256) throw new InputError(`${flag} "${raw}": the description is longer than 256 characters.`);
  return { name, description };
}

/**
 * Validate one value; on failure throw an InputError (exit 2) with one sentence naming the
 * flag and the value, before anything reaches AWS.
 */
export function check<S extends z.ZodMiniType>(schema: S, value: unknown, label: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const msg = r.error.issues[0]?.message ?? 'is invalid';
  const shown = typeof value === 'string' ? ` "${value}"` : '';
  throw new InputError(`${label}${shown} ${msg}.`);
}

/** The Region encoded in a pool ID (`us-east-1_AbC` → `us-east-1`). */
export function regionOfPoolId(poolId: string): string | undefined {
  return POOL_ID_RE.exec(poolId)?.[1];
}
