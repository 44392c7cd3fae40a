/** What the façade's subcommands share: their flags' checks. */
import { InputError } from '../../lib/errors.js';
import { HttpsRedirectUrl, McpServerName, check } from '../../lib/validate.js';

/** The --allow-redirect URLs: exact https URLs (loopback needs none: any loopback port is allowed). */
export function allowedRedirects(urls: string[]): string[] {
  return [...new Set(urls.map((u) => check(HttpsRedirectUrl, u, '--allow-redirect')))];
}

/** A name for `claude mcp add`: given (checked), or derived from the gateway's name. */
export function claudeName(raw: string): string {
  const derived = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return check(McpServerName, derived || 'agentcore-gateway', '--name');
}

/** --client-metadata on|off (default on): whether client ID metadata documents are advertised and accepted. */
export function clientMetadataFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'on') return true;
  if (value === 'off') return false;
  throw new InputError('--client-metadata must be on or off.');
}

/** Collects a repeatable option. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];
