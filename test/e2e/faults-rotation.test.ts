/**
 * rotate-secret never causes an outage (issue 17 §2), as the repro cases, on the emulator
 * front: Ctrl-C after the Add was sent, a kill right after it landed, an Add that lands late, and
 * another writer's secret. Figures: test/faults-reporter.ts.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AddUserPoolClientSecretCommand, DeleteUserPoolClientSecretCommand } from '@aws-sdk/client-cognito-identity-provider';
import { useEmulator } from './moto';
import { runCli } from './run-cli';
import { cliEnv, emptyCheck, inLane, record, type Check } from './fault-kit';
import { activeSecretValues, checkNoOutage, fileSecret, seedSecretClient } from './fault-scenarios-day2';
import { problems, runInterrupted, secretsOf } from './fault-interrupt';

const emu = useEmulator();

describe('rotate-secret: the issue 17 repro cases', () => {
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

});

function keptAll2(c: Check, have: string[], theirs: string): void {
  if (!have.includes(theirs)) c.lost.push(`another writer's secret ${theirs}`);
}
