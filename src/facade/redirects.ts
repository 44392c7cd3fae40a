/**
 * Which redirect URIs the façade sends an authorization code to: http on a loopback address, any
 * port and path (RFC 8252 §7.3, native apps such as Claude Code and the MCP Inspector), or one of
 * the configured https URIs, compared exactly. Nothing else, ever: the check runs at /register, at
 * /authorize before the state is signed, and again at /callback after it is verified.
 */

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;
export const MAX_REDIRECT_URI_LENGTH = 2048;

function parse(uri: string): URL | undefined {
  if (typeof uri !== 'string' || uri.length > MAX_REDIRECT_URI_LENGTH || CONTROL_OR_SPACE.test(uri)) return undefined;
  if (!URL.canParse(uri)) return undefined;
  const u = new URL(uri);
  // A fragment is forbidden (RFC 6749 §3.1.2); user info would let a URI look like another host.
  if (uri.includes('#') || u.username || u.password) return undefined;
  return u;
}

export function isLoopbackRedirect(uri: string): boolean {
  const u = parse(uri);
  return !!u && u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/**
 * Copilot Studio's consent redirect (its "Dynamic discovery" OAuth): one URI per tool under this
 * prefix, stable for a tool and different per tool (SmartBear/smartbear-mcp#463:
 * https://global.consent.azure-apim.net/redirect/cr938-5fsmartbear-20zephyr-20mcp-5f43bcb8573bc3e84).
 */
export const CONSENT_REDIRECT_PREFIX = 'https://global.consent.azure-apim.net/redirect/';
/** The tool-specific part: one path segment of unreserved characters starting with a letter or digit (so never "." or "..", never percent-encoded). */
const CONSENT_SUFFIX = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,255}$/;

/**
 * True for a Copilot Studio consent redirect spelled exactly: https, that host (no user info, no
 * port), that path prefix, a non-empty tool-specific segment, no query, fragment, dot segment or
 * percent-encoding. Compared on the string as sent and on its parsed form, so a look-alike
 * (global.consent.azure-apim.net.evil.example, …@evil.example/…, another path) never passes.
 */
export function isConsentRedirect(uri: string): boolean {
  if (typeof uri !== 'string' || !uri.startsWith(CONSENT_REDIRECT_PREFIX)) return false;
  if (!CONSENT_SUFFIX.test(uri.slice(CONSENT_REDIRECT_PREFIX.length))) return false;
  const u = parse(uri);
  return !!u && u.href === uri && u.protocol === 'https:' && u.hostname === 'global.consent.azure-apim.net' && u.port === '' && !u.search;
}

/**
 * Why `uri` is refused, or undefined when the façade may redirect there. `consent`: whether
 * Copilot Studio's consent redirects are allowed (facade deploy|serve --copilot-studio).
 */
export function redirectRefusal(uri: string, allowed: ReadonlySet<string>, consent = false): string | undefined {
  const u = parse(uri);
  if (!u) return 'redirect_uri is not an absolute URL without fragment or user info';
  if (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname)) return undefined;
  if (consent && isConsentRedirect(uri)) return undefined;
  if (typeof uri === 'string' && uri.startsWith(CONSENT_REDIRECT_PREFIX) && !allowed.has(u.href)) {
    return consent
      ? `redirect_uri must be ${CONSENT_REDIRECT_PREFIX}<tool id> exactly (one segment of letters, digits, ".", "_", "~", "-"; no query)`
      : "redirect_uri is Copilot Studio's consent redirect, which this façade does not allow (deploy it with --copilot-studio)";
  }
  if (u.protocol === 'https:' && allowed.has(u.href) && u.href === uri) return undefined;
  if (u.protocol === 'https:' && allowed.has(u.href)) return 'redirect_uri must be spelled exactly as allowed';
  return 'redirect_uri must be http on a loopback address (127.0.0.1, localhost, [::1]) or an allowed https URL';
}

/**
 * True when a client's document lists `uri`: simple string comparison, except that a loopback URI
 * matches whatever its port (RFC 8252 §7.3: the port is chosen when the client starts).
 */
export function redirectListed(uri: string, listed: readonly unknown[]): boolean {
  const u = parse(uri);
  if (!u) return false;
  for (const entry of listed) {
    if (typeof entry !== 'string') continue;
    if (entry === uri) return true;
    if (isLoopbackRedirect(uri) && isLoopbackRedirect(entry)) {
      const e = new URL(entry);
      if (e.hostname === u.hostname && e.pathname === u.pathname && e.search === u.search) return true;
    }
  }
  return false;
}
