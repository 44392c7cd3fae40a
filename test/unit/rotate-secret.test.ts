/**
 * rotate-secret never causes an outage (issue 17 §2; issue 18 §2): the rotation is recorded before
 * the Add, a secret is "delivered" once shown, written to --env-file or given to the façade, a re-run
 * replaces an undelivered secret it provably added, --finish keeps only a delivered secret, clean-up
 * never deletes another writer's secret, and the façade gets the new secret (its parameter, and new
 * instances through a configuration change that carries the secret's ID, never its value).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  DeleteUserPoolClientSecretCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientSecretsCommand,
  type ClientSecretDescriptorType,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { rotateSecret, type RotateSecretResult } from '../../src/workflows/rotate-secret.js';
import { checkFinish, judgeResume, planFinish, provablyOurs, type RotationRecord } from '../../src/steps/client/rotate-secret.js';
import { CliError } from '../../src/lib/errors.js';
import { ENV } from '../../src/facade/env.js';
import { RICH_CLIENT } from './rmw-fixtures.js';
import { testCtx, type TestCtx } from './helpers.js';

const POOL = RICH_CLIENT.UserPoolId!;
const CLIENT = RICH_CLIENT.ClientId!;
const STATE = { version: 1, region: 'us-east-1', userPoolId: POOL, clients: [{ clientId: CLIENT, name: 'copilot-studio-mcp', preset: 'copilot-studio' }] };
const FACADE = { functionName: 'mcp-cognito-facade', roleName: 'mcp-cognito-facade-role', parameterNames: ['/mcp-cognito/mcp-cognito-facade/signing-key', '/mcp-cognito/mcp-cognito-facade/client-secret'], region: 'us-east-1', clientId: CLIENT, created: true, callbackAdded: true };

const cognito = mockClient(CognitoIdentityProviderClient);
const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);

/** Cognito's secrets of the client, as the mock keeps them (values known to the test only). */
let secrets: { id: string; created: Date; value: string }[];
let addValue = 0;
const secret = (id: string, created = new Date('2026-01-01T00:00:00Z')) => ({ id: `${CLIENT}--${id}`, created, value: `value-${id}-0123456789abcdef` });
const listed = (): ClientSecretDescriptorType[] => secrets.map((s) => ({ ClientSecretId: s.id, ClientSecretCreateDate: s.created }));
/** Lands an Add on the mock (as AWS would) and returns its descriptor. */
function land(): ClientSecretDescriptorType {
  const s = { id: `${CLIENT}--${Date.now()}${addValue}`, created: new Date(), value: `brand-new-${++addValue}-0123456789abcdef` };
  secrets.push(s);
  return { ClientSecretId: s.id, ClientSecretCreateDate: s.created, ClientSecretValue: s.value };
}
const lost = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

beforeEach(() => {
  cognito.reset();
  lambda.reset();
  ssm.reset();
  secrets = [secret('1')];
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: RICH_CLIENT });
  cognito.on(ListUserPoolClientSecretsCommand).callsFake(async () => ({ ClientSecrets: listed() }));
  cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => ({ ClientSecretDescriptor: land() }));
  cognito.on(DeleteUserPoolClientSecretCommand).callsFake(async (input: { ClientSecretId: string }) => {
    secrets = secrets.filter((s) => s.id !== input.ClientSecretId);
    return {};
  });
});

/** Runs rotate-secret on a Ctx; `shown` collects what was shown on stdout. */
async function run(t: TestCtx, finish = false, shown: RotateSecretResult[] = []): Promise<RotateSecretResult> {
  return rotateSecret({ finish }, t.ctx, (r) => void shown.push(r));
}
const deletes = () => cognito.commandCalls(DeleteUserPoolClientSecretCommand).map((c) => c.args[0].input.ClientSecretId);
const rec = (o: Partial<RotationRecord>): RotationRecord => ({ userPoolId: POOL, clientId: CLIENT, before: [`${CLIENT}--1`], sentAt: new Date().toISOString(), deliveredTo: [], ...o });

describe('rotate-secret: the rotation is recorded before the Add, and its delivery after', () => {
  it('records the secret IDs before AddUserPoolClientSecret is sent, then the new ID, then "stdout" once shown; never a value', async () => {
    const t = testCtx({ yes: true }, { state: STATE });
    let atSend: any;
    cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => {
      atSend = t.state().rotations;
      return { ClientSecretDescriptor: land() };
    });
    const shown: RotateSecretResult[] = [];
    const r = await run(t, false, shown);
    expect(atSend).toEqual([{ userPoolId: POOL, clientId: CLIENT, before: [`${CLIENT}--1`], sentAt: expect.any(String), deliveredTo: [] }]);
    expect(shown).toHaveLength(1);
    expect(t.state().rotations).toEqual([expect.objectContaining({ addedId: r.secretId, deliveredTo: ['stdout'] })]);
    expect(t.stateText()).not.toContain(r.clientSecret);
  });
});

describe('rotate-secret: interrupted (issue 17 repro: Ctrl-C after Add sent, re-run, --finish keeps a working secret)', () => {
  it('interrupted rotate + re-run + --finish: the re-run deletes the undelivered secret and adds a fresh one; --finish keeps the one shown', async () => {
    // The first run was stopped after the Add landed and its ID was recorded, before the value was shown.
    const first = land();
    const t = testCtx({ yes: true }, { state: { ...STATE, rotations: [rec({ addedId: first.ClientSecretId })] } });
    // Before the re-run, --finish refuses: the newest secret was never delivered.
    const early = await run(t, true).catch((e: unknown) => e);
    expect(early).toMatchObject({ code: 'REFUSED', exit: 1, message: expect.stringContaining('was never shown nor written anywhere') });
    expect(deletes()).toEqual([]);

    const shown: RotateSecretResult[] = [];
    const again = await run(t, false, shown);
    expect(again.discarded?.secretId).toBe(first.ClientSecretId);
    expect(deletes()).toEqual([first.ClientSecretId]);
    expect(shown[0]!.clientSecret).toBe(secrets.at(-1)!.value);

    const finish = await run(t, true);
    expect(finish).toMatchObject({ changed: true, deleted: [{ secretId: `${CLIENT}--1` }] });
    // The consumer holds the value that was shown, and it is the client's only secret.
    expect(secrets.map((s) => s.value)).toEqual([shown[0]!.clientSecret]);
    expect(t.state().rotations).toBeUndefined();
  });

  it('a lost answer: the secret that appeared is named and never deleted (nothing proves it is ours); the re-run says the same; once the person deletes it, a fresh one', async () => {
    cognito
      .on(AddUserPoolClientSecretCommand)
      .callsFakeOnce(async () => {
        land();
        throw lost();
      })
      .callsFake(async () => ({ ClientSecretDescriptor: land() }));
    const t = testCtx({ yes: true }, { state: STATE });
    const err = (await run(t).catch((e: unknown) => e)) as CliError;
    const appeared = secrets[1]!.id;
    expect(err.message).toContain('AddUserPoolClientSecret failed without saying whether it added a secret');
    expect(err.message).toContain(appeared);
    expect(err.message).toContain('nothing was deleted');
    expect(deletes()).toEqual([]);
    const again = (await run(t).catch((e: unknown) => e)) as CliError;
    expect(again).toMatchObject({ code: 'REFUSED', exit: 1 });
    expect(again.message).toContain(appeared);
    expect(again.hint).toContain(`--client-secret-id '${appeared}'`);
    expect(deletes()).toEqual([]);
    // The person deletes it (the hint's command); the next run adds a fresh one and shows it.
    secrets = secrets.filter((x) => x.id !== appeared);
    const shown: RotateSecretResult[] = [];
    await run(t, false, shown);
    expect(shown[0]!.clientSecret).toBe(secrets.at(-1)!.value);
  });
});

describe('rotate-secret: an Add that lands late (issue 17 repro)', () => {
  it('its answer is waited for (up to a minute, whatever the request timeout), so a slow Add succeeds', async () => {
    const t = testCtx({ yes: true }, { state: STATE });
    const shown: RotateSecretResult[] = [];
    await run(t, false, shown);
    const opts = (cognito.commandCalls(AddUserPoolClientSecretCommand)[0]!.args as unknown[])[1] as { requestTimeout?: number } | undefined;
    expect(opts?.requestTimeout).toBeGreaterThanOrEqual(60_000);
  });

  it('one later than that is not reported as "nothing changed": the error says it may have been added; the re-run names what landed and deletes nothing', async () => {
    cognito.on(AddUserPoolClientSecretCommand).callsFakeOnce(async () => {
      throw Object.assign(new Error('Request timed out'), { name: 'TimeoutError' });
    });
    const t = testCtx({ yes: true }, { state: STATE });
    const err = (await run(t).catch((e: unknown) => e)) as CliError;
    expect(err.message).toContain('the new secret may have been added');
    expect(err.message).toContain('mcp-cognito status');
    expect(err.message).not.toMatch(/Nothing changed|no secret was added/i);
    expect(t.state().rotations[0]).toMatchObject({ gaveUpAt: expect.any(String), deliveredTo: [] });
    land();
    const again = (await run(t).catch((e: unknown) => e)) as CliError;
    expect(again).toMatchObject({ code: 'REFUSED', message: expect.stringContaining(secrets[1]!.id) });
    expect(deletes()).toEqual([]);
    // --finish keeps every secret: the newest was never delivered, nor recorded as this tool's.
    await expect(run(t, true)).rejects.toMatchObject({ code: 'REFUSED' });
    expect(deletes()).toEqual([]);
  });
});

describe('rotate-secret: clean-up never deletes another writer\'s secret (issue 17 repro)', () => {
  it('another rotate-secret on the same client waits for the lock, then finds the delivered rotation and refuses: nothing deleted', async () => {
    const t1 = testCtx({ yes: true }, { state: STATE });
    // Two runs share one state file (as two processes would).
    const t2 = testCtx({ yes: true, state: t1.statePath });
    const [a, b] = await Promise.allSettled([run(t1), run(t2)]);
    const ok = [a, b].filter((x) => x.status === 'fulfilled');
    const refused = [a, b].filter((x) => x.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: 'REFUSED', message: expect.stringContaining('already holds 2 secrets') });
    expect(deletes()).toEqual([]);
    expect(secrets).toHaveLength(2);
  });

  it('another writer\'s secret beside the one a lost answer added: nothing deleted (two appeared: not provable)', async () => {
    cognito.on(AddUserPoolClientSecretCommand).callsFake(async () => {
      land();
      secrets.splice(0, 1, secret('1'), secret('theirs', new Date()));
      throw lost();
    });
    const t = testCtx({ yes: true }, { state: STATE });
    await run(t).catch(() => undefined);
    expect(deletes()).toEqual([]);
    // The re-run refuses with what it found, and deletes nothing either.
    const again = (await run(t).catch((e: unknown) => e)) as CliError;
    expect(again).toMatchObject({ code: 'REFUSED', exit: 1 });
    expect(again.message).toContain(`${CLIENT}--theirs`);
    expect(deletes()).toEqual([]);
  });

  it('--finish deletes nothing when an older secret is not one the rotation found before adding', async () => {
    const mine = land();
    secrets.unshift(secret('0', new Date('2025-12-01T00:00:00Z')));
    const t = testCtx({ yes: true }, { state: { ...STATE, rotations: [rec({ addedId: mine.ClientSecretId, deliveredTo: ['stdout'] })] } });
    await expect(run(t, true)).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringContaining(`${CLIENT}--0`) });
    expect(deletes()).toEqual([]);
  });

  it('--finish without a recorded rotation: cannot tell, refused (exit 1), nothing deleted', async () => {
    land();
    const t = testCtx({ yes: true }, { state: STATE });
    await expect(run(t, true)).rejects.toMatchObject({ code: 'REFUSED', exit: 1, message: expect.stringContaining('Cannot tell') });
    expect(deletes()).toEqual([]);
  });
});

describe('rotate-secret and the deployed façade (issue 18 §2)', () => {
  beforeEach(() => {
    lambda.on(GetFunctionCommand).resolves({ Configuration: { FunctionName: FACADE.functionName, State: 'Active', LastUpdateStatus: 'Successful', Environment: { Variables: { [ENV.clientId]: CLIENT, [ENV.clientSecretParameter]: FACADE.parameterNames[1]! } } } });
    lambda.on(UpdateFunctionConfigurationCommand).resolves({ FunctionName: FACADE.functionName });
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
  });

  it('the new secret goes to the façade\'s parameter (SecureString, overwritten); its configuration gets the secret ID, not the value; the state records the ID; --finish then keeps /token working', async () => {
    const t = testCtx({ yes: true }, { state: { ...STATE, facade: { ...FACADE, secretId: `${CLIENT}--1` } } });
    const shown: RotateSecretResult[] = [];
    const r = await run(t, false, shown);
    const put = ssm.commandCalls(PutParameterCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Name: FACADE.parameterNames[1], Type: 'SecureString', Overwrite: true, Value: r.clientSecret });
    const update = lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input;
    expect(update.Environment!.Variables).toMatchObject({ [ENV.clientId]: CLIENT, [ENV.clientSecretId]: r.secretId });
    expect(JSON.stringify(update)).not.toContain(r.clientSecret);
    expect(t.state().facade.secretId).toBe(r.secretId);
    expect(t.state().rotations[0].deliveredTo).toEqual([`facade:${FACADE.functionName}`, 'stdout']);
    expect(r.facade).toBe(FACADE.functionName);
    const finish = await run(t, true);
    expect(finish.deleted).toEqual([expect.objectContaining({ secretId: `${CLIENT}--1` })]);
    // What the façade holds is the client's secret.
    expect(secrets.map((s) => s.value)).toEqual([put.Value]);
  });

  it('--finish refuses while the façade\'s recorded secret is the one it would delete', async () => {
    const mine = land();
    const t = testCtx({ yes: true }, { state: { ...STATE, facade: { ...FACADE, secretId: `${CLIENT}--1` }, rotations: [rec({ addedId: mine.ClientSecretId, deliveredTo: ['stdout'] })] } });
    await expect(run(t, true)).rejects.toMatchObject({ code: 'REFUSED', exit: 1, message: expect.stringContaining(`still holds secret ${CLIENT}--1`) });
    expect(deletes()).toEqual([]);
  });

  it('a façade update that fails: the secret is still shown; --finish refuses until the façade has it', async () => {
    lambda.on(UpdateFunctionConfigurationCommand).rejects(Object.assign(new Error('AccessDeniedException'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
    const t = testCtx({ yes: true }, { state: { ...STATE, facade: { ...FACADE, secretId: `${CLIENT}--1` } } });
    const shown: RotateSecretResult[] = [];
    await run(t, false, shown);
    expect(shown).toHaveLength(1);
    expect(t.stderr()).toContain('Could not give the new secret to the façade');
    expect(t.state().facade.secretId).toBe(`${CLIENT}--1`);
    await expect(run(t, true)).rejects.toMatchObject({ code: 'REFUSED' });
    expect(deletes()).toEqual([]);
  });
});

describe('the planners of an interrupted rotation', () => {
  const d = (id: string, at: Date) => ({ ClientSecretId: `${CLIENT}--${id}`, ClientSecretCreateDate: at });
  it('provablyOurs: only the ID the Add answered with; a secret that merely appeared is not proof', () => {
    const now = new Date();
    expect(provablyOurs(rec({ addedId: `${CLIENT}--2` }), [d('1', now), d('2', now)])?.secretId).toBe(`${CLIENT}--2`);
    expect(provablyOurs(rec({ addedId: `${CLIENT}--9` }), [d('1', now), d('2', now)])).toBeUndefined();
    expect(provablyOurs(rec({}), [d('1', now), d('2', now)])).toBeUndefined();
    expect(provablyOurs(rec({ addedId: `${CLIENT}--1` }), [d('1', now)])).toBeUndefined();
  });
  it('judgeResume: a delivered rotation is left alone', () => {
    expect(judgeResume(rec({ addedId: `${CLIENT}--2`, deliveredTo: ['stdout'] }), RICH_CLIENT, [d('1', new Date()), d('2', new Date())], 'us-east-1')).toEqual({ kind: 'fresh' });
  });
  it('checkFinish: nothing to finish passes whatever the record', () => {
    expect(() => checkFinish(planFinish(RICH_CLIENT, [d('1', new Date())], 'us-east-1'), RICH_CLIENT, undefined, undefined)).not.toThrow();
  });
});
