import { describe, expect, it } from 'vitest';
import { CreateUserPoolCommand, AdminCreateUserCommand, AdminGetUserCommand, AdminListGroupsForUserCommand, AdminResetUserPasswordCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { initPoolSeed, sdk, useMoto } from './moto';
import { runCli } from './run-cli';

const PASSWORD = 'Corr3ctHorse';
/** A pool made with CreateUserPool alone has Cognito's default policy: symbols required. */
const STRONG = 'Corr3ct-Horse!';

describe('create-user (moto)', () => {
  const moto = useMoto();
  /** The pool init-pool makes (run for real once in the file: init-pool.test.ts tests it), with its state file. */
  const initPool = initPoolSeed(moto, []);

  it('creates a confirmed user in a new group without an invitation; a second run changes nothing; the password is never sent anywhere but AdminSetUserPassword', async () => {
    const setup = await initPool();
    const poolId = setup.poolId;
    const args = ['create-user', '--email', 'tester@example.com', '--group', 'testers', '--password-stdin', '--json'];

    const r = await runCli(args, { endpoint: moto.endpoint(), cwd: setup.cwd, input: `${PASSWORD}\n` });
    expect(r.code, r.stderr).toBe(0);
    // init-pool's pool signs people in with their e-mail address (UsernameAttributes [email]): Cognito generates the user name.
    expect(r.json()).toMatchObject({ success: true, userPoolId: poolId, username: expect.stringMatching(/^[0-9a-f-]{36}$/), signInName: 'tester@example.com', email: 'tester@example.com', status: 'CONFIRMED', created: true, passwordSet: true, groupCreated: true, addedToGroup: true });
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.requests.find((c) => c.operation === 'AdminCreateUser')?.input).toMatchObject({ MessageAction: 'SUPPRESS' });
    expect(r.requests.find((c) => c.operation === 'AdminSetUserPassword')?.input).toMatchObject({ Permanent: true });

    const { cognito } = sdk(moto.endpoint());
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tester@example.com' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    const groups = await cognito.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'tester@example.com' }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['testers']);

    const again = await runCli(args, { endpoint: moto.endpoint(), cwd: setup.cwd, input: `${PASSWORD}\n` });
    expect(again.code, again.stderr).toBe(0);
    expect(again.requests.filter((c) => /^(Admin(Create|Set|Add)|Create)/.test(c.operation))).toEqual([]);
  });

  it('a weak password: exit 2, no user', async () => {
    const setup = await initPool();
    const r = await runCli(['create-user', '--email', 'tester@example.com', '--password-stdin'], { endpoint: moto.endpoint(), cwd: setup.cwd, input: 'weak\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/password needs at least 8 characters/);
    expect(r.requests.map((c) => c.operation)).not.toContain('AdminCreateUser');
  });

  it('an existing user in FORCE_CHANGE_PASSWORD or RESET_REQUIRED: no terminal and no --yes is exit 2 and the user is untouched; --yes sets the permanent password', async () => {
    const setup = await initPool();
    const poolId = setup.poolId;
    const { cognito } = sdk(moto.endpoint());
    const status = async (u: string) => (await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: u }))).UserStatus;
    // Someone else's invited user (temporary password), and a user an administrator reset.
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'invited@example.com', TemporaryPassword: 'Temp0rary!Pw', MessageAction: 'SUPPRESS' }));
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'reset@example.com', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'reset@example.com' }, { Name: 'email_verified', Value: 'true' }] }));
    await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'reset@example.com', Password: 'Old0Passw0rd!', Permanent: true }));
    await cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'reset@example.com' }));
    expect(await status('invited@example.com')).toBe('FORCE_CHANGE_PASSWORD');
    expect(await status('reset@example.com')).toBe('RESET_REQUIRED');

    for (const [user, before] of [['invited@example.com', 'FORCE_CHANGE_PASSWORD'], ['reset@example.com', 'RESET_REQUIRED']] as const) {
      const refused = await runCli(['create-user', '--email', user, '--password-stdin', '--json'], { endpoint: moto.endpoint(), cwd: setup.cwd, input: `${PASSWORD}\n` });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.json()).toMatchObject({ success: false, error: { code: 'USAGE', message: expect.stringMatching(/--yes/) } });
      expect(refused.requests.map((c) => c.operation)).not.toContain('AdminSetUserPassword');
      expect(await status(user)).toBe(before);

      const applied = await runCli(['create-user', '--email', user, '--password-stdin', '--yes', '--json'], { endpoint: moto.endpoint(), cwd: setup.cwd, input: `${PASSWORD}\n` });
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.json()).toMatchObject({ success: true, created: false, passwordSet: true, status: 'CONFIRMED' });
      expect(await status(user)).toBe('CONFIRMED');
    }
  });

  it('--dry-run: no password needed or read; the plan with the aws commands (password redacted), exit 0, nothing created', async () => {
    const setup = await initPool();
    // Empty stdin: --password-stdin would be an error if it were read.
    for (const extra of [[], ['--password-stdin']]) {
      const r = await runCli(['create-user', '--email', 'tester@example.com', '--group', 'testers', '--dry-run', ...extra], { endpoint: moto.endpoint(), cwd: setup.cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('aws cognito-idp admin-create-user');
      expect(r.stderr).toMatch(/aws cognito-idp admin-set-user-password .*--password '<password>' --permanent/);
      expect(r.stderr).toContain('aws cognito-idp create-group');
      expect(r.stdout).toMatch(/Dry run: nothing was changed/);
      expect(r.requests.filter((c) => /^(Admin(Create|Set|Add)|Create)/.test(c.operation))).toEqual([]);
    }
    const json = await runCli(['create-user', '--email', 'tester@example.com', '--dry-run', '--json'], { endpoint: moto.endpoint(), cwd: setup.cwd });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json()).toMatchObject({ success: true, dryRun: true, created: false, plan: [{ action: 'create' }, { action: 'create', awsCli: expect.stringContaining("--password '<password>'") }] });
  });

  it('a pool with the e-mail alias (AliasAttributes [email]): the user gets a name derived from the address (Cognito refuses an e-mail-shaped one), the address verified; the name to sign in with is printed; a second run finds it', async () => {
    const { cognito } = sdk(moto.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'adopted-alias', AliasAttributes: ['email'] }))).UserPool!.Id!;
    // Someone already holds the plain local part: the next name is taken.
    await cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'tester', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'tester@other.example' }] }));
    const args = ['create-user', '--pool-id', poolId, '--email', 'tester@example.com', '--password-stdin'];
    const r = await runCli([...args, '--json'], { endpoint: moto.endpoint(), input: `${STRONG}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ success: true, username: 'tester-2', signInName: 'tester@example.com', email: 'tester@example.com', created: true, status: 'CONFIRMED' });
    expect(r.requests.find((c) => c.operation === 'AdminCreateUser')?.input).toMatchObject({ Username: 'tester-2', UserAttributes: [{ Name: 'email', Value: 'tester@example.com' }, { Name: 'email_verified', Value: 'true' }] });
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tester-2' }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email', Value: 'tester@example.com' }, { Name: 'email_verified', Value: 'true' }]));

    const human = await runCli(args, { endpoint: moto.endpoint(), input: `${STRONG}\n` });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Sign-in user tester@example.com already exists/);
    expect(human.stdout).toMatch(/Sign in with\s+tester@example.com/);
    expect(human.stdout).toMatch(/User name\s+tester-2 \(its name in the pool\)/);
    expect(human.requests.filter((c) => /^(Admin(Create|Set|Add)|Create)/.test(c.operation))).toEqual([]);
  });

  it('a plain pool (neither attribute): the user name is the address as given', async () => {
    const { cognito } = sdk(moto.endpoint());
    const poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'adopted-plain' }))).UserPool!.Id!;
    const r = await runCli(['create-user', '--pool-id', poolId, '--email', 'tester@example.com', '--password-stdin', '--json'], { endpoint: moto.endpoint(), input: `${STRONG}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ username: 'tester@example.com', signInName: 'tester@example.com', created: true });
  });
});
