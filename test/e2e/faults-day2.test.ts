/**
 * Fault injection on the day-two writers (issue 17 §1, §2, §6): rotate-secret (adding and --finish),
 * remove-callback, deauthorize-client, delete-client — every fault kind on every write, SIGINT and
 * SIGKILL right after each write landed, and two writers on one resource. Besides duplicates and
 * lost items it counts outages: a client left with no secret its consumer (a dotenv file) holds.
 * Figures: test/faults-reporter.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddUserPoolClientSecretCommand, DeleteUserPoolClientSecretCommand, DescribeUserPoolClientCommand, ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useEmulator } from './moto';
import { runCli, type CliRun } from './run-cli';
import { cliEnv, emptyCheck, EVERY_KIND, expectClean, figuresOf, inLane, LOST_ANSWERS, matrix, record, type Check, type Lane, type Scenario } from './fault-kit';
import { activeSecretValues, checkNoOutage, deauthorizeClient, deleteClient, fileSecret, removeCallback, rotateAdd, rotateFinish, seedSecretClient, type SecretSeed } from './fault-scenarios-day2';

const emu = useEmulator();
const problems = (c: Check) => [...c.duplicates.map((d) => `duplicate ${d}`), ...c.lost.map((x) => `lost: ${x}`), ...c.missing.map((x) => `missing: ${x}`), ...c.outages.map((x) => `outage: ${x}`)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the CLI on a lane, sending `signal` to it from a hook right after `operation` landed (before its answer leaves). */
async function runInterrupted(l: Lane, args: string[], cwd: string, operation: string, signal: 'SIGINT' | 'SIGKILL'): Promise<{ run: CliRun; hooked: number }> {
  let child: ChildProcess | undefined;
  const h = l.front.faults.hook({
    operation,
    when: 'after',
    async run() {
      child?.kill(signal);
      // The signal is handled (or the process gone) before the answer is sent.
      await sleep(signal === 'SIGKILL' ? 300 : 150);
    },
  });
  const run = await runCli(args, { endpoint: l.endpoint, cwd, env: cliEnv(l), onSpawn: (c) => (child = c) });
  return { run, hooked: h.fired };
}

const secretsOf = async (l: Lane, s: SecretSeed) => (await l.cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).ClientSecrets!.map((d) => d.ClientSecretId!);

describe('faults: rotate-secret, remove-callback, deauthorize-client, delete-client', () => {
  it('every kind × every write operation: survived, failed clearly and re-ran clean, or (rotation) stopped naming a secret it cannot prove; no duplicate, nothing lost, no outage', async ({ task }) => {
    const out = await matrix(emu.motoEndpoint(), [
      [rotateAdd, [...EVERY_KIND, { faults: [{ kind: 'reset-after' }], mode: 'transient' }]],
      [rotateFinish, [LOST_ANSWERS]],
      [removeCallback, EVERY_KIND.slice(0, 2)],
      [deauthorizeClient, EVERY_KIND.slice(0, 2)],
      [deleteClient, [LOST_ANSWERS, EVERY_KIND[2]!, EVERY_KIND[3]!]],
    ]);
    record(task, figuresOf(out));
    expectClean(out);
    // Every kind reached AddUserPoolClientSecret.
    const fired = new Set(out.filter((o) => o.scenario === 'rotate-secret').flatMap((o) => o.firedOn));
    expect([...fired].sort()).toEqual(['throttle', 'server-error', 'reset-before', 'reset-after', 'server-error-after', 'delay'].map((k) => `AddUserPoolClientSecret ${k}`).sort());
  }, 180_000);

  it('interrupted rotate (Ctrl-C after AddUserPoolClientSecret was sent) + re-run + --finish keeps a working secret', async ({ task }) => {
    await inLane(emu.motoEndpoint(), 'rotate-sigint', async (l) => {
      const s = await seedSecretClient(l);
      const { run, hooked } = await runInterrupted(l, ['rotate-secret', '--env-file', '.env', '--yes', '--json'], s.cwd, 'AddUserPoolClientSecret', 'SIGINT');
      expect(hooked).toBe(1);
      // Ctrl-C waited for the Add's answer, its record, and the delivery: exit 130, the new secret in .env and on stdout.
      expect(run.code, run.stderr).toBe(130);
      const shown = run.json<{ clientSecret: string; secretId: string }>();
      expect(fileSecret(s)).toBe(shown.clientSecret);
      expect(run.stderr).toContain('Interrupted after the new secret was added and delivered');
      expect((run.state() as { rotations: unknown[] }).rotations).toEqual([expect.objectContaining({ addedId: shown.secretId, deliveredTo: ['file:.env', 'stdout'] })]);
      const c = emptyCheck();
      await checkNoOutage(l, s, c);
      // The re-run: a delivered rotation in progress, refused with the way on (exit 1, nothing sent).
      const again = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(again.code).toBe(1);
      expect(again.json()).toMatchObject({ error: { code: 'REFUSED', message: expect.stringContaining('already holds 2 secrets') } });
      const finish = await runCli(['rotate-secret', '--finish', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(finish.code, finish.stderr).toBe(0);
      expect(await activeSecretValues(l, s)).toEqual([shown.clientSecret]);
      await checkNoOutage(l, s, c);
      record(task, { faultsTried: 1, survived: 1, outages: c.outages.length });
      expect(problems(c)).toEqual([]);
    });
  });

  it('killed right after AddUserPoolClientSecret landed: the re-run names the secret it cannot prove it added and deletes nothing; once it is gone, a fresh rotation and --finish keep a working secret', async ({ task }) => {
    await inLane(emu.motoEndpoint(), 'rotate-sigkill', async (l) => {
      const s = await seedSecretClient(l);
      const { run } = await runInterrupted(l, ['rotate-secret', '--env-file', '.env', '--yes', '--json'], s.cwd, 'AddUserPoolClientSecret', 'SIGKILL');
      expect(run.signal).toBe('SIGKILL');
      const c = emptyCheck();
      await checkNoOutage(l, s, c);
      const [, appeared] = await secretsOf(l, s);
      expect(appeared).toBeDefined();
      const again = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(again.code).toBe(1);
      expect(again.json()).toMatchObject({ error: { code: 'REFUSED', message: expect.stringContaining(appeared!) } });
      expect(again.requests.map((r) => r.operation)).not.toContain('DeleteUserPoolClientSecret');
      // --finish refuses too: the newest secret was never delivered.
      const early = await runCli(['rotate-secret', '--finish', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(early.code).toBe(1);
      expect(early.requests.map((r) => r.operation)).not.toContain('DeleteUserPoolClientSecret');
      await checkNoOutage(l, s, c);
      // The person deletes it, as the hint says; then the rotation goes through.
      await l.cognito.send(new DeleteUserPoolClientSecretCommand({ UserPoolId: s.poolId, ClientId: s.clientId, ClientSecretId: appeared }));
      const third = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(third.code, third.stderr).toBe(0);
      const finish = await runCli(['rotate-secret', '--finish', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(finish.code, finish.stderr).toBe(0);
      await checkNoOutage(l, s, c);
      expect(await activeSecretValues(l, s)).toEqual([fileSecret(s)]);
      record(task, { faultsTried: 1, stoppedUnprovable: 1, outages: c.outages.length });
      expect(problems(c)).toEqual([]);
    });
  });

  it('an Add that lands late is not reported as "nothing changed": its answer is waited for, and the secret delivered', async ({ task }) => {
    await inLane(emu.motoEndpoint(), 'rotate-late', async (l) => {
      const s = await seedSecretClient(l);
      // Longer than the request timeout (1 s here).
      l.front.faults.inject({ operation: 'AddUserPoolClientSecret', kind: 'delay', delayMs: 2500 });
      const run = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toMatch(/Nothing changed|no secret was added/i);
      expect(run.requests.filter((r) => r.operation === 'AddUserPoolClientSecret')).toHaveLength(1);
      const c = emptyCheck();
      const active = await checkNoOutage(l, s, c);
      expect(active).toHaveLength(2);
      expect(fileSecret(s)).toBe(run.json<{ clientSecret: string }>().clientSecret);
      record(task, { faultsTried: 1, survived: 1, outages: c.outages.length });
    });
  });

  it("clean-up never deletes another writer's secret: a lost Add while another writer adds one, and two rotate-secret at once", async ({ task }) => {
    const moto = emu.motoEndpoint();
    const [lostAdd, twoAtOnce] = await Promise.all([
      inLane(moto, 'rotate-foreign', async (l) => {
        const s = await seedSecretClient(l);
        // Our Add never reaches Cognito (the connection drops first); another writer adds a secret meanwhile.
        l.front.faults.inject({ operation: 'AddUserPoolClientSecret', kind: 'reset-before' });
        let lists = 0;
        let theirs: string | undefined;
        l.front.faults.hook({
          operation: 'ListUserPoolClientSecrets',
          when: 'before',
          times: 5,
          async run(ctx) {
            if (++lists !== 2) return;
            theirs = (await ctx.aws.cognito.send(new AddUserPoolClientSecretCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).ClientSecretDescriptor!.ClientSecretId;
          },
        });
        const run = await runCli(['rotate-secret', '--env-file', '.env', '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
        const c = emptyCheck();
        expect(run.code).toBe(1);
        expect(theirs).toBeDefined();
        expect(run.json()).toMatchObject({ error: { message: expect.stringContaining(theirs!) } });
        expect(run.requests.map((r) => r.operation)).not.toContain('DeleteUserPoolClientSecret');
        keptAll2(c, await secretsOf(l, s), theirs!);
        await checkNoOutage(l, s, c);
        return c;
      }),
      inLane(moto, 'rotate-two', async (l) => {
        const s = await seedSecretClient(l);
        copyFileSync(s.envFile, join(s.cwd, '.env2'));
        const runs = await Promise.all(['.env', '.env2'].map((f) => runCli(['rotate-secret', '--env-file', f, '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) })));
        const c = emptyCheck();
        expect(runs.map((r) => r.code).sort()).toEqual([0, 1]);
        for (const r of runs) expect(r.requests.map((q) => q.operation)).not.toContain('DeleteUserPoolClientSecret');
        // Both consumers still hold a working secret.
        await checkNoOutage(l, s, c);
        await checkNoOutage(l, s, c, /^COGNITO_CLIENT_SECRET=(.*)$/m.exec(readFileSync(join(s.cwd, '.env2'), 'utf8'))?.[1]);
        return c;
      }),
    ]);
    record(task, { faultsTried: 1, concurrentProcesses: 2, outages: lostAdd.outages.length + twoAtOnce.outages.length, itemsLost: lostAdd.lost.length });
    expect([...problems(lostAdd), ...problems(twoAtOnce)]).toEqual([]);
  });

  it('SIGINT and SIGKILL right after each write landed (--finish, remove-callback, deauthorize-client, delete-client): a clean re-run reaches the end state; nothing lost, no outage', async ({ task }) => {
    const cases: [Scenario<any>, string][] = [
      [rotateFinish, 'DeleteUserPoolClientSecret'],
      [removeCallback, 'UpdateUserPoolClient'],
      [deauthorizeClient, 'UpdateGateway'],
      [deleteClient, 'UpdateGateway'],
      [deleteClient, 'DeleteUserPoolClient'],
    ];
    const runs = cases.flatMap(([sc, op]) => (['SIGINT', 'SIGKILL'] as const).map((signal) => ({ sc, op, signal })));
    const results = await Promise.all(
      runs.map(({ sc, op, signal }) =>
        inLane(emu.motoEndpoint(), `${sc.name}-${signal}`, async (l) => {
          const s = await sc.seed(l);
          const { run, hooked } = await runInterrupted(l, sc.args(s), sc.cwd(s), op, signal);
          const rerun = await runCli(sc.args(s), { endpoint: l.endpoint, cwd: sc.cwd(s), env: cliEnv(l) });
          const c = await sc.verify(l, s, rerun);
          if (rerun.code !== 0) c.missing.push(`re-run exit ${rerun.code}: ${rerun.stderr.trim().split('\n').pop()}`);
          if (signal === 'SIGINT' && run.code !== 130) c.missing.push(`exit 130 after Ctrl-C (got ${run.code ?? run.signal})`);
          return { what: `${sc.name} ${signal} after ${op}`, c, hooked };
        }),
      ),
    );
    record(task, {
      faultsTried: results.reduce((n, r) => n + r.hooked, 0),
      failedThenRerun: results.filter((r) => problems(r.c).length === 0).length,
      itemsLost: results.reduce((n, r) => n + r.c.lost.length, 0),
      outages: results.reduce((n, r) => n + r.c.outages.length, 0),
    });
    expect(results.filter((r) => r.hooked !== 1).map((r) => r.what)).toEqual([]);
    expect(results.flatMap((r) => problems(r.c).map((p) => `${r.what}: ${p}`))).toEqual([]);
  }, 120_000);

  it('remove-callback × add-callback at once never lose an added URL nor bring back a removed one; authorize-client during deauthorize-client leaves the client on the gateway when authorize exits 0 last', async ({ task }) => {
    const moto = emu.motoEndpoint();
    const callbacks = await Promise.all(
      [1, 2, 3].map((i) =>
        inLane(moto, `cb-race-${i}`, async (l) => {
          const s = await removeCallback.seed(l);
          const added = `https://new.example.com/cb/${l.tag}`;
          const [rm, add] = await Promise.all([
            runCli(removeCallback.args(s), { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) }),
            runCli(['add-callback', added, '--pool-id', s.poolId, '--client-id', s.clientId, '--yes', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) }),
          ]);
          const c = emptyCheck();
          expect([rm.code, add.code], rm.stderr + add.stderr).toEqual([0, 0]);
          const client = (await l.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).UserPoolClient!;
          if ((client.CallbackURLs ?? []).includes(s.url)) c.lost.push(`${s.url} came back`);
          if (!(client.CallbackURLs ?? []).includes(added)) c.lost.push(`${added} was lost`);
          return c;
        }),
      ),
    );
    const gateway = await inLane(moto, 'gw-race', async (l) => {
      const s = await deauthorizeClient.seed(l);
      let started: Promise<CliRun> | undefined;
      let authorizeEnded = 0;
      // authorize-client starts while deauthorize-client's UpdateGateway is on its way: it waits for the gateway's lock.
      l.front.faults.hook({
        operation: 'UpdateGateway',
        when: 'before',
        run() {
          started ??= runCli(['authorize-client', '--client-id', s.clientId, '--gateway-id', s.gatewayId, '--pool-id', s.poolId, '--yes', '--no-wait', '--json'], { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) }).then((r) => {
            authorizeEnded = Date.now();
            return r;
          });
        },
      });
      const de = await runCli(deauthorizeClient.args(s), { endpoint: l.endpoint, cwd: s.cwd, env: cliEnv(l) });
      const deEnded = Date.now();
      const au = await started!;
      const c = emptyCheck();
      expect([de.code, au.code], de.stderr + au.stderr).toEqual([0, 0]);
      const allowed = (await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: s.gatewayId }))).authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? [];
      if (authorizeEnded >= deEnded && !allowed.includes(s.clientId)) c.lost.push(`${s.clientId} is not on the gateway though authorize-client exited 0 last`);
      expect(authorizeEnded).toBeGreaterThanOrEqual(deEnded);
      return c;
    });
    const all = [...callbacks, gateway];
    record(task, { concurrentProcesses: 2 * all.length, itemsLost: all.reduce((n, c) => n + c.lost.length, 0) });
    expect(all.flatMap(problems)).toEqual([]);
  }, 120_000);
});

function keptAll2(c: Check, have: string[], theirs: string): void {
  if (!have.includes(theirs)) c.lost.push(`another writer's secret ${theirs}`);
}
