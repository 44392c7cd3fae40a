/**
 * Copilot Studio "Dynamic discovery" end to end: `init` (an adopted pool and gateway, a sign-in
 * user), then `facade deploy --copilot-studio` on the emulator front (Lambda, IAM and SSM in moto),
 * then the Copilot Studio simulator (test/fixtures/copilot-studio-sim.ts, each behaviour with its
 * source) is given nothing but the Server URL the deploy printed. The façade runs as deployed: the
 * function's environment and SecureString parameters, read back from the emulator, build the
 * handler as lambda-main.ts does (src/facade/environment.ts), behind the streaming function-URL
 * adapter (src/facade/lambda.ts) fed payload 2.0 events. Its outbound calls (Cognito's token
 * endpoint, the gateway) and the hosted UI sign-in go to the emulator; the redirect to
 * global.consent.azure-apim.net is captured, never followed.
 */
import { describe, expect, it } from 'vitest';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { clientConfig, sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { awsFetch } from '../emulator/fetch';
import { facadeFromEnvironment, secretParameterNames } from '../../src/facade/environment.js';
import { streamingHandler } from '../../src/facade/lambda.js';
import { fakeAwsLambda, functionUrlFetch } from '../fixtures/function-url';
import { connectLikeCopilotStudio, CopilotStudioError, consentRedirectFor } from '../fixtures/copilot-studio-sim';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const PASSWORD = 'Corr3ct-Horse!';
const TOOLS = [{ name: 'weather___forecast', description: 'Forecast' }];
const emu = useEmulator({ tools: TOOLS });

/** The deployed function, as its function URL serves it: environment and parameters read back from the emulator. */
async function deployedNetwork(serverUrl: string) {
  const endpoint = emu.endpoint();
  const fn = await new LambdaClient(clientConfig(endpoint)).send(new GetFunctionConfigurationCommand({ FunctionName: 'mcp-cognito-facade' }));
  const env: Record<string, string | undefined> = { AWS_REGION: 'us-east-1', ...(fn.Environment?.Variables ?? {}) };
  const out = await new SSMClient(clientConfig(endpoint)).send(new GetParametersCommand({ Names: secretParameterNames(env), WithDecryption: true }));
  const secrets = new Map((out.Parameters ?? []).map((p) => [p.Name!, p.Value!]));
  const aws = awsFetch(endpoint);
  const handler = streamingHandler(fakeAwsLambda(), async (event) => facadeFromEnvironment(env, secrets, event.requestContext.domainName, { fetch: aws }));
  return { env, fetch: functionUrlFetch(serverUrl, handler, aws) };
}

describe('Copilot Studio connects with the URL `facade deploy --copilot-studio` printed (Dynamic discovery)', () => {
  it('discovery → RFC 7591 registration → PKCE sign-in on the hosted UI → consent redirect → token → MCP 2025-03-26 tools/list and tools/call, through the Lambda handler', async () => {
    const seed = (await seedSample(emu.endpoint())) as { gatewayId: string; poolId: string };
    // init with the choice beside Manual: the steps and the exact command, no Manual form and no secret.
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--copilot-studio-oauth', 'dynamic', '--user-email', 'maker@example.com', '--user-password-stdin', '--no-doctor'], { endpoint: emu.endpoint(), input: `${PASSWORD}\n` });
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const cwd = init.cwd;
    expect(init.stdout).toContain('1. Deploy the façade: mcp-cognito facade deploy --copilot-studio');
    expect(init.stdout).toMatch(/Authentication: OAuth 2\.0 → Dynamic discovery → Create/);
    expect(init.stdout).not.toMatch(/Client secret|add-callback/);
    const clientId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
    const secret = (await sdk(emu.endpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret!;
    expect(init.stdout + init.stderr).not.toContain(secret);

    const deploy = await runCli(['facade', 'deploy', '--copilot-studio', '--yes'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    // The printed steps: the one URL to paste, Dynamic discovery, and no secret.
    expect(deploy.stdout).toMatch(/Tools → Add a tool → New tool → Model Context Protocol/);
    expect(deploy.stdout).toMatch(/OAuth 2\.0 → Dynamic discovery → Create/);
    const serverUrl = /Server URL: (\S+)/.exec(deploy.stdout)?.[1];
    expect(serverUrl).toMatch(/^https:\/\/[0-9a-f]+\.lambda-url\.us-east-1\.on\.aws\/mcp$/);
    expect(deploy.stdout + deploy.stderr).not.toContain(secret);
    // The gateway now speaks Copilot Studio's MCP version.
    const gw = await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    expect((gw.protocolConfiguration as { mcp?: { supportedVersions?: string[] } }).mcp?.supportedVersions).toContain('2025-03-26');

    const net = await deployedNetwork(serverUrl!);
    expect(net.env.FACADE_COPILOT_STUDIO).toBe('1');
    const user = { name: 'maker@example.com', password: PASSWORD };
    const report = await connectLikeCopilotStudio({ serverUrl: serverUrl!, fetch: net.fetch, toolName: 'Weather gateway', user });
    expect(report.registration).toMatchObject({ token_endpoint_auth_method: 'none', redirect_uris: [consentRedirectFor('Weather gateway')] });
    expect(report.registration).not.toHaveProperty('client_secret');
    expect(`${report.captured.origin}${report.captured.pathname}`).toBe(consentRedirectFor('Weather gateway'));
    expect(report.captured.searchParams.get('iss')).toBe(new URL(serverUrl!).origin);
    expect(report.negotiatedVersion).toBe('2025-03-26');
    expect(report.tools).toEqual(['weather___forecast']);
    expect(report.callResult.isError).toBe(false);
    expect(report.callResult.content?.[0]?.text).toBe('{"city":"Lisbon"}');
    // Nothing outside the function URL and the (emulated) AWS hosts was requested.
    for (const u of report.visited) expect(new URL(u).hostname).toMatch(/(\.lambda-url\.us-east-1\.on\.aws|amazoncognito\.com|amazonaws\.com)$/);

    // A second tool gets its own consent redirect, with discovery path-appended and a minted secret (client_secret_post).
    const second = await connectLikeCopilotStudio({ serverUrl: serverUrl!, fetch: net.fetch, toolName: 'Weather two', user, discovery: 'path-appended', authMethod: 'client_secret_post' });
    expect(second.redirectUri).not.toBe(report.redirectUri);
    expect(second.registration).toMatchObject({ token_endpoint_auth_method: 'client_secret_post', client_secret_expires_at: 0 });
    expect(second.tools).toEqual(['weather___forecast']);
    const third = await connectLikeCopilotStudio({ serverUrl: serverUrl!, fetch: net.fetch, toolName: 'Weather three', user, discovery: 'path-inserted' });
    expect(third.negotiatedVersion).toBe('2025-03-26');

    // doctor knows this path: the façade allows Copilot Studio, the gateway speaks 2025-03-26 and lets the façade's client through.
    const doctor = await runCli(['doctor', '--json', '--verbose', '--no-probes'], { endpoint: emu.endpoint(), cwd });
    const checks = doctor.json<{ checks: { id: string; status: string; detail?: string }[] }>().checks;
    expect(checks.find((c) => c.id === 'facade.copilot-studio')).toMatchObject({ status: 'pass', detail: expect.stringContaining(`Server URL ${serverUrl}`) });

    // Idempotent; a deploy without the flag keeps Copilot Studio allowed; --no-copilot-studio takes it away,
    // and then the simulator meets the refusal Copilot Studio reports (Teamwork/mcp#67).
    const again = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ changed: false, copilotStudio: true });
    const off = await runCli(['facade', 'deploy', '--no-copilot-studio', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(off.code, off.stderr).toBe(0);
    expect(off.json()).toMatchObject({ changed: true, copilotStudio: false });
    expect(off.state()).toMatchObject({ facade: { copilotStudio: false } });
    const refused = await deployedNetwork(serverUrl!);
    expect(refused.env.FACADE_COPILOT_STUDIO).toBeUndefined();
    const err = await connectLikeCopilotStudio({ serverUrl: serverUrl!, fetch: refused.fetch, toolName: 'Weather gateway', user }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopilotStudioError);
    expect(String((err as Error).message)).toMatch(/^GetDynamicClientRegistrationResultAsync failed\. Status Code: BadRequest, Response: .*invalid_redirect_uri.*--copilot-studio/);
  });
});
