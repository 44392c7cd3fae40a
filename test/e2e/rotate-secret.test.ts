/**
 * rotate-secret through the built binary on the emulator front (moto lacks the client-secret APIs;
 * the front implements AddUserPoolClientSecret, ListUserPoolClientSecrets, DeleteUserPoolClientSecret).
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';

const emu = useEmulator();

async function seed(opts: { secret?: boolean } = {}) {
  const { cognito } = sdk(emu.endpoint());
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
  const client = (
    await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.Id,
        ClientName: 'copilot-studio-mcp',
        GenerateSecret: opts.secret ?? true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid'],
        CallbackURLs: ['https://app.example.com/callback'],
        SupportedIdentityProviders: ['COGNITO'],
      }),
    )
  ).UserPoolClient!;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-cognito-rotate-'));
  writeFileSync(join(dir, 'mcp-cognito.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: pool.Id, clients: [{ clientId: client.ClientId, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] }));
  return { poolId: pool.Id!, clientId: client.ClientId!, oldSecret: client.ClientSecret, cognito, dir };
}

const secretsOf = async (poolId: string, clientId: string) => (await sdk(emu.endpoint()).cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets ?? [];

describe('rotate-secret (emulator front)', () => {
  it('rotate-secret then --finish leaves exactly one secret, the new one; the dotenv file holds it with its other lines kept', async () => {
    const { poolId, clientId, oldSecret, dir } = await seed();
    const env = join(dir, '.env');
    const lines = ['# my app', 'PORT=8080', `COGNITO_CLIENT_ID=${clientId}`, `COGNITO_CLIENT_SECRET=${oldSecret}`, 'COGNITO_SCOPES="openid"', 'OTHER=kept # comment', ''];
    writeFileSync(env, lines.join('\n'), { mode: 0o600 });
    const [original] = await secretsOf(poolId, clientId);

    const add = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(add.code, add.stderr).toBe(0);
    const out = add.json<any>();
    expect(out).toMatchObject({ success: true, command: 'rotate-secret', action: 'add', changed: true, clientId, envFile: '.env', envFileChanges: { updated: ['COGNITO_CLIENT_SECRET'], added: [], removed: [] } });
    const fresh = out.clientSecret as string;
    expect(fresh).toMatch(/^\w{20,}/);
    expect(fresh).not.toBe(oldSecret);
    expect(out.secrets).toHaveLength(2);
    expect(out.nextSteps.join('\n')).toContain('Custom connectors');
    expect(out.nextSteps.join('\n')).toContain('rotate-secret --finish');
    expect(readFileSync(env, 'utf8')).toBe(lines.join('\n').replace(`COGNITO_CLIENT_SECRET=${oldSecret}`, `COGNITO_CLIENT_SECRET=${fresh}`));
    expect(statSync(env).mode & 0o777).toBe(0o600);
    // Never in a request, nor in the state file.
    expect(JSON.stringify(add.requests)).not.toContain(fresh);
    expect(readFileSync(join(dir, 'mcp-cognito.json'), 'utf8')).not.toContain(fresh);
    expect((await secretsOf(poolId, clientId)).map((s) => s.ClientSecretId)).toEqual([original!.ClientSecretId, out.secretId]);

    // A third is refused: a rotation is in progress (exit 1, nothing sent).
    const third = await runCli(['rotate-secret', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(third.code).toBe(1);
    expect(third.json()).toMatchObject({ success: false, error: { code: 'REFUSED', message: expect.stringContaining('already holds 2 secrets') } });
    expect(third.requests.map((r) => r.operation)).not.toContain('AddUserPoolClientSecret');

    const finish = await runCli(['rotate-secret', '--finish', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(finish.code, finish.stderr).toBe(0);
    expect(finish.json()).toMatchObject({ action: 'finish', changed: true, deleted: [{ secretId: original!.ClientSecretId }], secrets: [{ secretId: out.secretId }] });
    const deletes = finish.requests.filter((r) => r.operation === 'DeleteUserPoolClientSecret');
    expect(deletes.map((d) => d.input.ClientSecretId)).toEqual([original!.ClientSecretId]);
    expect((await secretsOf(poolId, clientId)).map((s) => s.ClientSecretId)).toEqual([out.secretId]);

    // Again: nothing to finish, nothing sent, exit 0.
    const again = await runCli(['rotate-secret', '--finish', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ changed: false, deleted: [] });
    expect(again.requests.map((r) => r.operation)).not.toContain('DeleteUserPoolClientSecret');
  });

  it('refuses a client without a secret (exit 1, nothing added)', async () => {
    const pub = await seed({ secret: false });
    const r = await runCli(['rotate-secret', '--yes', '--json'], { endpoint: emu.endpoint(), cwd: pub.dir });
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ error: { code: 'REFUSED', message: expect.stringContaining('has no client secret') } });
    expect(r.requests.map((q) => q.operation)).not.toContain('AddUserPoolClientSecret');
  });

  it('refuses a dotenv file of another client before any request (exit 2)', async () => {
    const { dir } = await seed();
    writeFileSync(join(dir, '.env'), 'COGNITO_CLIENT_ID=someoneelse\nCOGNITO_CLIENT_SECRET=x\n');
    const other = await runCli(['rotate-secret', '--dotenv', '.env', '--yes'], { endpoint: emu.endpoint(), cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('someoneelse');
    expect(other.requests).toHaveLength(0);
  });

  it('without --yes and without a terminal: refused before adding (exit 2); --dry-run shows the plan', async () => {
    const { dir } = await seed();
    const r = await runCli(['rotate-secret'], { endpoint: emu.endpoint(), cwd: dir });
    expect(r.code).toBe(2);
    expect(r.requests.map((q) => q.operation)).not.toContain('AddUserPoolClientSecret');
    const dry = await runCli(['rotate-secret', '--dry-run'], { endpoint: emu.endpoint(), cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('aws cognito-idp add-user-pool-client-secret');
    expect(dry.requests.map((q) => q.operation)).not.toContain('AddUserPoolClientSecret');
  });
});
