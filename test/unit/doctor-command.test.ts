/**
 * doctor through main(): the SDK mocked (aws-sdk-client-mock), so errors go through the real
 * error mapping. Offline never touches AWS; failing checks print the report once and exit 1;
 * a check that cannot run is a skip with the reason.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient,
  DescribeManagedLoginBrandingByClientCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolClientsCommand,
  ListUsersCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient, GetGatewayCommand, ListGatewayTargetsCommand, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { main } from '../../src/cli.js';
import { CaptureStream, stripAnsi, testCtx } from './helpers.js';
import { doctor } from '../../src/commands/doctor.js';
import { accessToken, makeJwt, startFakeOAuthServer, type FakeServer } from '../fixtures/fake-oauth-server.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const agentcore = mockClient(BedrockAgentCoreControlClient);
const POOL = 'us-east-1_AbC123xyz';
const CLIENT = 'client1234567890';
const GW = 'mcp-gw-abc1234567';
const REDIRECT = 'https://global.consent.azure-apim.net/redirect/abc';

const client = (o: Partial<UserPoolClientType> = {}): UserPoolClientType => ({
  UserPoolId: POOL,
  ClientId: CLIENT,
  ClientName: 'copilot-studio-mcp',
  ClientSecret: 'super-secret-value',
  AllowedOAuthFlows: ['code'],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthScopes: ['openid', 'email', 'profile', 'mcp/invoke'],
  SupportedIdentityProviders: ['COGNITO'],
  CallbackURLs: [REDIRECT],
  ...o,
});
const gateway = (jwt: Record<string, unknown> = {}): GetGatewayResponse =>
  ({
    gatewayId: GW,
    name: 'mcp-gw',
    status: 'READY',
    gatewayUrl: `https://${GW}.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp`,
    roleArn: 'arn:aws:iam::123456789012:role/gw',
    authorizerType: 'CUSTOM_JWT',
    protocolType: 'MCP',
    protocolConfiguration: { mcp: { supportedVersions: ['2025-03-26'] } },
    authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: [CLIENT], allowedScopes: ['mcp/invoke'], ...jwt } },
  }) as GetGatewayResponse;

function healthy(o: { client?: Partial<UserPoolClientType>; jwt?: Record<string, unknown>; managedLogin?: number } = {}) {
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'mcp-gateway', Domain: 'mcp-test', Policies: { PasswordPolicy: { TemporaryPasswordValidityDays: 7 } } } });
  cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'mcp-test', UserPoolId: POOL, Status: 'ACTIVE', ...(o.managedLogin ? { ManagedLoginVersion: o.managedLogin } : {}) } });
  cognito.on(ListResourceServersCommand).resolves({ ResourceServers: [{ Identifier: 'mcp', Name: 'MCP', UserPoolId: POOL, Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'x' }] }] });
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: client(o.client) });
  cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: CLIENT, ClientName: 'copilot-studio-mcp', UserPoolId: POOL }] });
  cognito.on(ListUsersCommand).resolves({ Users: [] });
  agentcore.on(GetGatewayCommand).resolves(gateway(o.jwt));
  agentcore.on(ListGatewayTargetsCommand).resolves({ items: [] });
}

function stateFile(extra: object = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-doctor-unit-'));
  const path = join(dir, 'mcp-cognito.json');
  writeFileSync(path, JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }], gatewayId: GW, ...extra }));
  return path;
}

async function run(args: string[], o: { aws?: 'throw'; state?: string; tty?: boolean; fullReport?: () => void } = {}) {
  const stdout = new CaptureStream(o.tty);
  const stderr = new CaptureStream(o.tty);
  const deps = {
    stdout,
    stderr,
    ...(o.fullReport ? { fullReport: o.fullReport } : {}),
    env: { AWS_REGION: 'us-east-1' },
    stdinIsTTY: false,
    ...(o.aws === 'throw'
      ? {
          aws: {
            cognito: () => {
              throw new Error('the AWS SDK must not be loaded');
            },
            agentcore: () => {
              throw new Error('the AWS SDK must not be loaded');
            },
          },
        }
      : {}),
  };
  const code = await main(['node', 'mcp-cognito', 'doctor', '--state', o.state ?? stateFile(), ...args], deps);
  return { code, stdout: stdout.text(), stderr: stderr.text(), json: () => JSON.parse(stdout.text()) as any };
}

beforeEach(() => {
  cognito.reset();
  agentcore.reset();
});

describe('doctor --offline', () => {
  it('explains a symptom without touching AWS', async () => {
    const r = await run(['--offline', '--error', 'unsupported_grant_type', '--no-color'], { aws: 'throw' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Symptom: Unsupported grant type/);
    expect(r.stdout).toMatch(/Note: Often said to mean "the client lacks the code flow"; it does not/);
    // Plain language: no catalogue row codes, trust tags or references to a table or guide.
    expect(r.stdout).not.toMatch(/\bT5\b|\[[CR?]\]|original troubleshooting table|the guide/);
    expect(cognito.calls()).toHaveLength(0);
    expect(agentcore.calls()).toHaveLength(0);
  });

  it('lists the catalogue without --error, and --json is one document', async () => {
    const r = await run(['--offline', '--json'], { aws: 'throw' });
    expect(r.code).toBe(0);
    expect(r.json().catalogue.map((e: { id: string }) => e.id)).toContain('gateway-rejects-token');
    expect(r.stdout).not.toMatch(/G1-G7|"[ATGOCF]\d"/);
  });

  it('decodes a --token offline (expiry, token_use), gateway comparisons skipped', async () => {
    const { accessToken } = await import('../fixtures/fake-oauth-server.js');
    const t = accessToken({ region: 'us-east-1', poolId: POOL, clientId: CLIENT, scope: 'mcp/invoke', now: Date.now() - 7200_000 });
    const r = await run(['--offline', '--json', '--token', t], { aws: 'throw' });
    expect(r.code).toBe(1);
    const j = r.json();
    expect(j.error.code).toBe('CHECKS_FAILED');
    expect(j.checks.find((c: { id: string }) => c.id === 'token.expiry').status).toBe('fail');
    expect(j.checks.find((c: { id: string }) => c.id === 'token.client').status).toBe('skip');
    expect(r.stdout + r.stderr).not.toContain(t.split('.')[1]);
  });

  it('an unknown text is said so, exit 0', async () => {
    const r = await run(['--offline', '--error', 'weather is nice', '--json'], { aws: 'throw' });
    expect(r.code).toBe(0);
    expect(r.json().unmatched).toBe('weather is nice');
  });
});

describe('doctor input validation (exit 2, no AWS call)', () => {
  it.each([
    [['--token', 'not.a-jwt'], /--token is not a JWT/],
    [['--redirect-uri', 'not a url'], /--redirect-uri "not a url" is not an absolute URL/],
    [['--pool-id', 'bad'], /--pool-id "bad"/],
    [['--gateway-id', 'Bad_Id!'], /--gateway-id/],
    [['--offline', '--client-id', CLIENT], /--offline explains/],
    [['--error', '  '], /--error needs the text/],
  ])('%j', async (args, message) => {
    const r = await run(args as string[], { aws: 'throw' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('nothing to examine is a usage error', async () => {
    const r = await run(['--no-probes'], { aws: 'throw', state: join(mkdtempSync(join(tmpdir(), 'empty-')), 'none.json') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Nothing to examine/);
  });
});

describe('doctor against mocked AWS', () => {
  it('healthy: exit 0; the report groups checks; the secret is never shown', async () => {
    healthy();
    const r = await run(['--no-probes', '--no-color']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ User pool and domain: \d+ passed/m);
    expect(r.stdout).toMatch(/^✓ Gateway: \d+ passed/m);
    expect(r.stdout).toMatch(/passed, \d+ warnings?, 0 failed, \d+ not checked/);
    expect(r.stdout + r.stderr).not.toContain('super-secret-value');
    // One screen: passes collapsed by area; --verbose lists every check.
    expect(r.stdout.split('\n').length).toBeLessThanOrEqual(30);
    expect(r.stdout).not.toMatch(/\[[a-z-]+\.[a-z.-]+\]/);
    const verbose = await run(['--no-probes', '--no-color', '--verbose']);
    expect(verbose.stdout).toMatch(/✓ The gateway accepts the client: client1234567890 is in allowedClients\. \(gateway\.allowed-clients\)/);
    expect(verbose.stdout.split('\n').length).toBeGreaterThan(40);
  });

  it('a failing check: the human report once on stdout (failures and fixes first), one error line on stderr, exit 1', async () => {
    healthy({ jwt: { allowedClients: ['someoneelse1'] } });
    const r = await run(['--no-probes', '--no-color', '--error', 'insufficient_scope']);
    expect(r.code).toBe(1);
    const out = stripAnsi(r.stdout);
    expect(out.match(/Symptom: The gateway rejects the token/g)).toHaveLength(1);
    expect(out).toMatch(/✗ The gateway does not accept client client1234567890/);
    expect(out.indexOf('Failing (1)')).toBeLessThan(out.indexOf('User pool and domain'));
    expect(out).toContain(`Fix: mcp-cognito authorize-client --gateway-id ${GW} --client-id ${CLIENT}`);
    expect(out).toMatch(/1\. \[confirmed\] The access token's client_id is not in the gateway's allowedClients/);
    expect(r.stderr).toMatch(/Error: 1 check failed: The gateway does not accept client client1234567890\./);
  });

  it('a report of failing checks is the whole course of the command (its code cache is kept, src/lib/code-cache.ts); a failed AWS call is not', async () => {
    healthy({ jwt: { allowedClients: ['someoneelse1'] } });
    const told = vi.fn();
    expect((await run(['--no-probes'], { fullReport: told })).code).toBe(1);
    expect(told).toHaveBeenCalledTimes(1);
    cognito.reset();
    agentcore.reset();
    cognito.onAnyCommand().rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    agentcore.onAnyCommand().rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const denied = vi.fn();
    const r = await run(['--no-probes'], { fullReport: denied });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/check(s)? failed/);
    expect(denied).not.toHaveBeenCalled();
  });

  it('colours the report on a terminal, not with --no-color', async () => {
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      healthy({ jwt: { allowedClients: ['someoneelse1'] } });
      const coloured = await run(['--no-probes'], { tty: true });
      expect(coloured.stdout).toContain('\u001b[31m'); // red for the failing check
      const plain = await run(['--no-probes', '--no-color'], { tty: true });
      expect(plain.stdout).not.toContain('\u001b[');
      expect(stripAnsi(coloured.stdout)).toBe(plain.stdout);
    } finally {
      if (saved !== undefined) process.env.NO_COLOR = saved;
    }
  });

  it('--json failure envelope: success false, CHECKS_FAILED, the checks, summary and symptom', async () => {
    healthy({ jwt: { allowedClients: ['someoneelse1'] } });
    const r = await run(['--no-probes', '--json', '--error', 'insufficient_scope']);
    expect(r.code).toBe(1);
    const j = r.json();
    expect(j).toMatchObject({ success: false, command: 'doctor', error: { code: 'CHECKS_FAILED' }, summary: { fail: 1 }, symptom: { id: 'gateway-rejects-token' } });
    expect(j.symptom.causes[0]).toMatchObject({ id: 'client-not-allowed', verdict: 'confirmed' });
    // Every fix is an mcp-cognito command; the JSON carries no catalogue row code.
    for (const f of [...j.checks.map((c: { fix?: string }) => c.fix), ...j.symptom.causes.map((c: { fix?: string }) => c.fix)].filter(Boolean)) expect(f).toMatch(/^mcp-cognito /);
    expect(r.stdout).not.toMatch(/"(G1-G7|[ATGOCF]\d[a-z]?)"|\[[CR?]\]/);
    expect(j.checks.length).toBeGreaterThan(20);
    for (const c of j.checks) expect(Object.keys(c).sort()).toEqual(expect.arrayContaining(['detail', 'id', 'status', 'title']));
  });

  it('AccessDenied on GetGateway: gateway checks are skips naming the IAM action; the rest still runs', async () => {
    healthy();
    agentcore.on(GetGatewayCommand).rejects(Object.assign(new Error('User is not authorized to perform: bedrock-agentcore:GetGateway'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const r = await run(['--no-probes', '--json']);
    expect(r.code).toBe(0);
    const j = r.json();
    const gw = j.checks.find((c: { id: string }) => c.id === 'gateway.allowed-clients');
    expect(gw).toMatchObject({ status: 'skip', detail: expect.stringMatching(/bedrock-agentcore:GetGateway/) });
    expect(j.checks.find((c: { id: string }) => c.id === 'client.flows').status).toBe('pass');
    // GetGateway was attempted once (reads are shared), not once per check.
    expect(agentcore.commandCalls(GetGatewayCommand)).toHaveLength(1);
  });

  it('managed login v2 without a branding style fails; a branding API the endpoint lacks is a skip', async () => {
    healthy({ managedLogin: 2 });
    cognito.on(DescribeManagedLoginBrandingByClientCommand).rejects(Object.assign(new Error('No branding'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } }));
    let r = await run(['--no-probes', '--json']);
    expect(r.code).toBe(1);
    expect(r.json().checks.find((c: { id: string }) => c.id === 'client.branding')).toMatchObject({
      status: 'fail',
      // create-client adopts the client of that name and assigns the missing branding style.
      fix: 'mcp-cognito create-client --pool-id us-east-1_AbC123xyz --preset copilot-studio --name copilot-studio-mcp',
      aws: expect.stringMatching(/create-managed-login-branding --user-pool-id us-east-1_AbC123xyz --client-id client1234567890 --use-cognito-provided-values/),
    });

    cognito.reset();
    agentcore.reset();
    healthy({ managedLogin: 2 });
    cognito.on(DescribeManagedLoginBrandingByClientCommand).rejects(Object.assign(new SyntaxError('Unexpected token \'<\'\n  Deserialization error: to see the raw response…'), { $metadata: { httpStatusCode: 500 } }));
    r = await run(['--no-probes', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().checks.find((c: { id: string }) => c.id === 'client.branding')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/not available from this endpoint/) });
  });

  it('comma-joined allowedClients entries fail with a merged update (no mcp-cognito command splits them: a todo and the AWS CLI call)', async () => {
    healthy({ jwt: { allowedClients: [`${CLIENT},other1`] } });
    const r = await run(['--no-probes', '--json']);
    const c = r.json().checks.find((x: { id: string }) => x.id === 'gateway.allowed-clients');
    expect(c.status).toBe('fail');
    expect(c.title).toMatch(/malformed/);
    expect(c.fix).toBeUndefined();
    expect(c.todo).toMatch(/one client ID per entry/);
    expect(c.aws).toContain(`"allowedClients":["${CLIENT}","other1"]`);
  });

  it('advertisedScopeMapping: an advertised scope the client is not given warns (invalid_scope at sign-in), one allowedScopes does not accept warns, a consistent one passes', async () => {
    const check = async (jwt: Record<string, unknown>) => {
      healthy({ jwt });
      const r = await run(['--no-probes', '--json']);
      return r.json().checks.find((x: { id: string }) => x.id === 'gateway.advertised-scopes');
    };
    expect(await check({})).toMatchObject({ status: 'pass', detail: expect.stringMatching(/as they are/) });
    const notGiven = await check({ allowedScopes: ['mcp/invoke'], advertisedScopeMapping: { 'mcp/invoke': 'api/invoke' } });
    expect(notGiven).toMatchObject({ status: 'warn', title: expect.stringMatching(/advertises api\/invoke, which .* is not given/) });
    expect(notGiven.aws).toContain('update-gateway');
    const notAccepted = await check({ allowedScopes: ['mcp/invoke'], advertisedScopeMapping: { 'mcp/invoke': 'openid' } });
    expect(notAccepted).toMatchObject({ status: 'warn', title: expect.stringMatching(/advertised scope openid do not pass the gateway's scope rule/) });
    expect(await check({ allowedScopes: ['mcp/invoke', 'openid'], advertisedScopeMapping: { 'mcp/invoke': 'openid' } })).toMatchObject({ status: 'pass' });
    const r = await run(['--no-probes', '--json', '--error', 'invalid_scope']);
    expect(r.json().symptom.causes.map((c: { id: string }) => c.id)).toContain('advertised-scope-not-on-client');
  });

  it('no allowedScopes: the gateway checks no scope, so that passes (no warning), and for insufficient_scope that cause is ruled out, never first', async () => {
    healthy({ jwt: { allowedScopes: undefined } });
    let r = await run(['--no-probes', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().checks.find((x: { id: string }) => x.id === 'gateway.allowed-scopes')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/checks no scope/) });
    expect(r.json().checks.filter((c: { id: string; status: string }) => c.status !== 'pass' && c.id.startsWith('gateway.'))).toEqual([]);
    r = await run(['--no-probes', '--json', '--error', 'insufficient_scope']);
    const causes = r.json().symptom.causes as { id: string; verdict: string }[];
    expect(causes.find((x) => x.id === 'scope-rejected')!.verdict).toBe('ruled-out');
    expect(causes[0]!.id).not.toBe('scope-rejected');
  });

  it('learns the pool from the gateway when only --gateway-id is known', async () => {
    healthy();
    const r = await run(['--no-probes', '--json', '--gateway-id', GW], { state: join(mkdtempSync(join(tmpdir(), 'empty-')), 'none.json') });
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.target).toMatchObject({ userPoolId: POOL, gatewayId: GW, clientIds: [CLIENT] });
    expect(agentcore.commandCalls(GetGatewayCommand)).toHaveLength(1);
  });

  it('--redirect-uri is checked on the client that uses it, not on every browser client', async () => {
    healthy();
    cognito.on(DescribeUserPoolClientCommand, { ClientId: 'web1234' }).resolves({ UserPoolClient: client({ ClientId: 'web1234', ClientName: 'mcp-web', CallbackURLs: ['https://app.example.com/cb'] }) });
    const state = stateFile({ clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }, { clientId: 'web1234', name: 'mcp-web', preset: 'web' }] });
    let r = await run(['--no-probes', '--json', '--redirect-uri', REDIRECT], { state });
    let checks = r.json().checks as { id: string; status: string; detail: string }[];
    expect(checks.find((c) => c.id === `client.redirect-uri@${CLIENT}`)!.status).toBe('pass');
    expect(checks.find((c) => c.id === 'client.redirect-uri@web1234')).toMatchObject({ status: 'skip', detail: expect.stringContaining(`checked on ${CLIENT}`) });

    // Registered nowhere: checked (and failed) on the Copilot Studio client only.
    r = await run(['--no-probes', '--json', '--redirect-uri', 'https://global.consent.azure-apim.net/redirect/new'], { state });
    checks = r.json().checks;
    expect(r.code).toBe(1);
    expect(checks.find((c) => c.id === `client.redirect-uri@${CLIENT}`)!.status).toBe('fail');
    expect(checks.find((c) => c.id === 'client.redirect-uri@web1234')!.status).toBe('skip');
  });

  it('no credentials: one CREDENTIALS error, exit 1, not a report of checks that could not run', async () => {
    healthy();
    cognito.on(DescribeUserPoolCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    for (const json of [true, false]) {
      const r = await run(['--no-probes', '--no-color', ...(json ? ['--json'] : [])]);
      expect(r.code).toBe(1);
      if (json) expect(r.json()).toMatchObject({ success: false, error: { code: 'CREDENTIALS' } });
      else expect(r.stderr).toMatch(/No valid AWS credentials for DescribeUserPool/);
      expect(r.stdout + r.stderr).not.toMatch(/Not checked|not checked|passed/);
    }
    // The first read failed: nothing else was attempted.
    expect(agentcore.commandCalls(GetGatewayCommand)).toHaveLength(0);
  });

  it('no access to the first read: ACCESS_DENIED naming the action, exit 1', async () => {
    healthy();
    cognito.on(DescribeUserPoolCommand).rejects(Object.assign(new Error('User: arn:aws:iam::123456789012:user/x is not authorized to perform: cognito-idp:DescribeUserPool'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const r = await run(['--no-probes', '--json']);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ success: false, error: { code: 'ACCESS_DENIED', message: expect.stringContaining('cognito-idp:DescribeUserPool') } });
    expect(r.json().checks).toBeUndefined();
  });

  it('an unknown symptom is said honestly: what matched (nothing), what ran, and the exit code that follows', async () => {
    healthy();
    const r = await run(['--no-probes', '--no-color', '--error', 'the weather is nice']);
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/No known symptom matches "the weather is nice"\. \d+ checks ran \(0 failed, \d+ warnings?, \d+ not checked\): they are below, and doctor exits 0 by them\./);
    const off = await run(['--offline', '--no-color', '--error', 'the weather is nice'], { aws: 'throw' });
    expect(off.stdout).toMatch(/Nothing was checked \(--offline\), so doctor exits 0\./);
    expect(off.stdout).not.toMatch(/all checks ran/);
  });

  it('the Copilot Studio client still waiting for its redirect URL is a next step, not a warning', async () => {
    healthy({ client: { CallbackURLs: ['https://placeholder.example.com'] } });
    const r = await run(['--no-probes', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[!✗] .*(redirect URL|placeholder)/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/Next steps • After you create the tool in Copilot Studio, it shows a redirect URL .* Register it: mcp-cognito add-callback <the redirect URL> --client-id client1234567890/);
    const j = (await run(['--no-probes', '--json'])).json();
    expect(j.nextSteps).toHaveLength(1);
    expect(j.checks.find((c: { id: string }) => c.id === 'client.callbacks')).toMatchObject({ status: 'pass', next: expect.stringContaining('add-callback') });
  });

  it('a gateway without MCP 2025-03-26: the fix is authorize-client --mcp-version; a gateway that is UPDATING says so in its title', async () => {
    healthy();
    agentcore.on(GetGatewayCommand).resolves({ ...gateway(), status: 'UPDATING', protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } } } as GetGatewayResponse);
    const j = (await run(['--no-probes', '--json'])).json();
    expect(j.checks.find((c: { id: string }) => c.id === 'gateway.protocol-version')).toMatchObject({ status: 'warn', fix: `mcp-cognito authorize-client --gateway-id ${GW} --mcp-version 2025-03-26` });
    expect(j.checks.find((c: { id: string }) => c.id === 'gateway.status')).toMatchObject({ status: 'warn', title: 'Gateway mcp-gw is UPDATING' });
  });

  it('a client with the redirect URL of Claude Code fails with the façade as the fix', async () => {
    healthy({ client: { ClientSecret: undefined, CallbackURLs: ['http://localhost:8765/callback'] } });
    const state = stateFile({ clients: [{ clientId: CLIENT, name: 'claude-code', preset: 'web' }] });
    const r = await run(['--no-probes', '--json'], { state });
    expect(r.code).toBe(1);
    expect(r.json().checks.find((c: { id: string }) => c.id === 'client.oauth-metadata')).toMatchObject({ status: 'fail', title: 'Claude Code cannot sign in through Cognito directly', detail: expect.stringMatching(/code_challenge_methods_supported.*registration endpoint/), fix: 'mcp-cognito facade serve' });
  });

  it('a gateway requiring a custom claim no token of the pool can carry fails; a policy engine in ENFORCE is explained', async () => {
    healthy({ jwt: { customClaims: [{ inboundTokenClaimName: 'department', inboundTokenClaimValueType: 'STRING', authorizingClaimMatchValue: { claimMatchOperator: 'EQUALS', claimMatchValue: { matchValueString: 'eng' } } }] } });
    agentcore.on(GetGatewayCommand).resolves({ ...gateway({ customClaims: [{ inboundTokenClaimName: 'department', inboundTokenClaimValueType: 'STRING', authorizingClaimMatchValue: { claimMatchOperator: 'EQUALS', claimMatchValue: { matchValueString: 'eng' } } }] }), policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe1', mode: 'ENFORCE' } } as GetGatewayResponse);
    const r = await run(['--no-probes', '--json', '--error', 'tools/call denied by policy']);
    const j = r.json();
    expect(j.checks.find((c: { id: string }) => c.id === 'gateway.custom-claims')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/department equals "eng".*pre-token-generation trigger/) });
    // A CUSTOM_JWT gateway: the AUTHENTICATE_ONLY cause is ruled out.
    expect(j.symptom).toMatchObject({ id: 'denied-by-policy', causes: [{ id: 'policy-engine-denies', verdict: 'possible' }, { id: 'authorization-offloaded', verdict: 'ruled-out' }] });
  });

  it('--refresh-token takes only - (never the token itself on the command line), and needs the live token URL', async () => {
    for (const [args, message] of [
      [['--refresh-token', 'eyJabc.def'], /--refresh-token takes -/],
      [['--refresh-token', '-', '--offline', '--error', 'x'], /cannot run with --offline/],
      [['--refresh-token', '-', '--no-probes'], /cannot run with --no-probes/],
      [['--refresh-token', '-', '--token', '-'], /cannot both read stdin/],
    ] as const) {
      vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from('REFRESHTOKENVALUE-0123456789abcdefghij')]) as unknown as typeof process.stdin);
      const r = await run([...args], { aws: 'throw' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout + r.stderr).not.toContain('REFRESHTOKENVALUE');
      vi.restoreAllMocks();
    }
  });

  it('doctor() (for init) returns failing checks without throwing', async () => {
    healthy({ client: { AllowedOAuthFlowsUserPoolClient: false } });
    const t = testCtx({}, { state: { version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'x', preset: 'copilot-studio' }], gatewayId: GW } });
    const r = await doctor({ probes: false }, t.ctx);
    expect(r.summary.fail).toBe(1);
    expect(r.checks.find((c) => c.id === 'client.oauth-enabled')?.status).toBe('fail');
    t.cleanup();
  });
});

describe('doctor --token with live probes: only the cleaned token is sent, nothing of the paste is shown', () => {
  let fake: FakeServer | undefined;
  const savedBase = process.env.MCP_COGNITO_PROBE_BASE;
  afterEach(async () => {
    vi.restoreAllMocks();
    await fake?.close();
    fake = undefined;
    if (savedBase === undefined) delete process.env.MCP_COGNITO_PROBE_BASE;
    else process.env.MCP_COGNITO_PROBE_BASE = savedBase;
  });

  async function startFake() {
    fake = await startFakeOAuthServer({
      region: 'us-east-1',
      poolId: POOL,
      domain: async () => 'mcp-test',
      client: async (id) => (id === CLIENT ? { ClientId: CLIENT, ClientSecret: 'super-secret-value', AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid', 'mcp/invoke'], CallbackURLs: [REDIRECT] } : undefined),
      resourceScopes: async () => ['mcp/invoke'],
      gateway: async () => ({ discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: [CLIENT], allowedScopes: ['mcp/invoke'], supportedVersions: ['2025-03-26'] }),
    });
    process.env.MCP_COGNITO_PROBE_BASE = fake.url;
    return fake;
  }

  const token = accessToken({ region: 'us-east-1', poolId: POOL, clientId: CLIENT, scope: 'mcp/invoke' });
  const idToken = makeJwt({ token_use: 'id', aud: CLIENT, iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`, email: 'idtokenperson@example.com' });
  const REFRESH = 'REFRESHSECRET123-eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.opaque';
  const pretty = JSON.stringify({ id_token: idToken, access_token: token, refresh_token: REFRESH, expires_in: 3600, token_type: 'Bearer' }, null, 2);
  const oneLine = JSON.stringify({ access_token: token, refresh_token: REFRESH, id_token: idToken, token_type: 'Bearer' });

  it.each([
    ['a pretty-printed token response on stdin (--token -)', pretty, 'stdin'],
    ['Bearer <jwt> on stdin (--token -)', `Bearer ${token}\n`, 'stdin'],
    ['a one-line token response as the argument', oneLine, 'arg'],
    ['Authorization: Bearer <jwt> as the argument', `Authorization: Bearer ${token}`, 'arg'],
  ] as const)('%s', async (_name, paste, via) => {
    for (const json of [true, false]) {
      healthy();
      const f = await startFake();
      if (via === 'stdin') vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(paste)]) as unknown as typeof process.stdin);
      const r = await run(['--no-color', ...(json ? ['--json'] : []), '--token', via === 'stdin' ? '-' : paste]);
      const out = r.stdout + r.stderr;
      // Nothing of the paste, in any form, on stdout or stderr.
      for (const secret of [token, token.split('.')[1]!, REFRESH, 'REFRESHSECRET123', idToken.split('.')[1]!, 'super-secret-value']) expect(out).not.toContain(secret);
      // The gateway received exactly the cleaned access token (initialize, initialized, tools/list), and the probes passed.
      const mcp = f.requests.filter((q) => q.path === '/mcp' && q.auth === 'Bearer');
      expect(mcp.length).toBeGreaterThanOrEqual(2);
      expect(mcp.map((q) => q.bearer)).toEqual(mcp.map(() => token));
      if (json) {
        const checks = r.json().checks as { id: string; status: string; detail: string }[];
        expect(checks.find((c) => c.id === 'probe.mcp-initialize')).toMatchObject({ status: 'pass', detail: expect.stringContaining(`the --token client ${CLIENT}`) });
        expect(checks.find((c) => c.id === 'probe.mcp-tools-list')!.status).toBe('pass');
        expect(checks.find((c) => c.id === 'token.use')!.status).toBe('pass');
      } else expect(r.stdout).toMatch(/^. Live probes: .*\d+ passed/m);
      await f.close();
      fake = undefined;
      vi.restoreAllMocks();
    }
  });
});

describe('doctor names where a pool ID came from (not --pool-id when it was not passed)', () => {
  it("the state file's pool in another Region than --region", async () => {
    const r = await run(['--no-probes', '--region', 'us-east-1'], { aws: 'throw', state: stateFile({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123xyz' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The state file's user pool eu-west-1_AbC123xyz is in eu-west-1, but --region is us-east-1/);
    expect(r.stderr).not.toMatch(/--pool-id eu-west-1/);
  });

  it("the --token's pool: malformed, or in another Region than --region", async () => {
    const state = stateFile({ userPoolId: undefined, gatewayId: undefined, clients: [] });
    const bad = makeJwt({ token_use: 'access', client_id: CLIENT, iss: 'https://cognito-idp.us-east-1.amazonaws.com/bogus_pool1', exp: Math.floor(Date.now() / 1000) + 3600 });
    let r = await run(['--no-probes', '--token', bad], { aws: 'throw', state });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The user pool in the --token's issuer \(https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/bogus_pool1\) "bogus_pool1" is not a Cognito user pool ID/);
    expect(r.stderr).not.toMatch(/--pool-id "bogus_pool1"/);

    const eu = accessToken({ region: 'eu-west-1', poolId: 'eu-west-1_AbC123xyz', clientId: CLIENT, scope: 'mcp/invoke' });
    r = await run(['--no-probes', '--region', 'us-east-1', '--token', eu], { aws: 'throw', state });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/The user pool in the --token's issuer .*, eu-west-1_AbC123xyz, is in eu-west-1, but --region is us-east-1/);
    expect(r.stderr).not.toMatch(/--pool-id eu-west-1/);
  });

  it("the --token's pool is used (and fixes the Region) when nothing else names one", async () => {
    healthy();
    const state = stateFile({ userPoolId: undefined, gatewayId: undefined, clients: [] });
    const t = accessToken({ region: 'us-east-1', poolId: POOL, clientId: CLIENT, scope: 'mcp/invoke' });
    const r = await run(['--no-probes', '--json', '--token', t], { state });
    expect(r.json().target).toMatchObject({ region: 'us-east-1', userPoolId: POOL, clientIds: [CLIENT] });
  });
});
