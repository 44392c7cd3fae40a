/**
 * init-pool against a moto server, through the built binary. Asserts what the command did to
 * the emulated AWS (read back through the SDK) and which requests it sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CreateResourceServerCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';
import { runCli, type CliRun } from './run-cli';

const moto = useMoto();
const writes = (r: CliRun) => r.requests.filter((q) => /^(Create|Update|Delete|Admin)/.test(q.operation)).map((q) => q.operation);
const cognito = () => sdk(moto.endpoint()).cognito;
const pools = async () => (await cognito().send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [];

interface InitPoolJson {
  success: boolean;
  command: string;
  userPoolId: string;
  domain: string;
  created: string[];
  updated: string[];
  resourceServer: { identifier: string; scopes: string[] };
  [k: string]: unknown;
}

describe('init-pool (moto)', () => {
  it('creates the pool, the domain and the mcp/invoke resource server; a second run creates nothing', async () => {
    const first = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-x1', '--json'], { endpoint: moto.endpoint() });
    expect(first.code, first.stderr).toBe(0);
    const r = first.json<InitPoolJson>();
    expect(r).toMatchObject({ success: true, command: 'init-pool', region: 'us-east-1', userPoolName: 'p', domain: 'p-x1', created: ['userPool', 'domain', 'resourceServer'], updated: [] });
    expect(r.resourceServer).toEqual({ identifier: 'mcp', name: 'MCP Server Access', scopes: ['mcp/invoke'] });
    expect(r.tokenUrl).toBe('https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token');
    expect(r.discoveryUrl).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${r.userPoolId}/.well-known/openid-configuration`);
    expect(first.stdout.trim().startsWith('{') && first.stdout.trim().endsWith('}')).toBe(true);

    // What moto now holds.
    expect((await pools()).map((p) => [p.Id, p.Name])).toEqual([[r.userPoolId, 'p']]);
    const domain = await cognito().send(new DescribeUserPoolDomainCommand({ Domain: 'p-x1' }));
    expect(domain.DomainDescription).toMatchObject({ UserPoolId: r.userPoolId, Domain: 'p-x1' });
    const rs = await cognito().send(new DescribeResourceServerCommand({ UserPoolId: r.userPoolId, Identifier: 'mcp' }));
    expect(rs.ResourceServer).toMatchObject({ Identifier: 'mcp', Name: 'MCP Server Access', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }] });
    const pool = await cognito().send(new DescribeUserPoolCommand({ UserPoolId: r.userPoolId }));
    expect(pool.UserPool?.UsernameAttributes).toEqual(['email']);
    expect(writes(first)).toEqual(['CreateUserPool', 'CreateUserPoolDomain', 'CreateResourceServer']);
    expect(first.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: r.userPoolId, domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] }, created: { userPool: r.userPoolId, domain: 'p-x1', resourceServer: 'mcp' } });

    // Second run, same directory (same state file): nothing created or updated.
    const second = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-x1', '--json'], { endpoint: moto.endpoint(), cwd: first.cwd });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ userPoolId: r.userPoolId, domain: 'p-x1', created: [], updated: [], resourceServer: { scopes: ['mcp/invoke'] } });
    expect(writes(second)).toEqual([]);
    expect(second.requests.length).toBeGreaterThan(0);
    // What the first run created stays recorded as created when the second adopts it (teardown may still remove it).
    expect((second.state() as { created?: unknown; adopted?: unknown }).created).toEqual({ userPool: r.userPoolId, domain: 'p-x1', resourceServer: 'mcp' });
    expect((second.state() as { adopted?: unknown }).adopted).toBeUndefined();
    expect(await pools()).toHaveLength(1);

    // A run in a fresh directory (no state file) finds the pool by name, on every page.
    const third = await runCli(['init-pool', '--pool-name', 'p'], { endpoint: moto.endpoint() });
    expect(third.code, third.stderr).toBe(0);
    expect(writes(third)).toEqual([]);
    expect(third.stdout).toContain('nothing to change');
    expect(third.requests.filter((q) => q.operation === 'ListUserPools').every((q) => q.input.MaxResults === 60)).toBe(true);
  });

  it('--dry-run: no Create*/Update* request, the plan and the aws commands on stderr, exit 0, nothing in moto', async () => {
    const r = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-x1', '--dry-run'], { endpoint: moto.endpoint() });
    expect(r.code, r.stderr).toBe(0);
    expect(writes(r)).toEqual([]);
    expect(r.stderr).toContain('+ create user pool "p"');
    expect(r.stderr).toContain('+ create hosted-UI domain "p-x1"');
    expect(r.stderr).toContain('+ create resource server "mcp"');
    expect(r.stderr).toMatch(/\$ aws cognito-idp create-user-pool --region us-east-1 /);
    expect(r.stderr).toMatch(/\$ aws cognito-idp create-user-pool-domain --region us-east-1 /);
    expect(r.stderr).toMatch(/\$ aws cognito-idp create-resource-server --region us-east-1 /);
    expect(r.stdout).toContain('dry run: 3 changes planned');
    expect(r.stdout).not.toContain('nothing to change');
    expect(await pools()).toEqual([]);
    expect(r.state()).toBeUndefined();
  });

  it('adopts a pool by --pool-id: keeps its domain, adds only what is missing', async () => {
    const seeded = await cognito().send(new CreateUserPoolCommand({ PoolName: 'theirs' }));
    const id = seeded.UserPool!.Id!;
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: id, Domain: 'their-login' }));

    const r = await runCli(['init-pool', '--pool-id', id, '--json'], { endpoint: moto.endpoint() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ userPoolId: id, userPoolName: 'theirs', domain: 'their-login', created: ['resourceServer'] });
    expect(writes(r)).toEqual(['CreateResourceServer']);
    expect(r.requests.some((q) => q.operation === 'ListUserPools')).toBe(false);
    expect(await pools()).toHaveLength(1);
    const rs = await cognito().send(new DescribeResourceServerCommand({ UserPoolId: id, Identifier: 'mcp' }));
    expect(rs.ResourceServer?.Scopes?.map((s) => s.ScopeName)).toEqual(['invoke']);
  });

  it('a missing scope: without --yes exit 2 and no update; with --yes the request carries the FULL scope list', async () => {
    const first = await runCli(['init-pool', '--pool-name', 'p', '--domain', 'p-x1'], { endpoint: moto.endpoint() });
    expect(first.code, first.stderr).toBe(0);
    const args = ['init-pool', '--scope', 'invoke', '--scope', 'admin=Admin tools'];

    const refused = await runCli(args, { endpoint: moto.endpoint(), cwd: first.cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('+ mcp/admin');
    expect(refused.stderr).toContain('--yes');
    expect(writes(refused)).toEqual([]);

    // moto does not implement UpdateResourceServer, so the run fails there; the request is what matters.
    const applied = await runCli([...args, '--yes'], { endpoint: moto.endpoint(), cwd: first.cwd });
    const update = applied.requests.find((q) => q.operation === 'UpdateResourceServer');
    expect(update?.input).toEqual({
      UserPoolId: (first.state() as { userPoolId: string }).userPoolId,
      Identifier: 'mcp',
      Name: 'MCP Server Access',
      Scopes: [
        { ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' },
        { ScopeName: 'admin', ScopeDescription: 'Admin tools' },
      ],
    });
    expect(writes(applied).filter((o) => o !== 'UpdateResourceServer')).toEqual([]);
  });

  it('several pools with the same name → CONFLICT, exit 1, nothing created', async () => {
    const a = await cognito().send(new CreateUserPoolCommand({ PoolName: 'dup' }));
    const b = await cognito().send(new CreateUserPoolCommand({ PoolName: 'dup' }));
    const r = await runCli(['init-pool', '--pool-name', 'dup', '--json'], { endpoint: moto.endpoint() });
    expect(r.code).toBe(1);
    const doc = r.json<{ success: boolean; error: { code: string; message: string; hint: string } }>();
    expect(doc).toMatchObject({ success: false, command: 'init-pool', error: { code: 'CONFLICT' } });
    expect(doc.error.message).toContain(a.UserPool!.Id!);
    expect(doc.error.message).toContain(b.UserPool!.Id!);
    expect(doc.error.hint).toContain('--pool-id');
    expect(writes(r)).toEqual([]);
    expect(await pools()).toHaveLength(2);
  });

  it('finds its pool among more than 60 pools (ListUserPools pagination)', async () => {
    const c = cognito();
    await Promise.all(Array.from({ length: 61 }, (_, i) => c.send(new CreateUserPoolCommand({ PoolName: `filler-${i}` }))));
    const target = await cognito().send(new CreateUserPoolCommand({ PoolName: 'needle' }));
    await cognito().send(new CreateUserPoolDomainCommand({ UserPoolId: target.UserPool!.Id!, Domain: 'needle-x1' }));
    await cognito().send(new CreateResourceServerCommand({ UserPoolId: target.UserPool!.Id!, Identifier: 'mcp', Name: 'x', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'x' }] }));

    const r = await runCli(['init-pool', '--pool-name', 'needle', '--json'], { endpoint: moto.endpoint() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ userPoolId: target.UserPool!.Id, domain: 'needle-x1', created: [] });
    expect(r.requests.filter((q) => q.operation === 'ListUserPools').length).toBeGreaterThan(1);
    expect(writes(r)).toEqual([]);
  });

  it.each([
    ['a domain prefix containing aws', ['--domain', 'my-aws-login'], '--domain'],
    ['an upper-case domain prefix', ['--domain', 'MyLogin'], '--domain'],
    ['a malformed --pool-id', ['--pool-id', 'nope'], '--pool-id'],
    ['a --pool-id from another Region than --region', ['--pool-id', 'eu-west-1_Abc', '--region', 'us-east-1'], 'eu-west-1'],
  ])('%s → exit 2, one sentence naming the flag, no AWS call', async (_what, args, text) => {
    const r = await runCli(['init-pool', ...args], { endpoint: moto.endpoint() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.requests).toEqual([]);
    expect(await pools()).toEqual([]);
  });

  it('a corrupt state file → exit 2 naming the file, no AWS call', async () => {
    const first = await runCli(['--version']);
    writeFileSync(join(first.cwd, 'mcp-cognito.json'), '{ not json');
    const r = await runCli(['init-pool', '--json'], { endpoint: moto.endpoint(), cwd: first.cwd });
    expect(r.code).toBe(2);
    const doc = r.json<{ error: { code: string; message: string } }>();
    expect(doc.error.code).toBe('INVALID_INPUT');
    expect(doc.error.message).toContain(join(first.cwd, 'mcp-cognito.json'));
    expect(r.requests).toEqual([]);
    expect(readFileSync(join(first.cwd, 'mcp-cognito.json'), 'utf8')).toBe('{ not json');
  });
});
