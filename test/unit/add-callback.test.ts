import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand, UpdateUserPoolClientCommand, type UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { addCallback, parseAddCallbackFlags, renderAddCallback, type AddCallbackInput } from '../../src/commands/add-callback.js';
import { CancelledError, CliError, InputError, UsageError } from '../../src/lib/errors.js';
import { PLACEHOLDER_CALLBACK } from '../../src/domain/oauth.js';
import { RICH_CLIENT } from './rmw-fixtures.js';
import { scriptedPrompter, stripAnsi, testCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = RICH_CLIENT.UserPoolId!;
const CLIENT = RICH_CLIENT.ClientId!;
const COPILOT = 'https://global.consent.azure-apim.net/redirect/cr123-5fmcp-20server';
const APP = 'https://app.example.com/cb';
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] };

const OUTPUT_ONLY = ['ClientSecret', 'CreationDate', 'LastModifiedDate', 'ClientType'];
const updatable = (c: UserPoolClientType) => Object.fromEntries(Object.entries(c).filter(([k]) => !OUTPUT_ONLY.includes(k)));

/** Describe answers `described` until an update, then what was sent (as AWS would read back). */
function emulate(described: UserPoolClientType = RICH_CLIENT): void {
  let current: UserPoolClientType = structuredClone(described);
  cognito.on(DescribeUserPoolClientCommand).callsFake(async () => ({ UserPoolClient: structuredClone(current) }));
  cognito.on(UpdateUserPoolClientCommand).callsFake(async (input) => {
    current = { ...structuredClone(input), ClientSecret: described.ClientSecret, CreationDate: described.CreationDate, LastModifiedDate: new Date() };
    return { UserPoolClient: current };
  });
}

const input = (o: Partial<AddCallbackInput> = {}): AddCallbackInput => ({ urls: [COPILOT], logout: false, keepPlaceholder: false, ...o });
const sent = () => cognito.commandCalls(UpdateUserPoolClientCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cognito.reset();
});

describe('parseAddCallbackFlags', () => {
  it('validates every URL before any AWS call (exit 2)', () => {
    expect(() => parseAddCallbackFlags(['http://example.com/cb'], {})).toThrow(InputError);
    expect(() => parseAddCallbackFlags(['https://example.com/#x'], {})).toThrow(/fragment/);
    expect(() => parseAddCallbackFlags(['https://*.example.com'], {})).toThrow(/wildcard/);
    expect(() => parseAddCallbackFlags([], {})).toThrow(UsageError);
    expect(() => parseAddCallbackFlags(Array.from({ length: 101 }, (_, i) => `https://e.com/${i}`), {})).toThrow(/100/);
    expect(parseAddCallbackFlags(['http://localhost:6274/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:6274/cb'], { logout: true })).toEqual({
      poolId: undefined,
      clientId: undefined,
      urls: ['http://localhost:6274/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb'],
      logout: true,
      keepPlaceholder: false,
    });
  });
});

describe('addCallback', () => {
  it('sends every described field with only CallbackURLs changed (placeholder removed), then verifies', async () => {
    emulate();
    const t = testCtx({ yes: true }, { state: STATE });
    const r = await addCallback(input(), t.ctx);

    expect(sent()).toHaveLength(1);
    expect(sent()[0]).toEqual({ ...updatable(RICH_CLIENT), CallbackURLs: [APP, COPILOT] });
    expect(sent()[0]).not.toHaveProperty('ClientSecret');
    expect(r).toMatchObject({ clientId: CLIENT, callbackUrls: [APP, COPILOT], added: [COPILOT], removed: [PLACEHOLDER_CALLBACK], changed: true, list: 'callbackUrls' });
    // Read (plan), read again right before writing (always, --yes too), write, read back.
    expect(cognito.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeUserPoolClientCommand', 'DescribeUserPoolClientCommand', 'UpdateUserPoolClientCommand', 'DescribeUserPoolClientCommand']);
    const err = stripAnsi(t.stderr());
    expect(err).toContain(`+ ${COPILOT}`);
    expect(err).toContain(`- ${PLACEHOLDER_CALLBACK}`);
    expect(err).not.toContain(RICH_CLIENT.ClientSecret);
  });

  it('already present: no update, changed false', async () => {
    emulate();
    const t = testCtx({ yes: true }, { state: STATE });
    const r = await addCallback(input({ urls: [APP] }), t.ctx);
    expect(sent()).toHaveLength(0);
    expect(r).toMatchObject({ added: [], removed: [], changed: false });
    expect(renderAddCallback(r, t.ctx.out)).toContain('Nothing to change');
  });

  it('--dry-run: the plan with the aws command and its full JSON, nothing sent', async () => {
    emulate();
    const t = testCtx({ dryRun: true }, { state: STATE });
    const r = await addCallback(input(), t.ctx);
    expect(sent()).toHaveLength(0);
    expect(r.changed).toBe(false);
    expect(r.callbackUrls).toEqual([APP, COPILOT]);
    const cli = t.ctx.planned[0]!.awsCli!;
    expect(cli).toMatch(/^aws cognito-idp update-user-pool-client --region us-east-1 --cli-input-json '/);
    expect(JSON.parse(/'(.*)'$/.exec(cli)![1]!)).toEqual(JSON.parse(JSON.stringify({ ...updatable(RICH_CLIENT), CallbackURLs: [APP, COPILOT] })));
    expect(stripAnsi(t.stderr())).toContain('$ aws cognito-idp update-user-pool-client');
  });

  it('no terminal and no --yes: UsageError (exit 2), nothing sent', async () => {
    emulate();
    const t = testCtx({}, { state: STATE });
    await expect(addCallback(input(), t.ctx)).rejects.toBeInstanceOf(UsageError);
    expect(sent()).toHaveLength(0);
  });

  it('on a terminal: asks; a declined confirmation is CancelledError (130), nothing sent', async () => {
    emulate();
    const prompter = scriptedPrompter([false]);
    const t = testCtx({}, { state: STATE, tty: true, env: {}, prompter });
    await expect(addCallback(input(), t.ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(prompter.asked.map((a) => a.kind)).toEqual(['confirm']);
    expect(sent()).toHaveLength(0);
  });

  it('on a terminal: a confirmed plan is applied', async () => {
    emulate();
    const prompter = scriptedPrompter([true]);
    const r = await addCallback(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter }).ctx);
    expect(prompter.asked[0]).toMatchObject({ kind: 'confirm', message: 'Update the callback URLs of copilot-studio-mcp?' });
    expect(r.changed).toBe(true);
    expect(sent()).toHaveLength(1);
  });

  it('--keep-placeholder keeps it; --logout changes LogoutURLs only', async () => {
    emulate();
    const t = testCtx({ yes: true }, { state: STATE });
    await addCallback(input({ keepPlaceholder: true }), t.ctx);
    expect(sent()[0]!.CallbackURLs).toEqual([PLACEHOLDER_CALLBACK, APP, COPILOT]);

    cognito.reset();
    emulate();
    const r = await addCallback(input({ urls: ['https://app.example.com/bye'], logout: true }), testCtx({ yes: true }, { state: STATE }).ctx);
    expect(sent()[0]).toEqual({ ...updatable(RICH_CLIENT), LogoutURLs: ['https://app.example.com/logout', 'https://app.example.com/bye'] });
    expect(r).toMatchObject({ list: 'logoutUrls', removed: [] });
  });

  it('a placeholder DefaultRedirectURI moves to the new URL (it must stay among the callbacks) and says so', async () => {
    emulate({ ...RICH_CLIENT, CallbackURLs: [PLACEHOLDER_CALLBACK], DefaultRedirectURI: PLACEHOLDER_CALLBACK });
    const t = testCtx({ yes: true }, { state: STATE });
    const r = await addCallback(input(), t.ctx);
    expect(sent()[0]).toMatchObject({ CallbackURLs: [COPILOT], DefaultRedirectURI: COPILOT });
    expect(r.defaultRedirectUri).toBe(COPILOT);
    expect(stripAnsi(t.stderr())).toContain(`~ DefaultRedirectURI: ${PLACEHOLDER_CALLBACK} → ${COPILOT}`);
  });

  it('warns about near-misses (trailing slash, case, http/https) but adds the exact URL', async () => {
    emulate({ ...RICH_CLIENT, CallbackURLs: ['https://App.example.com/cb/', 'http://localhost:3000/cb'] });
    const t = testCtx({ yes: true }, { state: STATE });
    await addCallback(input({ urls: ['https://app.example.com/cb/', 'https://app.example.com/cb', 'http://localhost:3000/cb/'] }), t.ctx);
    const err = stripAnsi(t.stderr());
    expect(err).toMatch(/letter case/);
    expect(err).toMatch(/trailing slash/);
    expect(sent()[0]!.CallbackURLs).toEqual(['https://App.example.com/cb/', 'http://localhost:3000/cb', 'https://app.example.com/cb/', 'https://app.example.com/cb', 'http://localhost:3000/cb/']);
  });

  it('refuses to exceed 100 URLs (exit 2), nothing sent', async () => {
    emulate({ ...RICH_CLIENT, CallbackURLs: Array.from({ length: 100 }, (_, i) => `https://e.com/${i}`), DefaultRedirectURI: undefined });
    await expect(addCallback(input(), testCtx({ yes: true }, { state: STATE }).ctx)).rejects.toThrow(/at most 100/);
    expect(sent()).toHaveLength(0);
  });

  it('a change while the person was confirming: CONFLICT (exit 1), nothing sent', async () => {
    let n = 0;
    cognito.on(DescribeUserPoolClientCommand).callsFake(async () => ({ UserPoolClient: n++ === 0 ? RICH_CLIENT : { ...RICH_CLIENT, AllowedOAuthScopes: ['openid'] } }));
    const err = await addCallback(input(), testCtx({}, { state: STATE, tty: true, env: {}, prompter: scriptedPrompter([true]) }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toContain('AllowedOAuthScopes');
    expect(sent()).toHaveLength(0);
  });

  it('the client does not read back as sent: CONFLICT naming the fields, not success', async () => {
    let n = 0;
    // The plan's read and the re-read before the write see the client as it was; the read-back does not.
    cognito.on(DescribeUserPoolClientCommand).callsFake(async () => ({ UserPoolClient: n++ < 2 ? RICH_CLIENT : { ...RICH_CLIENT, CallbackURLs: [APP, COPILOT], AccessTokenValidity: 5 } }));
    cognito.on(UpdateUserPoolClientCommand).resolves({});
    const err = await addCallback(input(), testCtx({ yes: true }, { state: STATE }).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toMatch(/AccessTokenValidity/);
    expect(sent()).toHaveLength(1);
  });

  it('another writer adds a callback URL between our read and our write (--yes): both URLs are kept', async () => {
    let current: UserPoolClientType = structuredClone(RICH_CLIENT);
    let reads = 0;
    cognito.on(DescribeUserPoolClientCommand).callsFake(async () => {
      // The second read is the one right before our write: by then the other writer's URL is there.
      if (++reads === 2) current = { ...current, CallbackURLs: [...current.CallbackURLs!, 'https://theirs.example.com/cb'] };
      return { UserPoolClient: structuredClone(current) };
    });
    cognito.on(UpdateUserPoolClientCommand).callsFake(async (i) => ((current = { ...current, ...structuredClone(i) }), {}));
    const r = await addCallback(input(), testCtx({ yes: true }, { state: STATE }).ctx);
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.CallbackURLs).toEqual([APP, 'https://theirs.example.com/cb', COPILOT]);
    expect(r).toMatchObject({ changed: true, callbackUrls: [APP, 'https://theirs.example.com/cb', COPILOT] });
  });

  it('another writer overwrites the list right after our write: merged again, both kept', async () => {
    let current: UserPoolClientType = structuredClone(RICH_CLIENT);
    let updates = 0;
    cognito.on(DescribeUserPoolClientCommand).callsFake(async () => ({ UserPoolClient: structuredClone(current) }));
    cognito.on(UpdateUserPoolClientCommand).callsFake(async (i) => {
      current = { ...current, ...structuredClone(i) };
      // A second add-callback that read before our write now writes its own list, without our URL.
      if (++updates === 1) current = { ...current, CallbackURLs: [APP, 'https://theirs.example.com/cb'] };
      return {};
    });
    await addCallback(input(), testCtx({ yes: true }, { state: STATE }).ctx);
    expect(sent()).toHaveLength(2);
    expect(current.CallbackURLs).toEqual([APP, 'https://theirs.example.com/cb', COPILOT]);
  });

  it('the read-back keeps lacking our URL: retried up to the bound, then CONFLICT naming it', async () => {
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: RICH_CLIENT });
    cognito.on(UpdateUserPoolClientCommand).resolves({});
    const err = await addCallback(input(), testCtx({ yes: true }, { state: STATE }).ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', exit: 1 });
    expect((err as Error).message).toContain(`CallbackURLs lacks ${COPILOT}`);
    expect(sent()).toHaveLength(3);
  });

  it('an unknown client: NOT_FOUND in the user\'s terms', async () => {
    cognito.on(DescribeUserPoolClientCommand).rejects(Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' }));
    await expect(addCallback(input({ clientId: 'nosuch1' }), testCtx({ yes: true }, { state: STATE }).ctx)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`App client nosuch1 does not exist in user pool ${POOL}`) });
  });
});

describe('addCallback: which client', () => {
  const clients = [
    { clientId: 'm2mclient1', name: 'mcp-agent-m2m', preset: 'm2m' },
    { clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' },
  ];
  it("defaults to the state's copilot-studio client", async () => {
    emulate();
    await addCallback(input(), testCtx({ yes: true }, { state: { ...STATE, clients } }).ctx);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, ClientId: CLIENT });
  });
  it('falls back to the only client; several without a terminal: usage error naming --client-id', async () => {
    emulate({ ...RICH_CLIENT, ClientId: 'm2mclient1' });
    await addCallback(input(), testCtx({ yes: true }, { state: { ...STATE, clients: [clients[0]] } }).ctx);
    expect(cognito.commandCalls(DescribeUserPoolClientCommand)[0]!.args[0].input.ClientId).toBe('m2mclient1');
    const several = { ...STATE, clients: [clients[0], { ...clients[0], clientId: 'web2', preset: 'web' }] };
    await expect(addCallback(input(), testCtx({ yes: true }, { state: several }).ctx)).rejects.toThrow(/--client-id/);
    await expect(addCallback(input(), testCtx({ yes: true }, { state: { version: 1, userPoolId: POOL } }).ctx)).rejects.toThrow(/--client-id/);
  });
  it('several candidates on a terminal: asks which one', async () => {
    emulate({ ...RICH_CLIENT, ClientId: 'web2' });
    const several = { ...STATE, clients: [clients[0], { ...clients[0], clientId: 'web2', preset: 'web' }] };
    const prompter = scriptedPrompter(['web2', true]);
    await addCallback(input(), testCtx({}, { state: several, tty: true, env: {}, prompter }).ctx);
    expect(prompter.asked[0]).toMatchObject({ kind: 'select', choices: ['m2mclient1', 'web2'] });
    expect(sent()[0]!.ClientId).toBe('web2');
  });
  it('without a pool: usage error naming --pool-id, no AWS call', async () => {
    await expect(addCallback(input({ clientId: CLIENT }), testCtx({ yes: true }).ctx)).rejects.toThrow(/--pool-id/);
    expect(cognito.calls()).toHaveLength(0);
  });
});
