import type { Output } from './output.js';

/** What Copilot Studio's MCP onboarding wizard asks for, with OAuth 2.0 → Manual. */
export interface CopilotStudioForm {
  clientId: string;
  clientSecret?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: string;
  /** The gateway's MCP endpoint (Server URL), when the gateway is known. */
  serverUrl?: string;
  /** A name for the server (the gateway's name, when known). */
  serverName?: string;
}

/**
 * The form in the order Copilot Studio asks (Microsoft Learn, "Connect your agent to an existing
 * Model Context Protocol (MCP) server": Server name, Server description, Server URL, then
 * Authentication OAuth 2.0 → Manual: Client ID, Client secret, Authorization URL, Token URL
 * template, Refresh URL, Scopes).
 */
export function renderCopilotStudioForm(form: CopilotStudioForm, out: Output): string {
  return [
    out.c.bold('Copilot Studio → Tools → Add a tool → New tool → Model Context Protocol:'),
    out.table([
      ['Server name', form.serverName ?? 'a name of your choice'],
      ['Server description', 'what the tools do (the agent reads it to choose them)'],
      ['Server URL', form.serverUrl ?? "the gateway's MCP URL (mcp-cognito status shows it)"],
      ['Authentication', 'OAuth 2.0, type Manual'],
      ['Client ID', form.clientId],
      ['Client secret', form.clientSecret ?? '(not available)'],
      ['Authorization URL', form.authorizationUrl ?? '(no domain yet: run mcp-cognito init-pool)'],
      ['Token URL template', form.tokenUrl ?? '(no domain yet)'],
      ['Refresh URL', form.refreshUrl ?? '(no domain yet)'],
      ['Scopes', form.scopes],
    ]),
  ].join('\n');
}

/**
 * Copilot Studio's "Dynamic discovery" path through the façade: nothing to paste but the MCP URL
 * (Microsoft Learn, "Connect your agent to an existing MCP server", section "Dynamic discovery").
 * No secret is shown: Copilot Studio registers itself at the façade (RFC 7591).
 */
export function copilotStudioDynamicSteps(mcpUrl: string): string[] {
  return [
    'Copilot Studio → your agent → Tools → Add a tool → New tool → Model Context Protocol:',
    '  Server name and Server description: your choice (the description tells the agent when to use it)',
    `  Server URL: ${mcpUrl}`,
    '  Authentication: OAuth 2.0 → Dynamic discovery → Create',
    '  Then Create a new connection (or Add and configure) and sign in with a user of the pool.',
  ];
}

export function renderCopilotStudioDynamic(mcpUrl: string, out: Output): string {
  const [head, ...rest] = copilotStudioDynamicSteps(mcpUrl);
  return [out.c.bold(head!), ...rest].join('\n');
}
