/**
 * doctor's live probes against the emulator front's data planes (test/emulator/dataplane), as every other e2e test:
 * the front holds the pool, clients, user and gateway (over moto) and serves the hosts they have on AWS, routed by
 * X-Forwarded-Host only — a probe that did not name the host it has on AWS would reach the control plane and fail.
 * Covers the one-hop authorize probe on a managed-login domain without a branding style (a real
 * UpdateUserPoolDomain and CreateManagedLoginBranding), and `--refresh-token -` with a refresh token from a real
 * sign-in, before and after it is revoked.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateManagedLoginBrandingCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteManagedLoginBrandingCommand,
  UpdateUserPoolDomainCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, type CreateGatewayCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { awsFetch, type FetchLike } from '../emulator/fetch';

const REGION = 'us-east-1';
const REDIRECT = 'https://global.consent.azure-apim.net/redirect/cr123-doctor';
const PASSWORD = 'Corr3ct-Horse!';

interface Check {
  id: string;
  status: string;
  title: string;
  detail: string;
  fix?: string;
}

// One setup for the file (seeded once).
const emu = useEmulator({ resetEachTest: false, gatewayDelayMs: 0 });
let f: FetchLike;
const env = {} as { poolId: string; prefix: string; copilot: string; copilotSecret: string; m2m: string; gw: string; gw2026: string; cwd: string };

beforeAll(async () => {
  const { cognito, agentcore } = sdk(emu.endpoint());
  f = awsFetch(emu.endpoint());

  env.poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!.Id!;
  env.prefix = `mcp-doc-${randomBytes(3).toString('hex')}`;
  await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix }));
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: env.poolId, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
  const copilot = (
    await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: env.poolId, ClientName: 'copilot-studio-mcp', GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'], SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [REDIRECT] }),
    )
  ).UserPoolClient!;
  env.copilot = copilot.ClientId!;
  env.copilotSecret = copilot.ClientSecret!;
  env.m2m = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: env.poolId, ClientName: 'mcp-agent-m2m', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['mcp/invoke'] }))).UserPoolClient!.ClientId!;
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: env.poolId, Username: 'alice', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: env.poolId, Username: 'alice', Password: PASSWORD, Permanent: true }));
  const gateway = async (name: string, supportedVersions: string[]) =>
    (
      await agentcore.send(
        new CreateGatewayCommand({
          name,
          roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
          protocolType: 'MCP',
          protocolConfiguration: { mcp: { supportedVersions } },
          authorizerType: 'CUSTOM_JWT',
          authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.${REGION}.amazonaws.com/${env.poolId}/.well-known/openid-configuration`, allowedClients: [env.copilot, env.m2m], allowedScopes: ['mcp/invoke'] } } as CreateGatewayCommandInput['authorizerConfiguration'],
        }),
      )
    ).gatewayId!;
  env.gw = await gateway('mcp-gw', ['2025-03-26', '2025-06-18']);
  env.gw2026 = await gateway('mcp-gw-2026', ['2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28']);
  env.cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-doctor-dp-'));
  writeFileSync(
    join(env.cwd, 'mcp-cognito.json'),
    JSON.stringify({ version: 1, region: REGION, userPoolId: env.poolId, clients: [{ clientId: env.copilot, name: 'copilot-studio-mcp', preset: 'copilot-studio' }, { clientId: env.m2m, name: 'mcp-agent-m2m', preset: 'm2m' }], gatewayId: env.gw }),
  );
});

// The probes' answers are what these tests are about, not their 4 s timeout (a unit test covers it):
// on a loaded machine the emulator's token endpoint can take longer than that to sign a token.
const PROBE_TIMEOUT_MS = '20000';

async function doctor(args: string[] = [], input?: string) {
  const run = await runCli(['doctor', '--json', ...args], { endpoint: emu.endpoint(), cwd: env.cwd, env: { MCP_COGNITO_PROBE_BASE: emu.endpoint(), MCP_COGNITO_PROBE_TIMEOUT_MS: PROBE_TIMEOUT_MS }, input });
  const json = run.json<{ checks: Check[]; symptom?: { id: string; causes: { id: string; verdict: string }[] } }>();
  const byId = (id: string) => json.checks.find((c) => c.id === id || c.id.startsWith(`${id}@`));
  return { run, json, byId };
}

/** Alice signs in to Copilot Studio's client through the hosted UI; the code is exchanged for tokens. */
async function signIn(): Promise<{ refresh_token: string; access_token: string }> {
  const q = new URLSearchParams({ response_type: 'code', client_id: env.copilot, redirect_uri: REDIRECT, scope: 'openid mcp/invoke', state: 's' });
  const login = (await f(`https://${env.prefix}.auth.${REGION}.amazoncognito.com/oauth2/authorize?${q}`, { redirect: 'manual' })).headers.get('location')!;
  const post = await f(login, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'alice', password: PASSWORD }).toString() });
  const code = new URL(post.headers.get('location')!).searchParams.get('code')!;
  const r = await f(`https://${env.prefix}.auth.${REGION}.amazoncognito.com/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${env.copilot}:${env.copilotSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  return (await r.json()) as { refresh_token: string; access_token: string };
}

describe("doctor's live probes on the emulator's data planes (routed by X-Forwarded-Host only)", () => {
  it('a healthy setup: every probe passes, each request addressed to the host it has on AWS', async () => {
    const { run, byId } = await doctor();
    expect(run.code, run.stdout).toBe(0);
    for (const id of ['probe.discovery', 'probe.gateway-401', 'probe.resource-metadata', 'probe.authorize', 'probe.m2m-token', 'probe.mcp-initialize', 'probe.mcp-tools-list']) expect(byId(id)?.status, `${id}: ${byId(id)?.detail}`).toBe('pass');
    expect(byId('probe.authorize')!.detail).toMatch(/→ \/login: the login page \(HTTP 200\)/);
    // The gateway does not list MCP 2026-07-28: initialize, and doctor says what a client of 2026-07-28 gets.
    expect(byId('probe.mcp-initialize')).toMatchObject({ title: 'MCP initialize succeeds with the token', detail: expect.stringContaining('Clients of MCP 2026-07-28 (Claude Code, the 2.x MCP SDKs) get a 2025 version the gateway lists (2025-03-26, 2025-06-18) through initialize') });
  });

  it('a gateway that lists MCP 2026-07-28: the probe is server/discover, then a stateless tools/list; it says which version clients get', async () => {
    const { run, byId } = await doctor(['--gateway-id', env.gw2026, '--client-id', env.m2m]);
    expect(run.code, run.stdout).toBe(0);
    expect(byId('probe.mcp-initialize')).toMatchObject({
      status: 'pass',
      title: 'MCP server/discover (2026-07-28) succeeds with the token',
      detail: expect.stringMatching(/server\/discover with a token of mcp-agent-m2m .*→ supportedVersions 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28, server mcp-gw-2026, resultType complete: clients of MCP 2026-07-28 \(Claude Code, the 2.x MCP SDKs\) get 2026-07-28: no initialize, no session; clients of 2025 versions \(Copilot Studio: 2025-03-26\) still initialize\./),
    });
    expect(byId('probe.mcp-tools-list')).toMatchObject({ status: 'pass' });
  });

  it('managed login without a branding style: "Login pages unavailable" is seen on the login page the authorize URL redirects to', async () => {
    const { cognito } = sdk(emu.endpoint());
    await cognito.send(new UpdateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix, ManagedLoginVersion: 2 }));
    try {
      const { run, byId } = await doctor(['--client-id', env.copilot]);
      expect(run.code).toBe(1);
      expect(byId('probe.authorize')).toMatchObject({ status: 'fail', title: `copilot-studio-mcp (${env.copilot}) has no login page ("Login pages unavailable")`, detail: expect.stringMatching(/→ \/login says "Login pages unavailable"/), fix: `mcp-cognito create-client --pool-id ${env.poolId} --preset copilot-studio --name copilot-studio-mcp` });
      const style = (await cognito.send(new CreateManagedLoginBrandingCommand({ UserPoolId: env.poolId, ClientId: env.copilot, UseCognitoProvidedValues: true }))).ManagedLoginBranding!;
      expect((await doctor(['--client-id', env.copilot])).byId('probe.authorize')!.status).toBe('pass');
      await cognito.send(new DeleteManagedLoginBrandingCommand({ UserPoolId: env.poolId, ManagedLoginBrandingId: style.ManagedLoginBrandingId }));
    } finally {
      await cognito.send(new UpdateUserPoolDomainCommand({ UserPoolId: env.poolId, Domain: env.prefix, ManagedLoginVersion: 1 }));
    }
  });

  it('--refresh-token -: a refresh token from a real sign-in works; once revoked, doctor says the session cannot continue', async () => {
    const tokens = await signIn();
    expect(tokens.refresh_token).toBeTruthy();
    let { run, json, byId } = await doctor(['--refresh-token', '-'], `${tokens.refresh_token}\n`);
    expect(byId('probe.refresh-token'), run.stdout).toMatchObject({ status: 'pass', detail: expect.stringMatching(/a new access token .*refresh tokens of this client last 30 days/) });
    expect(run.stdout + run.stderr).not.toContain(tokens.refresh_token);

    await f(`https://${env.prefix}.auth.${REGION}.amazoncognito.com/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${env.copilot}:${env.copilotSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.refresh_token }).toString(),
    });
    ({ run, json, byId } = await doctor(['--refresh-token', '-', '--error', 'Copilot Studio calls fail with 401 after an hour'], tokens.refresh_token));
    expect(run.code).toBe(1);
    expect(byId('probe.refresh-token')).toMatchObject({ status: 'fail', title: 'The refresh token no longer works (invalid_grant)' });
    expect(json.symptom?.id).toBe('copilot-reconnect');
    expect(json.symptom?.causes[0]?.verdict).toBe('confirmed');
    expect(run.stdout + run.stderr).not.toContain(tokens.refresh_token);
  });
});
