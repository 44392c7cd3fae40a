/**
 * doctor against moto: a healthy setup passes; each seeded fault fails with the check that names
 * the cause and the fix command. Live probes run against the local fake Cognito/gateway server
 * (test/fixtures/fake-oauth-server.ts), which answers from moto's state.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolClientCommand,
  UpdateResourceServerCommand,
  type CreateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateGatewayCommand, CreateGatewayTargetCommand, type CreateGatewayCommandInput } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useMoto } from './moto';
import { runCli } from './run-cli';
import { accessToken, makeJwt, motoBackend, startFakeOAuthServer, type FakeServer } from '../fixtures/fake-oauth-server';

const REGION = 'us-east-1';
const COPILOT_REDIRECT = 'https://global.consent.azure-apim.net/redirect/cr123-5fmcp-20server-5f0123456789abcdef';

interface Check {
  id: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix?: string;
  todo?: string;
  aws?: string;
  next?: string;
}
interface DoctorJson {
  success: boolean;
  command: string;
  checks: Check[];
  summary: { pass: number; warn: number; fail: number; skip: number };
  symptom?: { id: string; causes: { id: string; verdict: string; evidence: string; fix: string }[]; correction?: string };
  error?: { code: string; message: string };
}

interface Seed {
  poolId: string;
  copilotId: string;
  m2mId: string;
  gatewayId: string;
  cwd: string;
}

interface SeedOptions {
  domain?: boolean;
  copilot?: Partial<CreateUserPoolClientCommandInput>;
  m2m?: Partial<CreateUserPoolClientCommandInput>;
  /** Changes to the customJWTAuthorizer (undefined values remove a key). */
  jwt?: (ids: { poolId: string; copilotId: string; m2mId: string }) => Record<string, unknown>;
  supportedVersions?: string[];
  targetScopes?: string[];
  forceChangeUser?: boolean;
  /** Scope names of the `mcp` resource server (default invoke). */
  rsScopes?: string[];
}

async function seed(endpoint: string, o: SeedOptions = {}): Promise<Seed> {
  const { cognito, agentcore } = sdk(endpoint);
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  const poolId = pool.Id!;
  if (o.domain !== false) await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: `mcp-doc-${randomBytes(3).toString('hex')}` }));
  await cognito.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'mcp', Name: 'MCP Server Access', Scopes: (o.rsScopes ?? ['invoke']).map((n) => ({ ScopeName: n, ScopeDescription: n === 'invoke' ? 'Invoke MCP server tools' : n })) }));
  const copilot = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'copilot-studio-mcp',
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'],
        SupportedIdentityProviders: ['COGNITO'],
        CallbackURLs: [COPILOT_REDIRECT],
        ...o.copilot,
      }),
    )
  ).UserPoolClient!;
  const m2m = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: 'mcp-agent-m2m',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['mcp/invoke'],
        ...o.m2m,
      }),
    )
  ).UserPoolClient!;
  const ids = { poolId, copilotId: copilot.ClientId!, m2mId: m2m.ClientId! };
  const jwt: Record<string, unknown> = {
    discoveryUrl: `https://cognito-idp.${REGION}.amazonaws.com/${poolId}/.well-known/openid-configuration`,
    allowedClients: [ids.copilotId, ids.m2mId],
    allowedScopes: ['mcp/invoke'],
    ...o.jwt?.(ids),
  };
  for (const k of Object.keys(jwt)) if (jwt[k] === undefined) delete jwt[k];
  const gw = await agentcore.send(
    new CreateGatewayCommand({
      name: 'mcp-gw',
      roleArn: 'arn:aws:iam::123456789012:role/gateway-role',
      protocolType: 'MCP',
      protocolConfiguration: { mcp: { supportedVersions: o.supportedVersions ?? ['2025-03-26', '2025-06-18'] } },
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: { customJWTAuthorizer: jwt } as unknown as CreateGatewayCommandInput['authorizerConfiguration'],
    }),
  );
  await agentcore.send(
    new CreateGatewayTargetCommand({
      gatewayIdentifier: gw.gatewayId!,
      name: 'tools',
      targetConfiguration: { mcp: { mcpServer: { endpoint: 'https://tools.example.com/mcp' } } },
      credentialProviderConfigurations: [
        {
          credentialProviderType: 'OAUTH',
          credentialProvider: { oauthCredentialProvider: { providerArn: `arn:aws:bedrock-agentcore:${REGION}:123456789012:token-vault/default/oauth2credentialprovider/tools-m2m`, scopes: o.targetScopes ?? ['mcp/invoke'] } },
        },
      ],
    }),
  );
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tester@example.com', TemporaryPassword: 'Temp-Passw0rd!', MessageAction: 'SUPPRESS' }));
  if (!o.forceChangeUser) await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'tester@example.com', Password: 'Perm-Passw0rd!', Permanent: true }));

  const cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-doctor-'));
  writeFileSync(
    join(cwd, 'mcp-cognito.json'),
    JSON.stringify({
      version: 1,
      region: REGION,
      userPoolId: poolId,
      resourceServer: { identifier: 'mcp', scopes: ['invoke'] },
      clients: [
        { clientId: ids.copilotId, name: 'copilot-studio-mcp', preset: 'copilot-studio' },
        { clientId: ids.m2mId, name: 'mcp-agent-m2m', preset: 'm2m' },
      ],
      gatewayId: gw.gatewayId,
    }),
  );
  return { ...ids, gatewayId: gw.gatewayId!, cwd };
}

const byId = (r: DoctorJson, id: string) => r.checks.find((c) => c.id === id || c.id.startsWith(`${id}@`));
const failing = (r: DoctorJson) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('doctor (moto)', () => {
  const moto = useMoto();
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function doctor(s: Seed, args: string[] = [], env: Record<string, string> = {}, input?: string) {
    const run = await runCli(['doctor', '--json', ...args], { endpoint: moto.endpoint(), cwd: s.cwd, env, input });
    const json = run.json<DoctorJson>();
    // Over every seeded fault: each fix is an mcp-cognito command, and nothing a user sees names a catalogue row.
    for (const f of [...(json.checks ?? []).map((c) => c.fix), ...(json.symptom?.causes ?? []).map((c) => c.fix)]) if (f !== undefined) expect(f).toMatch(/^mcp-cognito /);
    expect(run.stdout).not.toMatch(/"(G1-G7|[ATGOCF]\d[a-z]?)"|\[[CR?]\]|original troubleshooting table|Step \d of the guide/);
    return { run, json };
  }

  it('passes a healthy setup: exit 0, no failing check, probes skipped against the emulator, nothing read twice', async () => {
    const s = await seed(moto.endpoint());
    const { run, json } = await doctor(s);
    expect(failing(json), run.stdout).toEqual([]);
    expect(run.code).toBe(0);
    expect(json.success).toBe(true);
    expect(json.summary.fail).toBe(0);
    // Both clients from the state file are examined (ids carry @clientId).
    expect(byId(json, `gateway.allowed-clients@${s.copilotId}`)?.status).toBe('pass');
    expect(byId(json, `gateway.allowed-clients@${s.m2mId}`)?.status).toBe('pass');
    expect(byId(json, 'gateway.protocol-version')?.status).toBe('pass');
    expect(byId(json, 'users.status')?.status).toBe('pass');
    // moto lacks GetOauth2CredentialProvider: a skip with the reason, not a crash.
    expect(byId(json, 'targets.credential-provider')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/GetOauth2CredentialProvider is not available/) });
    for (const id of ['probe.discovery', 'probe.authorize', 'probe.m2m-token']) expect(byId(json, id)).toMatchObject({ status: 'skip', detail: expect.stringMatching(/emulator/) });
    // Only reads, each resource once (the SDK retries moto's HTTP 500 for the unimplemented
    // GetOauth2CredentialProvider: those are retries of one call, not second reads).
    const keys = run.requests.filter((r) => r.operation !== 'GetOauth2CredentialProvider').map((r) => `${r.operation} ${r.path ?? ''} ${JSON.stringify(r.input)}`);
    expect(run.requests.every((r) => /^(Describe|Get|List|AdminGet)/.test(r.operation))).toBe(true);
    expect(keys.length).toBe(new Set(keys).size);
    // The secret read from DescribeUserPoolClient is never printed.
    expect(run.stdout + run.stderr).not.toMatch(/ClientSecret"\s*:\s*"[^<]/);
  });

  it('runs the live probes against a local server: discovery, authorize (one hop, to the login page), M2M token, initialize, tools/list', async () => {
    const s = await seed(moto.endpoint());
    fake = await startFakeOAuthServer(motoBackend(sdk(moto.endpoint()), { region: REGION, poolId: s.poolId, gatewayId: s.gatewayId }));
    const { run, json } = await doctor(s, ['--debug'], { MCP_COGNITO_PROBE_BASE: fake.url });
    expect(failing(json), run.stdout).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/\[debug\] cognito-idp DescribeUserPoolClient/);
    const secret = (await sdk(moto.endpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: s.poolId, ClientId: s.m2mId }))).UserPoolClient!.ClientSecret!;
    expect(run.stdout + run.stderr).not.toContain(secret);
    for (const id of ['probe.discovery', 'probe.gateway-401', 'probe.resource-metadata', 'probe.mcp-initialize', 'probe.mcp-tools-list']) expect(byId(json, id)?.status, id).toBe('pass');
    expect(byId(json, `probe.authorize@${s.copilotId}`)?.status).toBe('pass');
    expect(byId(json, `probe.m2m-token@${s.m2mId}`)?.status).toBe('pass');
    expect(byId(json, `probe.token.client@${s.m2mId}`)?.status).toBe('pass');
    // authorize was followed exactly one hop, to /login on the sign-in host; the token request used client_secret_basic.
    expect(fake.requests.filter((r) => r.path.startsWith('/login'))).toHaveLength(1);
    expect(fake.requests.find((r) => r.path === '/oauth2/token')?.auth).toBe('Basic');
    const tools = fake.requests.find((r) => r.body.includes('tools/list'));
    expect(tools?.headers['mcp-protocol-version']).toBe('2025-03-26');
    expect(tools?.auth).toBe('Bearer');
    // The token and the secret never reach the output.
    expect(run.stdout + run.stderr).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('the human report of a healthy setup fits one screen: passes collapsed by area, no internal codes', async () => {
    const s = await seed(moto.endpoint());
    const human = await runCli(['doctor'], { endpoint: moto.endpoint(), cwd: s.cwd });
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n').length).toBeLessThanOrEqual(30);
    expect(human.stdout).toMatch(/^✓ App clients: \d+ passed/m);
    expect(human.stdout).not.toMatch(/\b[ATGOCF]\d[a-z]?\b|\[[CR?]\]|\[(pool|client|gateway|targets|probe)\./);
    expect(human.stderr).not.toMatch(/Error|warning/i);
  });

  it('without AWS credentials doctor fails with one CREDENTIALS error (exit 1), not a list of checks it could not run', async () => {
    const s = await seed(moto.endpoint());
    const run = await runCli(['doctor', '--json'], { endpoint: moto.endpoint(), cwd: s.cwd, env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(run.code).toBe(1);
    const j = run.json<{ success: boolean; error: { code: string; message: string }; checks?: unknown }>();
    expect(j).toMatchObject({ success: false, error: { code: 'CREDENTIALS', message: expect.stringContaining('DescribeUserPool') } });
    expect(j.checks).toBeUndefined();
    expect(run.requests).toEqual([]);
    const human = await runCli(['doctor'], { endpoint: moto.endpoint(), cwd: s.cwd, env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_EC2_METADATA_DISABLED: 'true' } });
    expect(human.code).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
  });

  it('--refresh-token - exchanges a pasted refresh token at the token URL and says what happened; the token is never shown', async () => {
    const s = await seed(moto.endpoint());
    const good = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.GOODREFRESHPART.iv.ciphertext.tag';
    fake = await startFakeOAuthServer(motoBackend(sdk(moto.endpoint()), { region: REGION, poolId: s.poolId, gatewayId: s.gatewayId, refreshTokens: [good] }));
    let { run, json } = await doctor(s, ['--refresh-token', '-'], { MCP_COGNITO_PROBE_BASE: fake.url }, `${good}\n`);
    expect(byId(json, 'probe.refresh-token')).toMatchObject({ status: 'pass', detail: expect.stringMatching(new RegExp(`grant_type=refresh_token for copilot-studio-mcp \\(${s.copilotId}\\) → a new access token`)) });
    expect(run.stdout + run.stderr).not.toContain('GOODREFRESHPART');
    const revoked = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.REVOKEDPART.iv.ciphertext.tag';
    ({ run, json } = await doctor(s, ['--refresh-token', '-', '--error', "Let's get you connected first"], { MCP_COGNITO_PROBE_BASE: fake.url }, revoked));
    expect(run.code).toBe(1);
    expect(byId(json, 'probe.refresh-token')).toMatchObject({ status: 'fail', title: 'The refresh token no longer works (invalid_grant)' });
    expect(json.symptom?.id).toBe('copilot-reconnect');
    expect(['refresh-token-expired', 'refresh-token-revoked']).toContain(json.symptom?.causes[0]?.id);
    expect(run.stdout + run.stderr).not.toContain('REVOKEDPART');
  });

  it('client missing from allowedClients: fails with authorize-client, and ranks that cause first for --error insufficient_scope', async () => {
    const s = await seed(moto.endpoint(), { jwt: (ids) => ({ allowedClients: [ids.m2mId] }) });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId, '--error', 'insufficient_scope']);
    expect(run.code).toBe(1);
    expect(json.success).toBe(false);
    expect(json.error?.code).toBe('CHECKS_FAILED');
    const c = byId(json, 'gateway.allowed-clients')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toContain(s.copilotId);
    expect(c.fix).toBe(`mcp-cognito authorize-client --gateway-id ${s.gatewayId} --client-id ${s.copilotId}`);
    expect(json.symptom?.id).toBe('gateway-rejects-token');
    expect(json.symptom?.causes[0]).toMatchObject({ id: 'client-not-allowed', verdict: 'confirmed', fix: c.fix });
    expect(json.symptom?.correction).toMatch(/does not say which claim failed/);
    // The symptom's checks come first.
    expect(json.checks[0]!.id).toMatch(/^(gateway\.|token\.|probe\.|client\.)/);
  });

  it('redirect URI not registered: fails with add-callback for that URI; the human report is printed once on stdout', async () => {
    const s = await seed(moto.endpoint());
    const uri = 'https://global.consent.azure-apim.net/redirect/other-connector';
    const { json } = await doctor(s, ['--client-id', s.copilotId, '--redirect-uri', uri]);
    expect(byId(json, 'client.redirect-uri')).toMatchObject({ status: 'fail', fix: `mcp-cognito add-callback ${uri} --client-id ${s.copilotId}` });

    const human = await runCli(['doctor', '--client-id', s.copilotId, '--redirect-uri', uri, '--error', 'redirect_mismatch'], { endpoint: moto.endpoint(), cwd: s.cwd });
    expect(human.code).toBe(1);
    expect(human.stdout.match(/Failing \(\d+\)/g)).toHaveLength(1);
    expect(human.stdout).toContain(`Fix: mcp-cognito add-callback ${uri} --client-id ${s.copilotId}`);
    expect(human.stdout).toMatch(/Symptom: Redirect URL not registered/);
    expect(human.stderr).toMatch(/check.* failed/);
  });

  it('redirect URI registered only with a trailing slash: a near miss', async () => {
    const s = await seed(moto.endpoint(), { copilot: { CallbackURLs: [`${COPILOT_REDIRECT}/`] } });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId, '--redirect-uri', COPILOT_REDIRECT, '--error', 'redirect_mismatch']);
    expect(run.code).toBe(1);
    expect(json.symptom?.causes[0]).toMatchObject({ id: 'redirect-url-near-miss', verdict: 'confirmed' });
    const c = byId(json, 'client.redirect-uri')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/trailing slash/);
    expect(c.fix).toBe(`mcp-cognito add-callback ${COPILOT_REDIRECT} --client-id ${s.copilotId}`);
  });

  it('the probe tells redirect_mismatch apart at /oauth2/authorize', async () => {
    const s = await seed(moto.endpoint(), { copilot: { CallbackURLs: [`${COPILOT_REDIRECT}/`] } });
    fake = await startFakeOAuthServer(motoBackend(sdk(moto.endpoint()), { region: REGION, poolId: s.poolId, gatewayId: s.gatewayId }));
    const { json } = await doctor(s, ['--client-id', s.copilotId, '--redirect-uri', COPILOT_REDIRECT], { MCP_COGNITO_PROBE_BASE: fake.url });
    expect(byId(json, 'probe.authorize')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/redirect_mismatch/) });
  });

  it('a client without the code flow fails client.flows (and explains unsupported_grant_type)', async () => {
    const s = await seed(moto.endpoint(), { copilot: { AllowedOAuthFlows: ['implicit'] } });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId, '--error', 'unsupported_grant_type']);
    expect(run.code).toBe(1);
    const c = byId(json, 'client.flows')!;
    expect(c.status).toBe('fail');
    // No mcp-cognito command changes a client's flows in place: a todo, and the AWS CLI call that resends every setting.
    expect(c.fix).toBeUndefined();
    expect(c.todo).toMatch(/authorization code grant/);
    expect(c.aws).toMatch(/^aws cognito-idp update-user-pool-client --region us-east-1 --cli-input-json /);
    const sent = JSON.parse(/--cli-input-json '(.*)'$/.exec(c.aws!)![1]!) as Record<string, unknown>;
    // code is added; nothing the client had is dropped.
    expect(sent).toMatchObject({ ClientId: s.copilotId, AllowedOAuthFlows: ['implicit', 'code'], AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: [COPILOT_REDIRECT], AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'] });
    expect(sent).not.toHaveProperty('ClientSecret');
    expect(json.symptom?.id).toBe('unsupported-grant-type');
    expect(json.symptom?.correction).toMatch(/unauthorized_client/);
    expect(json.symptom?.causes.find((x) => x.id === 'code-flow-off-not-this')?.verdict).toBe('confirmed');
  });

  it('a client scope missing from the resource server', async () => {
    // AWS refuses a client scope that no resource server defines (ScopeDoesNotExistException), so
    // the scope exists when the client is created and is removed from the resource server after.
    const s = await seed(moto.endpoint(), { rsScopes: ['invoke', 'admin'], copilot: { AllowedOAuthScopes: ['openid', 'mcp/invoke', 'mcp/admin'] } });
    await sdk(moto.endpoint()).cognito.send(new UpdateResourceServerCommand({ UserPoolId: s.poolId, Identifier: 'mcp', Name: 'MCP Server Access', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }] }));
    const { run, json } = await doctor(s, ['--client-id', s.copilotId]);
    expect(run.code).toBe(1);
    expect(byId(json, 'resource-server.scopes')).toMatchObject({ status: 'fail', detail: expect.stringContaining('mcp/admin'), fix: `mcp-cognito init-pool --pool-id ${s.poolId} --resource-server mcp --scope admin` });
  });

  it('OAuth disabled on the client', async () => {
    const s = await seed(moto.endpoint(), { copilot: { AllowedOAuthFlowsUserPoolClient: false } });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId]);
    expect(run.code).toBe(1);
    const c = byId(json, 'client.oauth-enabled')!;
    expect(c.status).toBe('fail');
    expect(c.aws).toMatch(/update-user-pool-client.*"AllowedOAuthFlowsUserPoolClient":true/);
  });

  it('an allowedAudience-only gateway', async () => {
    const s = await seed(moto.endpoint(), { jwt: (ids) => ({ allowedClients: undefined, allowedAudience: [ids.copilotId] }) });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId]);
    expect(run.code).toBe(1);
    const c = byId(json, 'gateway.allowed-audience')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/no aud/);
    expect(c.aws).toMatch(/^aws bedrock-agentcore-control update-gateway /);
    expect(c.aws).toContain(`"allowedClients":["${s.copilotId}"]`);
    expect(c.aws).not.toContain('allowedAudience');
  });

  it('a gateway trusting another pool', async () => {
    const s = await seed(moto.endpoint(), { jwt: () => ({ discoveryUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other123/.well-known/openid-configuration' }) });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId]);
    expect(run.code).toBe(1);
    const c = byId(json, 'gateway.discovery-url')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/eu-west-1_Other123/);
    expect(c.todo).toContain(`https://cognito-idp.us-east-1.amazonaws.com/${s.poolId}/.well-known/openid-configuration`);
    expect(c.aws).toContain(`https://cognito-idp.us-east-1.amazonaws.com/${s.poolId}/.well-known/openid-configuration`);
  });

  it('a pool without a domain', async () => {
    const s = await seed(moto.endpoint(), { domain: false });
    const { run, json } = await doctor(s, ['--client-id', s.copilotId]);
    expect(run.code).toBe(1);
    expect(byId(json, 'pool.domain')).toMatchObject({ status: 'fail', fix: `mcp-cognito init-pool --pool-id ${s.poolId}` });
  });

  it('a gateway target whose OAuth credential provider asks for openid', async () => {
    const s = await seed(moto.endpoint(), { targetScopes: ['openid', 'mcp/invoke'] });
    const { run, json } = await doctor(s, ['--error', 'Failed to fetch outbound oauth token']);
    expect(run.code).toBe(1);
    const c = byId(json, 'targets.oauth-scopes')!;
    expect(c.status).toBe('fail');
    expect(c.detail).toMatch(/openid/);
    expect(c.aws).toMatch(/^aws bedrock-agentcore-control update-gateway-target /);
    expect(c.aws).toContain('"scopes":["mcp/invoke"]');
    expect(json.symptom).toMatchObject({ id: 'outbound-token-failure' });
    expect(json.symptom?.causes[0]).toMatchObject({ id: 'target-asks-oidc-scopes', verdict: 'confirmed' });
  });

  it('tokens: from a client the gateway does not allow, an ID token, an expired token (from stdin)', async () => {
    const s = await seed(moto.endpoint(), { jwt: (ids) => ({ allowedClients: [ids.copilotId] }) });
    const m2mToken = accessToken({ region: REGION, poolId: s.poolId, clientId: s.m2mId, scope: 'mcp/invoke' });
    let { run, json } = await doctor(s, ['--token', m2mToken]);
    expect(run.code).toBe(1);
    expect(byId(json, 'token.client')).toMatchObject({ status: 'fail', fix: `mcp-cognito authorize-client --gateway-id ${s.gatewayId} --client-id ${s.m2mId}` });
    expect(run.stdout + run.stderr).not.toContain(m2mToken.split('.')[1]!);

    const idToken = makeJwt({ token_use: 'id', aud: s.copilotId, iss: `https://cognito-idp.${REGION}.amazonaws.com/${s.poolId}`, exp: Math.floor(Date.now() / 1000) + 3600, email: 'a@example.com' });
    ({ run, json } = await doctor(s, ['--token', idToken, '--error', 'Invalid Bearer token']));
    expect(run.code).toBe(1);
    expect(byId(json, 'token.use')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/ID token/) });
    // The decoded token is direct evidence: G6 first, before the configuration's G1 (the m2m client is not allowed).
    expect(json.symptom?.causes[0]).toMatchObject({ id: 'id-token-sent', verdict: 'confirmed' });
    expect(byId(json, 'token.client')?.status).toBe('skip');

    const expired = accessToken({ region: REGION, poolId: s.poolId, clientId: s.copilotId, scope: 'openid mcp/invoke', now: Date.now() - 3 * 3600_000 });
    ({ run, json } = await doctor(s, ['--token', '-'], {}, `Bearer ${expired}\n`));
    expect(run.code).toBe(1);
    expect(byId(json, 'token.expiry')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/expired/) });
    expect(byId(json, 'token.client')?.status).toBe('pass');
    expect(run.stdout + run.stderr).not.toContain(expired.split('.')[1]!);
  });

  it('--token - with a pasted token response (pretty-printed JSON): the gateway gets only the access token; no token is printed', async () => {
    const s = await seed(moto.endpoint());
    fake = await startFakeOAuthServer(motoBackend(sdk(moto.endpoint()), { region: REGION, poolId: s.poolId, gatewayId: s.gatewayId }));
    const token = accessToken({ region: REGION, poolId: s.poolId, clientId: s.copilotId, scope: 'openid mcp/invoke' });
    const paste = JSON.stringify({ id_token: makeJwt({ token_use: 'id', aud: s.copilotId }), access_token: token, refresh_token: 'REFRESHSECRET123', expires_in: 3600, token_type: 'Bearer' }, null, 2) + '\n';
    // The Copilot Studio client only: no M2M token, so the MCP probes use the pasted one.
    const { run, json } = await doctor(s, ['--client-id', s.copilotId, '--token', '-'], { MCP_COGNITO_PROBE_BASE: fake.url }, paste);
    const human = await runCli(['doctor', '--verbose', '--client-id', s.copilotId, '--token', '-'], { endpoint: moto.endpoint(), cwd: s.cwd, env: { MCP_COGNITO_PROBE_BASE: fake.url }, input: paste });
    for (const out of [run.stdout + run.stderr, human.stdout + human.stderr]) {
      for (const secret of [token, token.split('.')[1]!, 'REFRESHSECRET123']) expect(out).not.toContain(secret);
    }
    expect(human.stdout).toMatch(/MCP initialize succeeds with the token/);
    expect(byId(json, 'probe.mcp-initialize')).toMatchObject({ status: 'pass', detail: expect.stringContaining(`the --token client ${s.copilotId}`) });
    expect(byId(json, 'probe.mcp-tools-list')?.status).toBe('pass');
    const sent = fake.requests.filter((r) => r.path === '/mcp' && r.auth === 'Bearer').map((r) => r.bearer);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(new Set(sent)).toEqual(new Set([token]));
  });

  it('flags a gateway without 2025-03-26 and a user in FORCE_CHANGE_PASSWORD (warnings, exit 0)', async () => {
    const s = await seed(moto.endpoint(), { supportedVersions: ['2025-06-18'], forceChangeUser: true });
    const { run, json } = await doctor(s);
    expect(failing(json)).toEqual([]);
    expect(run.code).toBe(0);
    const v = byId(json, 'gateway.protocol-version')!;
    expect(v.status).toBe('warn');
    // authorize-client adds the version (it resends every other setting of the gateway).
    expect(v.fix).toBe(`mcp-cognito authorize-client --gateway-id ${s.gatewayId} --mcp-version 2025-03-26`);
    // Without a Copilot Studio client, the same command: no raw update-gateway.
    const m2mOnly = await doctor(s, ['--client-id', s.m2mId]);
    expect(byId(m2mOnly.json, 'gateway.protocol-version')!.fix).toBe(`mcp-cognito authorize-client --gateway-id ${s.gatewayId} --mcp-version 2025-03-26`);
    const u = byId(json, 'users.status')!;
    expect(u).toMatchObject({ status: 'warn', detail: expect.stringContaining('tester@example.com') });
    expect(u.fix).toBe(`mcp-cognito create-user --pool-id ${s.poolId} --email tester@example.com`);
    expect(u.aws).toMatch(/admin-set-user-password .*--permanent/);
  });

  it('--offline explains every row of the original troubleshooting table without any AWS call', async () => {
    const rows: [string, string, RegExp?][] = [
      ['insufficient_scope', 'gateway-rejects-token', /does not say which claim failed/],
      ['invalid_scope', 'invalid-scope-at-sign-in'],
      ['redirect_uri mismatch', 'redirect-mismatch', /not a JSON error/],
      ['unsupported_grant_type', 'unsupported-grant-type', /unauthorized_client/],
      ['Failed to fetch outbound oauth token', 'outbound-token-failure', /at least three/],
      ['MCP protocol version 2025-03-26', 'copilot-lists-no-tools'],
    ];
    for (const [text, id, correction] of rows) {
      const run = await runCli(['doctor', '--json', '--offline', '--error', text], { endpoint: 'http://127.0.0.1:9' });
      expect(run.code, text).toBe(0);
      const json = run.json<DoctorJson>();
      expect(json.symptom?.id, text).toBe(id);
      if (correction) expect(json.symptom?.correction).toMatch(correction);
      expect(json.symptom?.causes.every((c) => c.verdict === 'not-checked' && (c.fix || (c as { todo?: string }).todo))).toBe(true);
      expect(run.requests).toEqual([]);
    }
  });
});
