import type { Output } from './output.js';

/** What Copilot Studio's Manual OAuth form asks for. */
export interface CopilotStudioForm {
  clientId: string;
  clientSecret?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  scopes: string;
}

export function renderCopilotStudioForm(form: CopilotStudioForm, out: Output): string {
  return [
    out.c.bold('Copilot Studio → Tools → Add a tool → Model Context Protocol → OAuth 2.0 → Manual:'),
    out.table([
      ['Client ID', form.clientId],
      ['Client secret', form.clientSecret ?? '(not available)'],
      ['Authorization URL', form.authorizationUrl ?? '(no domain yet: run mcp-cognito init-pool)'],
      ['Token URL', form.tokenUrl ?? '(no domain yet)'],
      ['Refresh URL', form.refreshUrl ?? '(no domain yet)'],
      ['Scopes', form.scopes],
    ]),
  ].join('\n');
}

