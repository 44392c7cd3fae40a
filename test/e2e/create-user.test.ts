import { describe, expect, it } from 'vitest';
import { AdminGetUserCommand, AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';
import { runCli } from './run-cli';

const PASSWORD = 'Corr3ctHorse';

describe('create-user (moto)', () => {
  const moto = useMoto();

  it('creates a confirmed user in a new group without an invitation; a second run changes nothing; the password is never sent anywhere but AdminSetUserPassword', async () => {
    const setup = await runCli(['init-pool', '--json'], { endpoint: moto.endpoint() });
    expect(setup.code, setup.stderr).toBe(0);
    const poolId = setup.json<{ userPoolId: string }>().userPoolId;
    const args = ['create-user', '--email', 'tester@example.com', '--group', 'testers', '--password-stdin', '--json'];

    const r = await runCli(args, { endpoint: moto.endpoint(), cwd: setup.cwd, input: `${PASSWORD}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ success: true, userPoolId: poolId, username: 'tester@example.com', status: 'CONFIRMED', created: true, passwordSet: true, groupCreated: true, addedToGroup: true });
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
    const setup = await runCli(['init-pool', '--json'], { endpoint: moto.endpoint() });
    const r = await runCli(['create-user', '--email', 'tester@example.com', '--password-stdin'], { endpoint: moto.endpoint(), cwd: setup.cwd, input: 'weak\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/password needs at least 8 characters/);
    expect(r.requests.map((c) => c.operation)).not.toContain('AdminCreateUser');
  });
});
