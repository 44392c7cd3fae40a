/**
 * Fault injection on the day-two writers (issue 17 §1, §2, §6): rotate-secret (adding and --finish),
 * remove-callback, deauthorize-client, delete-client — every fault kind on every write, SIGINT and
 * SIGKILL right after each write landed, and two writers on one resource. Besides duplicates and
 * lost items it counts outages: a client left with no secret its consumer (a dotenv file) holds.
 * rotate-secret's repro cases: faults-rotation.test.ts. Figures: test/faults-reporter.ts.
 */
import { describe, expect, it } from 'vitest';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useEmulator } from './moto';
import { runCli, type CliRun } from './run-cli';
import { cliEnv, emptyCheck, EVERY_KIND, expectClean, figuresOf, inLane, matrix, record, type Scenario } from './fault-kit';
import { deauthorizeClient, deleteClient, removeCallback, rotateAdd, rotateFinish } from './fault-scenarios-day2';
import { problems, runInterrupted } from './fault-interrupt';

const emu = useEmulator();

describe('faults: rotate-secret, remove-callback, deauthorize-client, delete-client', () => {
  it('every kind × every write operation: survived, failed clearly and re-ran clean, or (rotation) stopped naming a secret it cannot prove; no duplicate, nothing lost, no outage', async ({ task }) => {
    const out = await matrix(emu.motoEndpoint(), [
      [rotateAdd, [...EVERY_KIND, { faults: [{ kind: 'reset-after' }], mode: 'transient' }]],
      [rotateFinish, EVERY_KIND],
      [removeCallback, EVERY_KIND],
      [deauthorizeClient, EVERY_KIND],
      [deleteClient, EVERY_KIND],
    ]);
    record(task, figuresOf(out));
    // Every kind fired on every write of each (rotate-secret's Add: below, with the lost answer's own run).
    expectClean(out, [rotateFinish, removeCallback, deauthorizeClient, deleteClient] as never);
    // Every kind reached AddUserPoolClientSecret.
    const fired = new Set(out.filter((o) => o.scenario === 'rotate-secret').flatMap((o) => o.firedOn));
    expect([...fired].sort()).toEqual(['throttle', 'server-error', 'reset-before', 'reset-after', 'server-error-after', 'delay'].map((k) => `AddUserPoolClientSecret ${k}`).sort());
  }, 180_000);

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
