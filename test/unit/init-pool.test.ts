import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient,
  CreateResourceServerCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListResourceServersCommand,
  ListUserPoolsCommand,
  UpdateResourceServerCommand,
  type UserPoolDescriptionType,
} from '@aws-sdk/client-cognito-identity-provider';
import { initPool, parseInitPoolFlags, suggestDomainPrefix, type InitPoolInput } from '../../src/commands/init-pool.js';
import { CancelledError, CliError, InputError, UsageError } from '../../src/lib/errors.js';
import { DomainPrefix } from '../../src/lib/validate.js';
import { scriptedPrompter, stripAnsi, testCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_AbC123xyz';

/** Names of the mutating commands the mock received (Create*, Update*, Delete*). */
function writes(): string[] {
  return cognito
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => /^(Create|Update|Delete|Admin(Create|Set|Add))/.test(n));
}

const input = (over: Partial<Parameters<typeof parseInitPoolFlags>[0]> = {}): InitPoolInput => parseInitPoolFlags({ poolName: 'p', domain: 'p-x1', ...over });

/** Empty account: no pool, no domain, no resource server; every create succeeds; domain ACTIVE at once. */
function emptyAccount(): void {
  cognito.on(ListUserPoolsCommand).resolves({ UserPools: [] });
  cognito.on(CreateUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p' } });
  cognito.on(DescribeUserPoolDomainCommand).resolvesOnce({ DomainDescription: {} }).resolves({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'ACTIVE' } });
  cognito.on(CreateUserPoolDomainCommand).resolves({});
  cognito.on(ListResourceServersCommand).resolves({ ResourceServers: [] });
  cognito.on(CreateResourceServerCommand).resolves({});
}

/** An existing pool `p` with domain `p-x1` and resource server mcp/invoke. */
function existingPool(scopes = [{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }]): void {
  cognito.on(ListUserPoolsCommand).resolves({ UserPools: [{ Id: POOL, Name: 'p' }] });
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p', Domain: 'p-x1' } });
  cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'ACTIVE', ManagedLoginVersion: 1 } });
  // Stateful: after an UpdateResourceServer, the list reads back what was sent.
  let current = scopes;
  cognito.on(ListResourceServersCommand).callsFake(async () => ({ ResourceServers: [{ UserPoolId: POOL, Identifier: 'mcp', Name: 'Existing name', Scopes: current }] }));
  cognito.on(UpdateResourceServerCommand).callsFake(async (i: { Scopes: typeof scopes }) => {
    current = i.Scopes;
    return {};
  });
}

/** Drive a promise that sleeps with fake timers to completion. */
async function settle<T>(p: Promise<T>): Promise<T> {
  let done = false;
  const tracked = p.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  // Real I/O (the waiter module loads on first use) gets its turn between the fake-time steps.
  const started = performance.now();
  while (!done && performance.now() - started < 30_000) {
    await vi.advanceTimersByTimeAsync(500);
    await new Promise((r) => setImmediate(r));
  }
  return tracked;
}

beforeEach(() => {
  cognito.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('initPool: creating', () => {
  it('creates the pool, the domain and the resource server with its scope, and records them in the state file', async () => {
    emptyAccount();
    const t = testCtx({}, { command: 'init-pool' });
    const r = await initPool(input(), t.ctx);

    expect(cognito.commandCalls(CreateUserPoolCommand)[0]!.args[0].input).toMatchObject({ PoolName: 'p', UsernameAttributes: ['email'] });
    expect(cognito.commandCalls(CreateUserPoolDomainCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Domain: 'p-x1', ManagedLoginVersion: 1 });
    expect(cognito.commandCalls(CreateResourceServerCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Identifier: 'mcp',
      Name: 'MCP Server Access',
      Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }],
    });
    expect(writes()).toEqual(['CreateUserPool', 'CreateUserPoolDomain', 'CreateResourceServer']);
    expect(r).toMatchObject({
      region: 'us-east-1',
      userPoolId: POOL,
      domain: 'p-x1',
      authorizationUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://p-x1.auth.us-east-1.amazoncognito.com/oauth2/token',
      issuer: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      resourceServer: { identifier: 'mcp', scopes: ['mcp/invoke'] },
      created: ['userPool', 'domain', 'resourceServer'],
      updated: [],
    });
    expect(t.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL, domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] }, created: { userPool: POOL, domain: 'p-x1', resourceServer: 'mcp' } });
  });

  it('creates a managed login (version 2) domain with --managed-login', async () => {
    emptyAccount();
    const r = await initPool(parseInitPoolFlags({ poolName: 'p', domain: 'p-x1', managedLogin: true }), testCtx().ctx);
    expect(cognito.commandCalls(CreateUserPoolDomainCommand)[0]!.args[0].input).toMatchObject({ ManagedLoginVersion: 2 });
    expect(r.managedLoginVersion).toBe(2);
  });

  it('derives a valid domain prefix from the pool name when --domain is not given', async () => {
    emptyAccount();
    await initPool(parseInitPoolFlags({ poolName: 'My AWS Cognito Pool' }), testCtx().ctx);
    const domain = cognito.commandCalls(CreateUserPoolDomainCommand)[0]!.args[0].input.Domain!;
    expect(DomainPrefix.safeParse(domain).success).toBe(true);
    expect(domain).toMatch(/^my-pool-[0-9a-f]{6}$/);
  });

  it('refuses a domain prefix another pool owns before creating anything (not even the pool)', async () => {
    emptyAccount();
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'p-x1', UserPoolId: 'us-east-1_Other', Status: 'ACTIVE' } });
    const t = testCtx();
    const err = await initPool(input(), t.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toContain('us-east-1_Other');
    expect(cognito.commandCalls(CreateUserPoolDomainCommand)).toHaveLength(0);
    expect(cognito.commandCalls(CreateUserPoolCommand)).toHaveLength(0);
    expect(t.state()).toBeUndefined();
  });

  it('adopts the domain an interrupted run created for this pool (DescribeUserPool not showing it yet)', async () => {
    existingPool();
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p' } }); // no Domain yet
    const r = await initPool(input(), testCtx().ctx);
    expect(cognito.commandCalls(CreateUserPoolDomainCommand)).toHaveLength(0);
    expect(r).toMatchObject({ domain: 'p-x1', created: [] });
  });

  it('maps AccessDeniedException on CreateUserPool to ACCESS_DENIED naming the IAM action', async () => {
    emptyAccount();
    cognito.on(CreateUserPoolCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const err = await initPool(input(), testCtx().ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ACCESS_DENIED', exit: 1 });
    expect((err as Error).message).toContain('cognito-idp:CreateUserPool');
  });
});

describe('initPool: adopting (idempotency)', () => {
  it('a second run on an existing setup creates and updates nothing', async () => {
    existingPool();
    const t = testCtx();
    const r = await initPool(input(), t.ctx);
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ userPoolId: POOL, domain: 'p-x1', created: [], updated: [], resourceServer: { name: 'Existing name', scopes: ['mcp/invoke'] } });
    expect(t.state()).toMatchObject({ userPoolId: POOL, domain: 'p-x1' });
  });

  it('searches every page of ListUserPools (MaxResults 60) and adopts the pool found on page 2', async () => {
    const page1: UserPoolDescriptionType[] = Array.from({ length: 60 }, (_, i) => ({ Id: `us-east-1_Pool${i}`, Name: `other-${i}` }));
    const page2: UserPoolDescriptionType[] = [{ Id: 'us-east-1_Other1', Name: 'other-60' }, { Id: POOL, Name: 'p' }];
    existingPool();
    cognito.on(ListUserPoolsCommand).callsFake(async (i: { NextToken?: string }) => (i.NextToken === 'page-2' ? { UserPools: page2 } : { UserPools: page1, NextToken: 'page-2' }));

    const r = await initPool(input(), testCtx().ctx);
    const listCalls = cognito.commandCalls(ListUserPoolsCommand).map((c) => c.args[0].input);
    expect(listCalls).toEqual([{ MaxResults: 60 }, { MaxResults: 60, NextToken: 'page-2' }].map((x) => expect.objectContaining(x)));
    expect(listCalls[0]!.NextToken).toBeUndefined();
    expect(r.userPoolId).toBe(POOL);
    expect(writes()).toEqual([]);
  });

  it('several pools with the name (on different pages) → CONFLICT, exit 1, nothing created', async () => {
    cognito.on(ListUserPoolsCommand).callsFake(async (i: { NextToken?: string }) =>
      i.NextToken ? { UserPools: [{ Id: 'us-east-1_Second', Name: 'p' }] } : { UserPools: [{ Id: 'us-east-1_First', Name: 'p' }], NextToken: 't' },
    );
    const err = await initPool(input(), testCtx().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1, hint: expect.stringContaining('--pool-id') });
    expect((err as Error).message).toContain('us-east-1_First');
    expect((err as Error).message).toContain('us-east-1_Second');
    expect(writes()).toEqual([]);
  });

  it('adopts a pool by --pool-id without listing pools, and uses the pool\'s Region', async () => {
    const id = 'eu-west-1_Xyz987';
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: id, Name: 'theirs', Domain: 'their-login' } });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: { Domain: 'their-login', UserPoolId: id, Status: 'ACTIVE' } });
    cognito.on(ListResourceServersCommand).resolves({ ResourceServers: [] });
    cognito.on(CreateResourceServerCommand).resolves({});
    const t = testCtx({}, { env: { AWS_REGION: 'us-east-1' } });
    const r = await initPool(parseInitPoolFlags({ poolId: id, domain: 'ignored-x' }), t.ctx);

    expect(cognito.commandCalls(ListUserPoolsCommand)).toHaveLength(0);
    expect(cognito.commandCalls(DescribeUserPoolCommand)[0]!.args[0].input).toEqual({ UserPoolId: id });
    expect(writes()).toEqual(['CreateResourceServer']);
    expect(r).toMatchObject({ region: 'eu-west-1', userPoolId: id, userPoolName: 'theirs', domain: 'their-login', created: ['resourceServer'] });
    expect(r.authorizationUrl).toBe('https://their-login.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(stripAnsi(t.stderr())).toContain('already has the domain "their-login"');
    expect(t.state()).toMatchObject({ region: 'eu-west-1', userPoolId: id, domain: 'their-login' });
  });

  it('rejects a --pool-id from another Region than --region (exit 2, no AWS call)', async () => {
    const err = await initPool(parseInitPoolFlags({ poolId: 'eu-west-1_Xyz987' }), testCtx({ region: 'us-east-1' }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as CliError).exit).toBe(2);
    expect(cognito.calls()).toHaveLength(0);
  });

  it('rejects a malformed --pool-id (exit 2, no AWS call)', async () => {
    const err = await initPool(parseInitPoolFlags({ poolId: 'not-a-pool' }), testCtx().ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', exit: 2 });
    expect((err as Error).message).toContain('--pool-id');
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('initPool: adding scopes to an existing resource server', () => {
  const wantBoth = () => input({ scope: ['invoke=Invoke MCP server tools', 'admin=Admin tools'] });

  it('with --yes sends UpdateResourceServer with the FULL scope list and the existing name', async () => {
    existingPool([
      { ScopeName: 'invoke', ScopeDescription: 'Original description' },
      { ScopeName: 'read', ScopeDescription: 'Read only' },
    ]);
    const t = testCtx({ yes: true });
    const r = await initPool(wantBoth(), t.ctx);

    expect(cognito.commandCalls(UpdateResourceServerCommand)).toHaveLength(1);
    expect(cognito.commandCalls(UpdateResourceServerCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Identifier: 'mcp',
      Name: 'Existing name',
      Scopes: [
        { ScopeName: 'invoke', ScopeDescription: 'Original description' },
        { ScopeName: 'read', ScopeDescription: 'Read only' },
        { ScopeName: 'admin', ScopeDescription: 'Admin tools' },
      ],
    });
    expect(writes()).toEqual(['UpdateResourceServer']);
    expect(r.updated).toEqual(['resourceServer']);
    expect(r.resourceServer.scopes).toEqual(['mcp/invoke', 'mcp/read', 'mcp/admin']);
    const err = stripAnsi(t.stderr());
    expect(err).toContain('~ update resource server "mcp" scopes');
    expect(err).toContain('+ mcp/admin');
    expect(t.state().resourceServer).toEqual({ identifier: 'mcp', scopes: ['invoke', 'read', 'admin'] });
  });

  it('without --yes and without a terminal: usage error (exit 2), no update sent', async () => {
    existingPool();
    const t = testCtx({});
    const err = await initPool(wantBoth(), t.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as CliError).exit).toBe(2);
    expect((err as Error).message).toContain('--yes');
    expect(cognito.commandCalls(UpdateResourceServerCommand)).toHaveLength(0);
  });

  it('a scope added by someone else while the person confirmed is kept; the update is read back', async () => {
    existingPool();
    let lists = 0;
    const original = [{ ScopeName: 'invoke', ScopeDescription: 'Invoke MCP server tools' }];
    let current = original;
    cognito.on(ListResourceServersCommand).callsFake(async () => {
      lists++;
      // The second read is the one after the confirmation: by then another scope exists.
      if (lists === 2) current = [...original, { ScopeName: 'theirs', ScopeDescription: 'Added meanwhile' }];
      return { ResourceServers: [{ UserPoolId: POOL, Identifier: 'mcp', Name: 'Existing name', Scopes: current }] };
    });
    cognito.on(UpdateResourceServerCommand).callsFake(async (i: { Scopes: typeof current }) => {
      current = i.Scopes;
      return {};
    });
    const r = await initPool(wantBoth(), testCtx({}, { tty: true, prompter: scriptedPrompter([true]) }).ctx);
    const sent = cognito.commandCalls(UpdateResourceServerCommand)[0]!.args[0].input.Scopes!.map((x) => x.ScopeName);
    expect(sent).toEqual(['invoke', 'theirs', 'admin']);
    expect(lists).toBe(3); // the plan, the re-read after the confirmation, the verification
    expect(r.resourceServer.scopes).toEqual(['mcp/invoke', 'mcp/theirs', 'mcp/admin']);
  });

  it('an update that does not read back is a CONFLICT, not success', async () => {
    existingPool();
    cognito.on(UpdateResourceServerCommand).resolves({}); // accepted, but the list stays as it was
    const err = await initPool(wantBoth(), testCtx({ yes: true }).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1, message: expect.stringContaining('mcp/admin') });
  });

  it('on a terminal asks; yes → update, no → CancelledError (exit 130) and no update', async () => {
    existingPool();
    const yes = scriptedPrompter([true]);
    await initPool(wantBoth(), testCtx({}, { tty: true, prompter: yes }).ctx);
    expect(yes.asked).toEqual([expect.objectContaining({ kind: 'confirm' })]);
    expect(cognito.commandCalls(UpdateResourceServerCommand)).toHaveLength(1);

    cognito.reset();
    existingPool();
    const no = scriptedPrompter([false]);
    const err = await initPool(wantBoth(), testCtx({}, { tty: true, prompter: no }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CliError).exit).toBe(130);
    expect(cognito.commandCalls(UpdateResourceServerCommand)).toHaveLength(0);
  });

  it('an update that cannot be approved stops the run before anything is created (exit 2, no domain created)', async () => {
    existingPool();
    cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p' } });
    cognito.on(DescribeUserPoolDomainCommand).resolves({ DomainDescription: {} });
    cognito.on(CreateUserPoolDomainCommand).resolves({});
    const err = await initPool(wantBoth(), testCtx({}).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(writes()).toEqual([]);

    const declined = await initPool(wantBoth(), testCtx({}, { tty: true, prompter: scriptedPrompter([false]) }).ctx).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(CancelledError);
    expect(writes()).toEqual([]);
  });

  it('never removes a scope the server has but the flags do not name', async () => {
    existingPool([
      { ScopeName: 'invoke', ScopeDescription: 'x' },
      { ScopeName: 'keep-me', ScopeDescription: 'y' },
    ]);
    const r = await initPool(input({ scope: ['invoke'] }), testCtx().ctx);
    expect(writes()).toEqual([]);
    expect(r.resourceServer.scopes).toEqual(['mcp/invoke', 'mcp/keep-me']);
  });
});

describe('initPool: --dry-run', () => {
  it('plans every create with its aws command, sends no Create*, writes no state file', async () => {
    emptyAccount();
    const t = testCtx({ dryRun: true });
    const r = await initPool(input(), t.ctx);
    expect(writes()).toEqual([]);
    expect(t.ctx.planned.map((s) => s.action)).toEqual(['create', 'create', 'create']);
    expect(t.ctx.planned.map((s) => s.awsCli?.split(' --')[0])).toEqual([
      'aws cognito-idp create-user-pool',
      'aws cognito-idp create-user-pool-domain',
      'aws cognito-idp create-resource-server',
    ]);
    expect(stripAnsi(t.stderr())).toContain('$ aws cognito-idp create-user-pool');
    expect(r.created).toEqual([]);
    expect(t.stateText()).toBeUndefined();
  });

  it('shows the scope update without sending it, and leaves the state file untouched', async () => {
    existingPool();
    const t = testCtx({ dryRun: true });
    const r = await initPool(input({ scope: ['invoke', 'admin'] }), t.ctx);
    expect(writes()).toEqual([]);
    expect(t.ctx.planned).toEqual([expect.objectContaining({ action: 'update', awsCli: expect.stringContaining('aws cognito-idp update-resource-server') })]);
    expect(r.updated).toEqual([]);
    expect(t.stateText()).toBeUndefined();
  });
});

describe('initPool: waiting for the domain', () => {
  it('polls DescribeUserPoolDomain (fresh reads) through CREATING until ACTIVE', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    emptyAccount();
    cognito
      .on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: {} })
      .resolvesOnce({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'CREATING' } })
      .resolvesOnce({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'CREATING' } })
      .resolves({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'ACTIVE' } });
    const t = testCtx();
    const r = await settle(initPool(input(), t.ctx));
    // 1 ownership check + CREATING + CREATING + ACTIVE
    expect(cognito.commandCalls(DescribeUserPoolDomainCommand)).toHaveLength(4);
    expect(r.created).toContain('resourceServer');
    expect(stripAnsi(t.stderr())).toContain('Domain p-x1 is ACTIVE');
  });

  it('fails with AWS_ERROR (exit 1) when the domain turns FAILED, before creating the resource server', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    emptyAccount();
    cognito
      .on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: {} })
      .resolvesOnce({ DomainDescription: { Domain: 'p-x1', Status: 'CREATING' } })
      .resolves({ DomainDescription: { Domain: 'p-x1', Status: 'FAILED' } });
    const err = await settle(initPool(input(), testCtx().ctx)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AWS_ERROR', exit: 1 });
    expect((err as Error).message).toContain('FAILED');
    expect(cognito.commandCalls(CreateResourceServerCommand)).toHaveLength(0);
  });

  it('fails with TIMEOUT (exit 1) when the domain stays CREATING past --wait-timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    emptyAccount();
    cognito
      .on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: {} })
      .resolves({ DomainDescription: { Domain: 'p-x1', Status: 'CREATING' } });
    const err = await settle(initPool(input({ waitTimeout: '10' }), testCtx().ctx)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TIMEOUT', exit: 1 });
    expect((err as Error).message).toContain('after 10s');
    const polls = cognito.commandCalls(DescribeUserPoolDomainCommand).length - 1;
    expect(polls).toBeGreaterThan(1);
    expect(polls).toBeLessThan(10);
  });

  it('waits for an adopted pool\'s domain that is still CREATING', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    existingPool();
    cognito
      .on(DescribeUserPoolDomainCommand)
      .resolvesOnce({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'CREATING' } })
      .resolvesOnce({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'CREATING' } })
      .resolves({ DomainDescription: { Domain: 'p-x1', UserPoolId: POOL, Status: 'ACTIVE' } });
    await settle(initPool(input(), testCtx().ctx));
    expect(cognito.commandCalls(DescribeUserPoolDomainCommand).length).toBeGreaterThanOrEqual(3);
    expect(writes()).toEqual([]);
  });
});

describe('parseInitPoolFlags (validation before any AWS call)', () => {
  it.each([
    ['a reserved word', { domain: 'my-aws-login' }, '--domain'],
    ['amazon', { domain: 'amazon-x' }, '--domain'],
    ['cognito', { domain: 'xcognitox' }, '--domain'],
    ['upper case', { domain: 'MyPool' }, '--domain'],
    ['a leading hyphen', { domain: '-pool' }, '--domain'],
    ['64 characters', { domain: 'a'.repeat(64) }, '--domain'],
    ['a duplicated scope', { scope: ['invoke', 'invoke=again'] }, '--scope'],
    ['a scope with a slash', { scope: ['a/b'] }, '--scope'],
    ['a bad wait timeout', { waitTimeout: 'soon' }, '--wait-timeout'],
    ['a bad pool name', { poolName: 'bad/name' }, '--pool-name'],
  ])('rejects %s with an InputError naming the flag', (_what, flags, flag) => {
    let err: unknown;
    try {
      parseInitPoolFlags(flags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as CliError).exit).toBe(2);
    expect((err as Error).message).toContain(flag);
  });

  it('defaults: resource server mcp, scope invoke, 120 s wait', () => {
    expect(parseInitPoolFlags({})).toMatchObject({
      poolName: undefined,
      resourceServer: 'mcp',
      resourceServerName: 'MCP Server Access',
      scopes: [{ name: 'invoke', description: 'Invoke MCP server tools' }],
      waitTimeoutSeconds: 120,
    });
  });

  it('suggestDomainPrefix strips reserved words and always yields a valid prefix', () => {
    expect(suggestDomainPrefix('mcp-gateway', 'abc123')).toBe('mcp-gateway-abc123');
    for (const name of ['AWS', 'amazon cognito', 'x'.repeat(128), '---', 'Ünïcode pool']) {
      expect(DomainPrefix.safeParse(suggestDomainPrefix(name, 'abc123')).success).toBe(true);
    }
  });
});

describe('initPool: the state file', () => {
  it('switching to another pool drops the old pool\'s clients (and what it recorded as created there) from the state file', async () => {
    existingPool();
    const t = testCtx({}, { state: { version: 1, region: 'us-east-1', userPoolId: 'us-east-1_OldPool', domain: 'old-x', clients: [{ clientId: 'old1', name: 'copilot-studio-mcp', preset: 'copilot-studio' }], gatewayId: 'gw-abc1234567', created: { userPool: 'us-east-1_OldPool', clients: ['old1'] } } });
    await initPool(input(), t.ctx);
    expect(t.state()).toEqual({ version: 1, region: 'us-east-1', userPoolId: POOL, domain: 'p-x1', resourceServer: { identifier: 'mcp', scopes: ['invoke'] }, clients: [], gatewayId: 'gw-abc1234567', adopted: { userPool: POOL, domain: 'p-x1', resourceServer: 'mcp' } });
    expect(stripAnsi(t.stderr())).toContain('us-east-1_OldPool');
  });

  it('keeps the clients when the pool is the same', async () => {
    existingPool();
    const clients = [{ clientId: 'c1', name: 'copilot-studio-mcp', preset: 'copilot-studio' }];
    const t = testCtx({}, { state: { version: 1, region: 'us-east-1', userPoolId: POOL, clients } });
    await initPool(input(), t.ctx);
    expect(t.state().clients).toEqual(clients);
  });
});
