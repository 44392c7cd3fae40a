/**
 * doctor's facade.copilot-studio verdict: a façade without --copilot-studio passes with the way to
 * allow it (the catalogue keeps "consent host not allowed" possible on that wording); with it, the
 * gateway must speak MCP 2025-03-26 (when it lists versions) and let the façade's client through.
 */
import { describe, expect, it } from 'vitest';
import { copilotStudioVerdict } from '../../src/doctor/checks/facade.js';
import { kit } from '../../src/doctor/kit.js';
import { CATALOGUE } from '../../src/doctor/catalogue.js';

const k = () => kit('facade.copilot-studio', 'Copilot Studio can connect through the façade (Dynamic discovery)');
const gw = (versions: string[] | undefined, allowedClients: string[] | undefined) =>
  ({ gatewayId: 'gw-1', protocolConfiguration: { mcp: versions ? { supportedVersions: versions } : {} }, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: 'x', ...(allowedClients ? { allowedClients } : {}) } } }) as never;
const base = { clientId: 'c1', gatewayId: 'gw-1', url: 'https://abc.lambda-url.us-east-1.on.aws' };

describe('facade.copilot-studio', () => {
  it('not allowed: passes, saying how to allow it; the catalogue keeps that cause possible on this wording', () => {
    const c = copilotStudioVerdict(k(), { ...base, status: { copilotStudio: false } });
    expect(c.status).toBe('pass');
    expect(c.detail).toMatch(/does not allow.*facade deploy --copilot-studio/);
    const cause = CATALOGUE.flatMap((e) => e.causes).find((x) => x.key === 'consent-host-not-allowed')!;
    expect(cause.passMatch!.test(c.detail!)).toBe(true);
  });

  it('allowed: fails on a gateway without 2025-03-26, then on a gateway that does not allow the client; passes with the Server URL', () => {
    const v = copilotStudioVerdict(k(), { ...base, status: { copilotStudio: true }, gateway: gw(['2025-06-18'], ['c1']) });
    expect(v).toMatchObject({ status: 'fail', fix: 'mcp-cognito authorize-client --gateway-id gw-1 --mcp-version 2025-03-26' });
    const c = copilotStudioVerdict(k(), { ...base, status: { copilotStudio: true }, gateway: gw(['2025-03-26'], ['other']) });
    expect(c).toMatchObject({ status: 'fail', fix: 'mcp-cognito authorize-client --gateway-id gw-1 --client-id c1' });
    const ok = copilotStudioVerdict(k(), { ...base, status: { copilotStudio: true, mcpUrl: `${base.url}/mcp` }, gateway: gw(['2025-03-26', '2025-06-18'], ['c1']) });
    expect(ok.status).toBe('pass');
    expect(ok.detail).toContain(`Server URL ${base.url}/mcp`);
    // No versions listed and no allow-list: nothing refuses Copilot Studio.
    expect(copilotStudioVerdict(k(), { ...base, status: { copilotStudio: true }, gateway: gw(undefined, undefined) }).status).toBe('pass');
  });
});
