/**
 * The whole journey on the emulator front, with the built CLI and a real MCP client: `init` sets up an adopted pool
 * and its gateway (waiting for READY, no --no-wait) with a sign-in user, `add-callback` registers the redirect URL
 * Copilot Studio shows, then the user signs in through the hosted UI (authorize → /login → code → token with PKCE
 * S256 and the client secret, as Copilot Studio does) and @modelcontextprotocol/sdk's Client lists the gateway's
 * tools over StreamableHTTPClientTransport with that token. Every URL comes from what the CLI printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, GetGatewayCommand, type CreateGatewayCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { awsFetch } from '../emulator/fetch';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const REDIRECT = 'https://global.consent.azure-apim.net/redirect/cr123-signin';
const PASSWORD = 'Corr3ct-Horse!';
const TOOLS = [{ name: 'weather___forecast', description: 'Forecast' }, { name: 'weather___alerts' }];

interface InitOut {
  userPoolId: string;
  authorizationUrl?: string;
  copilotStudio: { clientId: string; clientSecret: string; authorizationUrl: string; tokenUrl: string; scopes: string };
  gateway: { gatewayId: string; gatewayUrl: string; status?: string; updated: boolean };
  user: { username: string; signInName: string; status: string };
}

const emu = useEmulator({ tools: TOOLS });

/** The person in the browser: Copilot Studio's authorize URL → the login page → their name and password → back to Copilot Studio with a code. */
async function signIn(authorizationUrl: string, clientId: string, scope: string, name: string): Promise<{ code: string; verifier: string }> {
  const f = awsFetch(emu.endpoint());
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope, state: 'st8', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  const a = await f(`${authorizationUrl}?${q}`, { redirect: 'manual' });
  expect(a.status).toBe(302);
  const login = a.headers.get('location')!;
  expect(new URL(login).pathname).toBe('/login');
  expect(await (await f(login)).text()).toContain('name="username"');
  const post = await f(login, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: name, password: PASSWORD }).toString() });
  expect(post.status, await post.clone().text()).toBe(302);
  const back = new URL(post.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe('st8');
  return { code: back.searchParams.get('code')!, verifier };
}

/** Copilot Studio's token request: client_secret_post with the code and the PKCE verifier. */
async function exchange(out: InitOut, code: string, verifier: string): Promise<{ access_token: string; refresh_token: string }> {
  const f = awsFetch(emu.endpoint());
  const r = await f(out.copilotStudio.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: out.copilotStudio.clientId, client_secret: out.copilotStudio.clientSecret }).toString(),
  });
  const body = (await r.json()) as { access_token: string; refresh_token: string };
  expect(r.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function listTools(mcpUrl: string, accessToken: string): Promise<string[]> {
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { fetch: awsFetch(emu.endpoint()), requestInit: { headers: { authorization: `Bearer ${accessToken}` } } });
  const client = new Client({ name: 'signin-e2e', version: '1.0.0' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('sign in through the hosted UI after init, and list the gateway tools with the token', () => {
  it('init (waits for READY) + add-callback → authorize → /login → code → token (PKCE) → MCP initialize + tools/list', async () => {
    const seed = (await seedSample(emu.endpoint())) as { gatewayId: string; poolId: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--user-email', 'tester@example.com', '--user-password-stdin', '--no-doctor', '--json'], { endpoint: emu.endpoint(), input: `${PASSWORD}\n` });
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const out = init.json<InitOut>();
    // It waited: the gateway is READY when init returns (the front keeps it UPDATING for 300 ms after the update).
    expect(out.gateway).toMatchObject({ updated: true, status: 'READY' });
    expect(init.requests.filter((c) => c.operation === 'GetGateway').length).toBeGreaterThan(1);
    expect((await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }))).status).toBe('READY');
    // The pool signs in with e-mail addresses: Cognito generated the user name, the address is what to type.
    expect(out.user).toMatchObject({ signInName: 'tester@example.com', status: 'CONFIRMED' });

    const add = await runCli(['add-callback', REDIRECT, '--yes'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(add.code, add.stderr).toBe(0);

    const { code, verifier } = await signIn(out.copilotStudio.authorizationUrl, out.copilotStudio.clientId, out.copilotStudio.scopes, out.user.signInName);
    const tokens = await exchange(out, code, verifier);
    expect(tokens.refresh_token).toBeTruthy();
    expect(await listTools(out.gateway.gatewayUrl, tokens.access_token)).toEqual(TOOLS.map((t) => t.name));
  });

  it('an adopted pool with the e-mail alias: init names the user from the address; the person signs in with the address', async () => {
    const { cognito, agentcore } = sdk(emu.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'alias-pool', AliasAttributes: ['email'] }))).UserPool!.Id!;
    const gw = await agentcore.send(
      new CreateGatewayCommand({
        name: 'alias-gateway',
        roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
        protocolType: 'MCP',
        authorizerType: 'CUSTOM_JWT',
        authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}/.well-known/openid-configuration`, allowedAudience: ['unused-audience'] } } as CreateGatewayCommandInput['authorizerConfiguration'],
      }),
    );
    // A new gateway is CREATING for a moment (the front, like AWS): init refuses to change it until it is READY.
    for (const deadline = Date.now() + 10_000; (await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gw.gatewayId! }))).status !== 'READY'; ) {
      if (Date.now() > deadline) throw new Error('the seeded gateway never became READY');
      await new Promise((r) => setTimeout(r, 50));
    }
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', gw.gatewayId!, '--user-email', 'Ana.Silva@example.com', '--user-password-stdin', '--no-doctor', '--json'], { endpoint: emu.endpoint(), input: `${PASSWORD}\n` });
    expect(init.code, init.stderr + init.stdout).toBe(0);
    const out = init.json<InitOut>();
    expect(out.userPoolId).toBe(poolId);
    expect(out.user).toMatchObject({ username: 'ana.silva', signInName: 'Ana.Silva@example.com', status: 'CONFIRMED' });
    expect(init.requests.find((c) => c.operation === 'AdminCreateUser')?.input).toMatchObject({ Username: 'ana.silva' });
    const add = await runCli(['add-callback', REDIRECT, '--yes'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(add.code, add.stderr).toBe(0);
    const { code } = await signIn(out.copilotStudio.authorizationUrl, out.copilotStudio.clientId, out.copilotStudio.scopes, out.user.signInName);
    expect(code).toMatch(/^[0-9a-f-]{36}$/);
  });
});
