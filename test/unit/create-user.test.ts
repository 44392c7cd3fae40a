import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { aliasUsername } from '../../src/steps/user/create.js';
import { RefusedError } from '../../src/lib/errors.js';
import { createUser, parseCreateUserFlags, passwordProblem, readSecretFromStdin } from '../../src/commands/create-user.js';
import { CancelledError, InputError, UsageError } from '../../src/lib/errors.js';
import { scriptedPrompter, stripAnsi, testCtx, type TestCtx } from './helpers.js';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_AbC123xyz';
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL };
const PASSWORD = 'Sup3rSecretPw';
const EMAIL = 'tester@example.com';

const ctxs: TestCtx[] = [];
function ctx(flags = {}, deps: Parameters<typeof testCtx>[1] = {}) {
  const t = testCtx(flags, { command: 'create-user', state: STATE, ...deps });
  ctxs.push(t);
  return t;
}
afterEach(() => {
  while (ctxs.length) ctxs.pop()!.cleanup();
});

function writes(): string[] {
  return cognito
    .calls()
    .map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, ''))
    .filter((n) => /^(Admin(Create|Set|Add)|Create)/.test(n));
}

/** A pool with the default policy; `user` is the existing user's status (none by default); `groups` exist. */
function pool(o: { user?: string; groups?: string[]; memberOf?: string[]; policy?: object } = {}) {
  cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p', Policies: { PasswordPolicy: (o.policy as never) ?? { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true } } } });
  if (o.user) cognito.on(AdminGetUserCommand).resolves({ Username: EMAIL, UserStatus: o.user as never, Enabled: true });
  else cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
  cognito.on(GetGroupCommand).callsFake(async (i: { GroupName: string }) => {
    if ((o.groups ?? []).includes(i.GroupName)) return { Group: { GroupName: i.GroupName } };
    throw new ResourceNotFoundException({ message: 'Group not found.', $metadata: {} });
  });
  cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: (o.memberOf ?? []).map((g) => ({ GroupName: g })) });
  cognito.on(AdminCreateUserCommand).resolves({ User: { Username: EMAIL, UserStatus: 'FORCE_CHANGE_PASSWORD' } });
  cognito.on(AdminSetUserPasswordCommand).resolves({});
  cognito.on(CreateGroupCommand).resolves({});
  cognito.on(AdminAddUserToGroupCommand).resolves({});
}

beforeEach(() => {
  cognito.reset();
});

describe('createUser', () => {
  it('a new user: no invitation e-mail, permanent password, group created and joined; the password is never printed', async () => {
    pool();
    const t = ctx();
    const r = await createUser({ email: EMAIL, group: 'testers', password: PASSWORD, updatePassword: false }, t.ctx);

    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: EMAIL,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { UserPoolId: POOL, Username: EMAIL, Password: PASSWORD, Permanent: true });
    expect(cognito).toHaveReceivedCommandWith(CreateGroupCommand, { UserPoolId: POOL, GroupName: 'testers' });
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, { UserPoolId: POOL, Username: EMAIL, GroupName: 'testers' });
    expect(writes()).toEqual(['AdminCreateUser', 'AdminSetUserPassword', 'CreateGroup', 'AdminAddUserToGroup']);
    expect(r).toEqual({ userPoolId: POOL, username: EMAIL, signInName: EMAIL, email: EMAIL, status: 'CONFIRMED', created: true, passwordSet: true, group: 'testers', groupCreated: true, addedToGroup: true });
    expect(JSON.stringify(r) + t.stdout() + t.stderr() + (t.stateText() ?? '')).not.toContain(PASSWORD);
  });

  it('idempotent: an existing confirmed user in the group is left alone (password unchanged, with a warning)', async () => {
    pool({ user: 'CONFIRMED', groups: ['testers'], memberOf: ['testers'] });
    const t = ctx();
    const r = await createUser({ email: EMAIL, group: 'testers', password: PASSWORD, updatePassword: false }, t.ctx);
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ created: false, passwordSet: false, groupCreated: false, addedToGroup: false, status: 'CONFIRMED' });
    expect(stripAnsi(t.stderr())).toContain('password is left unchanged (pass --update-password');
  });

  it('a user that existed before this run (FORCE_CHANGE_PASSWORD or RESET_REQUIRED): setting its password is a change, so no terminal and no --yes is exit 2 with nothing written', async () => {
    for (const status of ['FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED']) {
      cognito.reset();
      pool({ user: status });
      const t = ctx();
      const e = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, t.ctx).catch((x) => x);
      expect(e, status).toBeInstanceOf(UsageError);
      expect(e.exit).toBe(2);
      expect(e.message).toMatch(/--yes/);
      expect(writes()).toEqual([]);
      // The plan said what would change.
      expect(stripAnsi(t.stderr())).toContain(`~ update password of user ${EMAIL}`);
      expect(stripAnsi(t.stderr())).toContain(`~ status: ${status} → CONFIRMED`);
      expect(t.stderr()).not.toContain(PASSWORD);
    }
  });

  it('resume: a user left in FORCE_CHANGE_PASSWORD by an interrupted run gets its permanent password with --yes, not a second AdminCreateUser', async () => {
    pool({ user: 'FORCE_CHANGE_PASSWORD' });
    const t = ctx({ yes: true });
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, t.ctx);
    expect(writes()).toEqual(['AdminSetUserPassword']);
    expect(r).toMatchObject({ created: false, passwordSet: true, status: 'CONFIRMED' });
  });

  it('RESET_REQUIRED on a terminal: asks to confirm before the password, then sets it; declining changes nothing (exit 130)', async () => {
    pool({ user: 'RESET_REQUIRED' });
    const prompter = scriptedPrompter([true, PASSWORD, PASSWORD]);
    const r = await createUser({ email: EMAIL, updatePassword: false }, ctx({}, { tty: true, prompter }).ctx);
    expect(prompter.asked.map((q) => q.kind)).toEqual(['confirm', 'password', 'password']);
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { UserPoolId: POOL, Username: EMAIL, Password: PASSWORD, Permanent: true });
    expect(r).toMatchObject({ passwordSet: true, status: 'CONFIRMED' });

    cognito.reset();
    pool({ user: 'RESET_REQUIRED' });
    const declined = scriptedPrompter([false]);
    await expect(createUser({ email: EMAIL, updatePassword: false }, ctx({}, { tty: true, prompter: declined }).ctx)).rejects.toMatchObject({ exit: 130 });
    expect(declined.asked.map((q) => q.kind)).toEqual(['confirm']);
    expect(writes()).toEqual([]);
  });

  it('a user created by this same run is ours: its password is set without --yes or a terminal', async () => {
    pool();
    const t = ctx();
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, t.ctx);
    expect(writes()).toEqual(['AdminCreateUser', 'AdminSetUserPassword']);
    expect(r).toMatchObject({ created: true, passwordSet: true, status: 'CONFIRMED' });
  });

  it('--update-password on a confirmed user: a change, so it needs --yes without a terminal', async () => {
    pool({ user: 'CONFIRMED' });
    await expect(createUser({ email: EMAIL, password: PASSWORD, updatePassword: true }, ctx().ctx)).rejects.toBeInstanceOf(UsageError);
    expect(writes()).toEqual([]);
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: true }, ctx({ yes: true }).ctx);
    expect(writes()).toEqual(['AdminSetUserPassword']);
    expect(r.passwordSet).toBe(true);
  });

  it('refuses a password the pool policy rejects, before any write (exit 2)', async () => {
    pool({ policy: { MinimumLength: 12, RequireSymbols: true } });
    const e = await createUser({ email: EMAIL, password: 'short1A', updatePassword: false }, ctx().ctx).catch((x) => x);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/at least 12 characters, a symbol/);
    expect(e.message).not.toContain('short1A');
    expect(writes()).toEqual([]);
  });

  it('without a password and without a terminal: usage error naming --password-stdin, nothing created', async () => {
    pool();
    await expect(createUser({ email: EMAIL, updatePassword: false }, ctx().ctx)).rejects.toThrow(/--password-stdin/);
    expect(writes()).toEqual([]);
  });

  it('on a terminal: asks the password twice (masked), again when the two differ', async () => {
    pool();
    const prompter = scriptedPrompter(['Abcdefg1x', 'different', PASSWORD, PASSWORD]);
    const t = ctx({}, { tty: true, prompter });
    await createUser({ email: EMAIL, updatePassword: false }, t.ctx);
    expect(prompter.asked.map((q) => q.kind)).toEqual(['password', 'password', 'password', 'password']);
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { Password: PASSWORD, Permanent: true });
    expect(stripAnsi(t.stderr())).toContain('The two passwords differ');
  });

  it('Ctrl-C at the password prompt creates nothing', async () => {
    pool();
    const t = ctx({}, { tty: true, prompter: scriptedPrompter([new CancelledError()]) });
    await expect(createUser({ email: EMAIL, updatePassword: false }, t.ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(writes()).toEqual([]);
  });

  it('--dry-run creates nothing', async () => {
    pool();
    const t = ctx({ dryRun: true });
    const r = await createUser({ email: EMAIL, group: 'g', password: PASSWORD, updatePassword: false }, t.ctx);
    expect(writes()).toEqual([]);
    expect(r.created).toBe(false);
    expect(t.ctx.planned.map((s) => s.resource)).toEqual([expect.stringContaining('sign-in user'), `permanent password of user ${EMAIL}`, 'group g', expect.stringContaining('membership')]);
  });

  it('--dry-run needs no password (no terminal, none given): shows the plan with the aws commands, the password redacted', async () => {
    pool();
    const t = ctx({ dryRun: true });
    const r = await createUser({ email: EMAIL, updatePassword: false }, t.ctx);
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ created: false, passwordSet: false });
    const err = stripAnsi(t.stderr());
    expect(err).toContain(
      `aws cognito-idp admin-create-user --region us-east-1 --cli-input-json '${JSON.stringify({ UserPoolId: POOL, Username: EMAIL, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: EMAIL }, { Name: 'email_verified', Value: 'true' }] })}'`,
    );
    expect(err).toContain(`aws cognito-idp admin-set-user-password --region us-east-1 --user-pool-id '${POOL}' --username '${EMAIL}' --password '<password>' --permanent`);
  });

  it('--dry-run on an existing FORCE_CHANGE_PASSWORD user: the update is planned (password redacted), not applied, no --yes or password needed', async () => {
    pool({ user: 'FORCE_CHANGE_PASSWORD' });
    const t = ctx({ dryRun: true });
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, t.ctx);
    expect(writes()).toEqual([]);
    expect(r).toMatchObject({ passwordSet: false, status: 'FORCE_CHANGE_PASSWORD' });
    expect(t.ctx.planned).toEqual([expect.objectContaining({ action: 'update', awsCli: expect.stringContaining("--password '<password>'") })]);
    expect(t.stderr()).not.toContain(PASSWORD);
  });
});

describe('createUser: the pool decides how the user is named (UsernameAttributes / AliasAttributes)', () => {
  const SUB = '8f2c4a1e-3b5d-4c6e-9f70-1a2b3c4d5e6f';
  const describePool = (extra: object) => cognito.on(DescribeUserPoolCommand).resolves({ UserPool: { Id: POOL, Name: 'p', ...extra } });
  const common = () => {
    cognito.on(AdminSetUserPasswordCommand).resolves({});
  };

  it('e-mail sign-in pool (UsernameAttributes [email]): the address is sent as Username, the generated name is used afterwards and reported; sign in with the address', async () => {
    describePool({ UsernameAttributes: ['email'] });
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB, UserStatus: 'FORCE_CHANGE_PASSWORD' } });
    common();
    const t = ctx({ json: true });
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, t.ctx);
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, { Username: EMAIL });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserPasswordCommand, { Username: SUB, Permanent: true });
    expect(r).toMatchObject({ username: SUB, signInName: EMAIL, email: EMAIL, created: true, status: 'CONFIRMED' });
    expect(cognito.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it('e-mail alias pool (AliasAttributes [email]): never an e-mail-shaped Username; the local part, the address verified; sign in with the address', async () => {
    describePool({ AliasAttributes: ['email', 'preferred_username'] });
    cognito.on(ListUsersCommand).resolves({ Users: [] });
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    cognito.on(AdminCreateUserCommand).callsFake(async (i: { Username: string }) => ({ User: { Username: i.Username, UserStatus: 'FORCE_CHANGE_PASSWORD' } }));
    common();
    const t = ctx();
    const r = await createUser({ email: 'Tester.One+mcp@example.com', password: PASSWORD, updatePassword: false }, t.ctx);
    expect(cognito).toHaveReceivedCommandWith(ListUsersCommand, { UserPoolId: POOL, Filter: 'email = "Tester.One+mcp@example.com"' });
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      Username: 'tester.one+mcp',
      UserAttributes: [
        { Name: 'email', Value: 'Tester.One+mcp@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(r).toMatchObject({ username: 'tester.one+mcp', signInName: 'Tester.One+mcp@example.com', created: true });
  });

  it('e-mail alias pool: a derived name held by someone else → the next free one (tester-2)', async () => {
    describePool({ AliasAttributes: ['email'] });
    cognito.on(ListUsersCommand).resolves({ Users: [] });
    cognito.on(AdminGetUserCommand).callsFake(async (i: { Username: string }) => {
      if (i.Username === 'tester') return { Username: 'tester', UserStatus: 'CONFIRMED' };
      throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
    });
    cognito.on(AdminCreateUserCommand).callsFake(async (i: { Username: string }) => ({ User: { Username: i.Username } }));
    common();
    const r = await createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, ctx().ctx);
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, { Username: 'tester-2' });
    expect(r).toMatchObject({ username: 'tester-2', signInName: EMAIL });
  });

  it('e-mail alias pool: the user the address belongs to is found by ListUsers and left alone (a second run changes nothing)', async () => {
    describePool({ AliasAttributes: ['email'] });
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: 'tester', UserStatus: 'CONFIRMED', Attributes: [{ Name: 'email', Value: EMAIL }, { Name: 'email_verified', Value: 'true' }] }] });
    const t = ctx();
    const r = await createUser({ email: EMAIL, updatePassword: false }, t.ctx);
    expect(writes()).toEqual([]);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
    expect(r).toMatchObject({ username: 'tester', signInName: EMAIL, created: false, status: 'CONFIRMED' });
  });

  it('a pool that signs people in with a phone number: refused before any write, saying why', async () => {
    describePool({ UsernameAttributes: ['phone_number'] });
    await expect(createUser({ email: EMAIL, password: PASSWORD, updatePassword: false }, ctx().ctx)).rejects.toThrow(RefusedError);
    expect(writes()).toEqual([]);
  });

  it('aliasUsername: the local part, lower-cased; a phone-shaped one is prefixed', () => {
    expect(aliasUsername('Jane.Doe@Example.com')).toBe('jane.doe');
    expect(aliasUsername('+15551234@example.com')).toBe('user-15551234');
  });
});

describe('create-user input', () => {
  it('validates e-mail and group before AWS', () => {
    expect(() => parseCreateUserFlags({})).toThrow(UsageError);
    expect(() => parseCreateUserFlags({ email: 'not-an-address' })).toThrow(/--email "not-an-address" is not an e-mail address/);
    expect(() => parseCreateUserFlags({ email: EMAIL, group: 'has space' })).toThrow(InputError);
    expect(parseCreateUserFlags({ email: EMAIL, group: 'testers', updatePassword: true })).toEqual({ poolId: undefined, email: EMAIL, group: 'testers', password: undefined, updatePassword: true });
  });

  it('checks passwords against the policy', () => {
    expect(passwordProblem('Passw0rdX')).toBeUndefined();
    expect(passwordProblem('password')).toMatch(/an uppercase letter, a number/);
    expect(passwordProblem(' Passw0rdX')).toMatch(/space/);
  });

  it('reads the first line of stdin as the secret', async () => {
    const s = new PassThrough();
    s.end('Pa55word!\nignored\n');
    expect(await readSecretFromStdin(s)).toBe('Pa55word!');
  });
});
