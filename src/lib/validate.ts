import * as z from 'zod/mini';
import { InputError } from './errors.js';
import { AGENTCORE_MCP_VERSIONS } from '../domain/oauth.js';

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
const EMAIL_RE = /^[^\s@"<>()[\],;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/** Cognito group names: letters, marks, symbols, digits and punctuation (no spaces). */
const GROUP_RE = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'] as const;
export const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
export const MAX_URL_LENGTH = 1024;
export const MAX_URLS_PER_LIST = 100;
export const MAX_SCOPES_PER_CLIENT = 50;

/**
 * Control characters: C0 (NUL…US, incl. tab, newline, carriage return), DEL, C1 (U+0080–U+009F),
 * and the Unicode line and paragraph separators. None belongs in a URL, an ID, a name or a scope;
 * some (tab and newline in a URL) are silently dropped by URL parsers, so the value checked would
 * not be the value sent.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_RE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const CONTROL_NAMES: Record<number, string> = { 0: 'NUL', 9: 'tab', 10: 'newline', 13: 'carriage return', 0x1b: 'escape', 0x7f: 'DEL', 0x85: 'next line', 0x2028: 'line separator', 0x2029: 'paragraph separator' };

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Invisible and bidirectional-control characters: Unicode general category Cf (format), e.g. zero
 * width space and joiners, the bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069), the byte order mark. Invisible on a terminal and in a console, they make a value
 * look like another one (a callback URL whose host reads differently), so no input may hold one.
 */
const FORMAT_RE = /\p{Cf}/u;
const FORMAT_NAMES: Record<number, string> = {
  0xad: 'soft hyphen',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'byte order mark',
};

/** Why `value` is not clean text (a control or invisible formatting character, or white space around it), or undefined. */
export function textProblem(value: string): string | undefined {
  const m = CONTROL_RE.exec(value);
  if (m) {
    const c = m[0].charCodeAt(0);
    const name = CONTROL_NAMES[c];
    return `contains a control character (${name ? `${name}, ` : ''}${hex(c)}) at position ${m.index + 1}`;
  }
  const f = FORMAT_RE.exec(value);
  if (f) {
    const c = f[0].codePointAt(0)!;
    const name = FORMAT_NAMES[c];
    // The position in characters (code points), as a person counts them.
    return `contains an invisible formatting character (${name ? `${name}, ` : ''}${hex(c)}) at position ${[...value.slice(0, f.index)].length + 1}`;
  }
  if (/^\s/.test(value)) return 'begins with white space';
  if (/\s$/.test(value)) return 'ends with white space';
  return undefined;
}

const msg = (error: string) => ({ error });

/**
 * The base of every string schema here: no control characters, no white space around the value.
 * It runs first and stops the other checks, so the message names the real problem.
 */
export function text() {
  return z.string().check(z.refine((v: string) => textProblem(v) === undefined, { error: (iss) => textProblem(String(iss.input)) ?? 'is invalid', abort: true }));
}

const str = (min: number, max: number, re: RegExp, error: string) => text().check(z.minLength(min, msg(`must be ${min} to ${max} characters`)), z.maxLength(max, msg(`must be ${min} to ${max} characters`)), z.regex(re, msg(error)));

export const Region = text().check(z.regex(REGION_RE, msg('is not an AWS Region code (for example us-east-1)')));
export const PoolId = str(1, 55, POOL_ID_RE, 'is not a Cognito user pool ID (for example us-east-1_AbC123xyz)');
export const ClientId = str(1, 128, /^[\w+]+$/, 'is not a Cognito app client ID');
export const GatewayId = text().check(z.regex(GATEWAY_ID_RE, msg('is not an AgentCore gateway ID (for example my-gateway-abc1234567)')));
export const PoolName = str(1, 128, NAME_RE, 'may only contain letters, digits, spaces and + = , . @ -');
export const ClientName = PoolName;
export const ResourceServerName = str(1, 256, NAME_RE, 'may only contain letters, digits, spaces and + = , . @ -');
export const ResourceServerId = str(1, 256, SCOPE_RE, 'may only contain printable characters other than space, " and \\');
export const ScopeName = str(1, 256, SCOPE_NAME_RE, 'may only contain printable characters other than space, /, " and \\');
export const OAuthScope = str(1, 256, SCOPE_RE, 'is not a valid OAuth scope');
/** An entry of a gateway's allowedScopes (1–255 characters, the OAuth scope charset: AgentCore's CustomJWTAuthorizerConfiguration). */
export const GatewayScope = str(1, 255, SCOPE_RE, 'is not a valid OAuth scope (1 to 255 printable characters other than space, " and \\)');
/** An MCP protocol version AgentCore Gateway supports (src/domain/oauth.ts#AGENTCORE_MCP_VERSIONS). */
export const McpVersion = text().check(
  z.refine((v: string) => (AGENTCORE_MCP_VERSIONS as readonly string[]).includes(v), msg(`is not an MCP version AgentCore Gateway supports (${AGENTCORE_MCP_VERSIONS.join(', ')})`)),
);

export const DomainPrefix = str(1, 63, DOMAIN_PREFIX_RE, 'may only contain lowercase letters, digits and hyphens, and cannot start or end with a hyphen').check(
  z.refine((v: string) => !RESERVED_DOMAIN_WORDS.some((w) => v.includes(w)), msg(`cannot contain the reserved words ${RESERVED_DOMAIN_WORDS.join(', ')}`)),
);

/** An e-mail address (a user's sign-in name). */
export const Email = text().check(z.maxLength(254, msg('is longer than 254 characters')), z.regex(EMAIL_RE, msg('is not an e-mail address')));
/** A Cognito group name. */
export const GroupName = text().check(z.regex(GROUP_RE, msg('must be 1 to 128 characters without spaces')));
/** An AWS shared-config profile name. */
export const ProfileName = text().check(z.minLength(1, msg('is empty')), z.maxLength(256, msg('is longer than 256 characters')));
/** An http(s) endpoint URL (--endpoint-url, AWS_ENDPOINT_URL). */
export const EndpointUrl = text().check(
  z.refine(
    (v: string) => {
      try {
        return /^https?:$/.test(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    msg('is not an http(s) URL'),
  ),
);
/** A local file path given on the command line (--state, --env-file). */
export const FilePath = text().check(z.minLength(1, msg('needs a file path')));

/**
 * A redirect (callback or logout) URL as Cognito accepts it and the contract allows. Cognito's
 * rules (SDK CreateUserPoolClientRequest.CallbackURLs doc, client-cognito-identity-provider
 * models_0.d.ts): an absolute URI, no fragment, HTTPS except http://localhost, http://127.0.0.1 and
 * http://[::1] (any port), and "App callback URLs such as myapp://example are also supported"
 * (native apps; RFC 8252 §7.1 private-use schemes such as com.example.app:/callback). Schemes that
 * run code or read local content in a browser are never a redirect target here, whatever Cognito
 * would store: javascript:, vbscript:, data:, file:, about:, blob:, filesystem:.
 */
export const RedirectUrl = text().check(
  z.refine((v: string) => redirectUrlProblem(v) === undefined, { error: (iss) => redirectUrlProblem(String(iss.input)) ?? 'is invalid' }),
);

/** Schemes a redirect URL may never use (they run script or open local content in the browser). */
export const FORBIDDEN_REDIRECT_SCHEMES = new Set(['javascript', 'vbscript', 'data', 'file', 'about', 'blob', 'filesystem']);
/** Well-known schemes of other protocols: never an app's callback (a browser cannot hand a code to them). */
const NON_APP_SCHEMES = new Set(['ftp', 'ftps', 'sftp', 'ws', 'wss', 'mailto', 'tel', 'sms', 'news', 'gopher', 'ldap']);
/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):/;

export function redirectUrlProblem(value: string): string | undefined {
  const t = textProblem(value);
  if (t) return t;
  if (value.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  if (value.includes('*')) return 'contains a wildcard; Cognito matches redirect URLs exactly';
  if (/\s/.test(value)) return 'contains a space';
  const scheme = SCHEME_RE.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'is not an absolute URL (it needs a scheme such as https://)';
  if (FORBIDDEN_REDIRECT_SCHEMES.has(scheme)) return `uses ${scheme}:, which can never be a redirect URL; use https:// (or an app's own scheme such as myapp://callback)`;
  if (NON_APP_SCHEMES.has(scheme)) return `uses ${scheme}:, which is not a redirect target; use https:// (or an app's own scheme such as myapp://callback)`;
  // `localhost:8080/cb` or `app.example.com:443/cb` parse as a scheme followed by a port: a forgotten http(s)://.
  if (scheme === 'localhost' || /^[^:/]+:\d+(?:[/?]|$)/.test(value)) return 'looks like a host and port without a scheme; write http://localhost:… or https://…';
  const info = userInfoProblem(value);
  if (info) return info;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (value.includes('#')) return 'contains a fragment (#…), which Cognito does not allow';
  if (scheme === 'http') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return 'uses http://; only https is allowed, except for localhost, 127.0.0.1 and [::1]';
  } else if (scheme !== 'https') {
    // An app's own scheme (myapp://callback, com.example.app:/oauth2redirect): something must follow the scheme.
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/*[^/]/.test(value)) return `has nothing after ${scheme}:; an app callback URL looks like ${scheme}://callback`;
    return undefined;
  }
  if (!url.hostname) return 'has no host';
  return undefined;
}

/**
 * User info (`user:password@` before the host) in a URL we store or redirect to: the host is what
 * follows the last `@` of the authority, so `https://global.consent.azure-apim.net@evil.example/x`
 * goes to evil.example. No redirect URL needs it; it is refused, naming the real host.
 */
export function userInfoProblem(value: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@([^/?#@]*)/.exec(value);
  if (!m) return undefined;
  const host = m[2]!.replace(/:\d*$/, '') || '(none)';
  return `contains user info ("${m[1]}@") before the host: it leads to ${host}, not ${m[1]!.split(':')[0]}; write the URL without "…@"`;
}

/** An https redirect URI the façade may send codes to besides loopback (claude.ai's callback…): exact, no fragment or user. */
export const HttpsRedirectUrl = text().check(
  z.refine((v: string) => redirectUrlProblem(v) === undefined && /^https:\/\/[^/@]+(\/|$)/.test(v), {
    error: (iss) => redirectUrlProblem(String(iss.input)) ?? 'must be an https URL without user info',
  }),
);
/** A port number for a local server. */
export const PortNumber = text().check(z.regex(/^([1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5])$/, msg('is not a port number between 1 and 65535')));
/** The name of an MCP server in `claude mcp add <name>`. */
export const McpServerName = str(1, 64, /^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, _ and -');
/** The façade's deployment name: the Lambda function's name; the role and parameters derive from it (room for "-role"). */
export const FacadeName = str(1, 58, /^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, _ and -');
/** A customer managed KMS key for the façade's SecureString parameters, by key ARN (the role's kms:Decrypt names it). */
export const KmsKeyArn = str(1, 2048, /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');

export interface ScopeSpec {
  name: string;
  description: string;
}

/** A whole `name[=description]` --scope value, before it is split. */
export const ScopeSpecText = text().check(z.minLength(1, msg('is empty')));

/** `name[=description]` as given to --scope. */
export function parseScopeSpec(raw: string, flag = '--scope'): ScopeSpec {
  const spec = check(ScopeSpecText, raw, flag);
  const eq = spec.indexOf('=');
  const name = check(ScopeName, (eq < 0 ? spec : spec.slice(0, eq)).trim(), `${flag} name`);
  const description = (eq < 0 ? '' : spec.slice(eq + 1).trim()) || `Access ${name}`;
  if (description.length > 256) throw new InputError(`${flag} ${quote(spec)}: the description is longer than 256 characters.`);
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
  const shown = typeof value === 'string' ? ` ${quote(value)}` : '';
  throw new InputError(`${label}${shown} ${msg}.`);
}

/** `value` in double quotes, control and invisible formatting characters escaped (`\n`, `\u0000`, `\u202e`) so the sentence stays on one line and reads as it is. */
export function quote(value: string): string {
  const esc: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  // Invisible formatting characters too: a bidi override printed as it is would reorder the sentence.
  return `"${value.replace(new RegExp(`${CONTROL_RE.source}|${FORMAT_RE.source}`, 'gu'), (c) => esc[c] ?? `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)}"`;
}

/** The problem `schema` finds in `value` (its first issue's message), or undefined when valid. */
export function problem(schema: z.ZodMiniType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : (r.error.issues[0]?.message ?? 'is invalid');
}

/** The Region encoded in a pool ID (`us-east-1_AbC` → `us-east-1`). */
export function regionOfPoolId(poolId: string): string | undefined {
  return POOL_ID_RE.exec(poolId)?.[1];
}
