/**
 * SIGKILL right after a write landed (issue 17): a front hook after the operation kills the CLI
 * once moto has applied the write and before the answer is sent, so the process dies knowing
 * nothing of it. Then the same command is run again (it must reach the end state, one resource per
 * name), then `teardown`: everything the runs made must be gone (orphans: what the lane holds
 * after teardown that it did not hold after seeding).
 */
import type { ChildProcess } from 'node:child_process';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { inLane, listClients, listGateways, listGroups, listPools, listServers, listUsers, type Check, type Lane, type Scenario, LATE_CREATE_MS } from './fault-kit';
import { runCli, type CliRun } from './run-cli';

/**
 * The CLI's environment in kill runs: the lane's Region and the short late-Create window, with the
 * default request timeout (no fault is injected; a 1 s timeout on a loaded machine is a fault of its own).
 */
export const killEnv = (l: Lane) => ({ AWS_REGION: l.region, MCP_COGNITO_LATE_CREATE_MS: String(LATE_CREATE_MS) });

/** What the lane holds (its own pools and gateways, by the lane's tag), one string per resource. */
export async function snapshot(l: Lane): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of (await listPools(l)).filter((x) => x.Name?.includes(l.tag))) {
    const id = p.Id!;
    out.add(`user pool ${p.Name}`);
    const [clients, servers, users, groups, pool] = await Promise.all([
      listClients(l, id),
      listServers(l, id),
      listUsers(l, id),
      listGroups(l, id),
      l.cognito.send(new DescribeUserPoolCommand({ UserPoolId: id })).catch(() => undefined),
    ]);
    for (const c of clients) out.add(`app client ${c.ClientName} (${c.ClientId}) in ${p.Name}`);
    for (const s of servers) out.add(`resource server ${s.Identifier} in ${p.Name}`);
    for (const u of users) out.add(`user ${u.Attributes?.find((a) => a.Name === 'email')?.Value ?? u.Username} in ${p.Name}`);
    for (const g of groups) out.add(`group ${g.GroupName} in ${p.Name}`);
    if (pool?.UserPool?.Domain) out.add(`domain ${pool.UserPool.Domain} of ${p.Name}`);
  }
  for (const g of (await listGateways(l)).filter((x) => x.name?.includes(l.tag))) {
    const got = await l.agentcore.send(new GetGatewayCommand({ gatewayIdentifier: g.gatewayId }));
    for (const c of got.authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? []) out.add(`allowed client ${c} on ${g.name}`);
  }
  return out;
}

export interface KillOutcome {
  scenario: string;
  operation: string;
  /** The CLI died of the SIGKILL sent right after the write landed. */
  killed: boolean;
  first: CliRun;
  rerun: CliRun;
  check: Check;
  teardown: CliRun;
  /** What is left after teardown that was not there after seeding. */
  orphans: string[];
  /** The state file after the re-run (before teardown). */
  stateAfterRerun: Record<string, any> | undefined;
}

/** Runs `args` and kills the CLI right after the `skip`+1-th `operation` landed (before its answer). */
export async function runKilledAfter(l: Lane, operation: string, args: string[], o: { cwd: string; input?: string; skip?: number }): Promise<{ run: CliRun; fired: boolean }> {
  let child: ChildProcess | undefined;
  const hook = l.front.faults.hook({
    operation,
    when: 'after',
    skip: o.skip ?? 0,
    async run() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    },
  });
  const run = await runCli(args, { endpoint: l.endpoint, cwd: o.cwd, input: o.input, env: killEnv(l), timeoutMs: 45_000, onSpawn: (c) => (child = c) });
  hook.remove();
  return { run, fired: hook.fired > 0 };
}

/** The scenario killed right after its `operation` landed, run again, verified, then torn down. */
export async function killAfterWrite<S>(motoEndpoint: string, sc: Scenario<S>, operation: string, skip = 0): Promise<KillOutcome> {
  return inLane(motoEndpoint, sc.name, async (l) => {
    const s = await sc.seed(l);
    const before = await snapshot(l);
    const cwd = sc.cwd(s);
    const { run: first, fired } = await runKilledAfter(l, operation, sc.args(s), { cwd, input: sc.input, skip });
    const go = (args: string[], input?: string) => runCli(args, { endpoint: l.endpoint, cwd, input, env: killEnv(l), timeoutMs: 45_000 });
    const rerun = await go(sc.args(s), sc.input);
    const check = await sc.verify(l, s, rerun);
    if (rerun.code !== 0) check.missing.push(`the re-run failed (exit ${rerun.code}): ${rerun.stderr.trim().split('\n')[0]}`);
    const stateAfterRerun = rerun.state() as Record<string, any> | undefined;
    const teardown = await go(['teardown', '--yes', '--no-wait', '--json']);
    const after = await snapshot(l);
    const orphans = [...after].filter((x) => !before.has(x));
    if (teardown.code !== 0) orphans.push(`(teardown failed, exit ${teardown.code}: ${teardown.stderr.trim().split('\n')[0]})`);
    return { scenario: sc.name, operation, killed: fired && first.signal === 'SIGKILL', first, rerun, check, teardown, orphans, stateAfterRerun };
  });
}

/** One line per outcome that is not clean (for the assertion message). */
export function describeKills(outcomes: KillOutcome[]): string {
  return outcomes
    .filter((o) => !o.killed || o.check.duplicates.length || o.check.lost.length || o.check.missing.length || o.orphans.length)
    .map((o) => {
      const c = o.check;
      const problems = [
        ...(o.killed ? [] : [`not killed (exit ${o.first.code ?? o.first.signal})`]),
        ...c.duplicates.map((d) => `duplicate ${d}`),
        ...c.lost.map((x) => `lost: ${x}`),
        ...c.missing.map((x) => `missing: ${x}`),
        ...o.orphans.map((x) => `orphan after teardown: ${x}`),
      ];
      return `${o.scenario} killed after ${o.operation}: ${problems.join('; ')}\n  re-run stdout: ${o.rerun.stdout.slice(0, 600)}\n  teardown stderr: ${o.teardown.stderr.trim().split('\n').slice(0, 6).join('\n  ')}`;
    })
    .join('\n');
}

/** The figures of kill outcomes. */
export function killFigures(outcomes: KillOutcome[]) {
  return {
    killsAfterWrite: outcomes.filter((o) => o.killed).length,
    duplicates: outcomes.reduce((n, o) => n + o.check.duplicates.length, 0),
    itemsLost: outcomes.reduce((n, o) => n + o.check.lost.length, 0),
    orphansAfterTeardown: outcomes.reduce((n, o) => n + o.orphans.length, 0),
  };
}
