/**
 * Interrupting the CLI from the emulator front (a hook right after a write landed, before its
 * answer leaves): for the day-two fault tests.
 */
import type { ChildProcess } from 'node:child_process';
import { ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { runCli, type CliRun } from './run-cli';
import { cliEnv, type Check, type Lane } from './fault-kit';
import type { SecretSeed } from './fault-scenarios-day2';

export const problems = (c: Check) => [...c.duplicates.map((d) => `duplicate ${d}`), ...c.lost.map((x) => `lost: ${x}`), ...c.missing.map((x) => `missing: ${x}`), ...c.outages.map((x) => `outage: ${x}`)];
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the CLI on a lane, sending `signal` to it from a hook right after `operation` landed (before its answer leaves). */
export async function runInterrupted(l: Lane, args: string[], cwd: string, operation: string, signal: 'SIGINT' | 'SIGKILL'): Promise<{ run: CliRun; hooked: number }> {
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

export const secretsOf = async (l: Lane, s: SecretSeed) => (await l.cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: s.poolId, ClientId: s.clientId }))).ClientSecrets!.map((d) => d.ClientSecretId!);

