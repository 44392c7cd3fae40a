import { Command } from 'commander';
import { InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { checkDotenvPath, confirmDotenvTarget, describeDotenvWrite, readDotenvValue, writeDotenv, FORCE_ENV_FILE_FLAG, type DotenvWriteResult } from '../lib/dotenv.js';
import { quote } from '../lib/validate.js';
import { presetSpec, type Preset } from '../domain/presets.js';
import { chooseClient } from '../steps/client/choose.js';
import { clientNotFound } from '../steps/client/create.js';
import { planFinish, planRotate, secretInfo, sortSecrets, type SecretInfo } from '../steps/client/rotate-secret.js';

export interface RotateSecretInput {
  poolId?: string;
  clientId?: string;
  finish: boolean;
  /** --finish already confirmed by the person (the question after adding, on a terminal). */
  confirmed?: boolean;
  envFile?: string;
  envFileFlag?: string;
  forceEnvFile?: boolean;
}

export interface RotateSecretResult {
  userPoolId: string;
  clientId: string;
  clientName?: string;
  preset?: Preset;
  /** `add`: a second secret was added (or would be); `finish`: older secrets deleted (or would be). */
  action: 'add' | 'finish';
  changed: boolean;
  /** The new secret (only after it was added: AWS shows it this once). */
  clientSecret?: string;
  secretId?: string;
  /** Deleted (or, under --dry-run, to be deleted) by --finish. */
  deleted?: SecretInfo[];
  /** The client's secrets now (IDs and dates, never values). */
  secrets: SecretInfo[];
  envFile?: string;
  envFileChanges?: Omit<DotenvWriteResult, 'path' | 'tightenedFrom'>;
  /** What to do next, in order. */
  nextSteps: string[];
}

interface RotateSecretFlags {
  poolId?: string;
  clientId?: string;
  finish?: boolean;
  envFile?: string;
  dotenv?: string;
  forceEnvFile?: boolean;
}

export function parseRotateSecretFlags(f: RotateSecretFlags): RotateSecretInput {
  const path = f.envFile ?? f.dotenv;
  const flag = f.envFile !== undefined ? '--env-file' : '--dotenv';
  if (f.finish && path !== undefined) throw new UsageError(`${flag} does not go with --finish: finishing deletes old secrets and writes no file.`, `Pass ${flag} when adding the new secret (rotate-secret without --finish).`);
  if (f.envFile !== undefined && f.dotenv !== undefined) throw new UsageError('Pass --env-file or --dotenv, not both.');
  return {
    poolId: f.poolId,
    clientId: f.clientId,
    finish: Boolean(f.finish),
    ...(path !== undefined ? { envFile: checkDotenvPath(path, flag), envFileFlag: flag, forceEnvFile: Boolean(f.forceEnvFile) } : {}),
  };
}

export async function rotateSecret(input: RotateSecretInput, ctx: Ctx): Promise<RotateSecretResult> {
  const poolId = await ctx.poolId(input.poolId);
  const { clientId, recorded } = await chooseClient(ctx, input.clientId, 'rotate-secret');
  // The dotenv target is checked before anything is sent: a foreign file or another client's file is refused.
  let allowForeign = false;
  if (input.envFile) {
    allowForeign = await confirmDotenvTarget(input.envFile, input.envFileFlag!, ctx, Boolean(input.forceEnvFile));
    const inFile = readDotenvValue(input.envFile, 'COGNITO_CLIENT_ID');
    if (inFile !== undefined && inFile !== clientId) {
      throw new InputError(`${input.envFileFlag} ${quote(input.envFile)} holds the credentials of app client ${inFile}, not ${clientId}: its secret is not replaced. Nothing was changed.`, 'Pass the file of this client, or --client-id of the client the file belongs to.');
    }
  }
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const [client, secrets] = await Promise.all([
    cognito.describeClient(poolId, clientId).catch((e: unknown) => {
      throw clientNotFound(e, clientId, poolId, region);
    }),
    cognito.listClientSecrets(poolId, clientId).catch((e: unknown) => {
      throw clientNotFound(e, clientId, poolId, region);
    }),
  ]);
  const base = { userPoolId: poolId, clientId, ...(client.ClientName ? { clientName: client.ClientName } : {}), ...(recorded ? { preset: recorded.preset } : {}) };
  // How the new secret reaches the client's consumer: the preset says (Copilot Studio's connector), else every consumer.
  const consumerSteps = recorded ? presetSpec(recorded.preset).secretRotationSteps : undefined;
  const finishCommand = `mcp-cognito rotate-secret --finish --client-id ${clientId}`;

  if (input.finish) {
    const plan = planFinish(client, secrets, region);
    if (!plan.step) {
      ctx.out.step(`Nothing to finish: ${client.ClientName ?? clientId} holds ${plan.keep ? 'one secret' : 'no secret'}`);
      return { ...base, action: 'finish', changed: false, deleted: [], secrets: plan.keep ? [plan.keep] : [], nextSteps: [] };
    }
    if (!input.confirmed && !(await ctx.approve([plan.step], { question: `Delete the older secret${plan.remove.length > 1 ? 's' : ''} of ${client.ClientName ?? clientId}? Consumers still using ${plan.remove.length > 1 ? 'them' : 'it'} will fail to get tokens.` }))) {
      return { ...base, action: 'finish', changed: false, deleted: plan.remove, secrets: [...plan.remove, plan.keep!], nextSteps: [] };
    }
    for (const s of plan.remove) await cognito.deleteClientSecret(poolId, clientId, s.secretId);
    const after = sortSecrets(await cognito.listClientSecrets(poolId, clientId, { fresh: true })).map(secretInfo);
    ctx.out.step(`Deleted ${plan.remove.map((s) => s.secretId).join(', ')}; ${client.ClientName ?? clientId} keeps ${plan.keep!.secretId}`);
    return { ...base, action: 'finish', changed: true, deleted: plan.remove, secrets: after, nextSteps: [] };
  }

  const plan = planRotate(client, secrets, region);
  const nextAfterAdd = (where: string) => [
    ...(consumerSteps ? consumerSteps(where) : [`Give the new secret (${where}) to every consumer of ${client.ClientName ?? clientId}; the old one keeps working meanwhile.`]),
    `When a sign-in with the new secret works, delete the old one: ${finishCommand}`,
  ];
  if (!(await ctx.approve([plan.step], { question: `Add a second secret to ${client.ClientName ?? clientId}? The current one keeps working until rotate-secret --finish.` }))) {
    return { ...base, action: 'add', changed: false, secrets: plan.existing, nextSteps: nextAfterAdd('from the result') };
  }
  const added = await cognito.addClientSecret(poolId, clientId, secrets);
  const now = [...plan.existing, secretInfo(added)];
  ctx.out.step(`Added secret ${added.ClientSecretId} to ${client.ClientName ?? clientId}; the old one still works`);
  const result: RotateSecretResult = { ...base, action: 'add', changed: true, clientSecret: added.ClientSecretValue, secretId: added.ClientSecretId, secrets: now, nextSteps: nextAfterAdd('printed above') };
  if (input.envFile) {
    try {
      // Only the secret changes: the other COGNITO_* keys (and every other line) stay as they are.
      const written = writeDotenv(input.envFile, { COGNITO_CLIENT_SECRET: added.ClientSecretValue }, { allowForeign });
      const { path: _p, tightenedFrom: _t, ...changes } = written;
      result.envFile = input.envFile;
      result.envFileChanges = changes;
      ctx.out.step(describeDotenvWrite(written));
      result.nextSteps = [`Restart whatever reads ${input.envFile} so it uses the new secret.`, ...result.nextSteps];
    } catch (e) {
      ctx.out.warn(`Could not write ${input.envFile} (${(e as Error).message}); the new secret is in this output only.`);
    }
  }
  return result;
}

export function renderRotateSecret(r: RotateSecretResult, out: Output): string {
  const name = r.clientName ?? r.clientId;
  const lines: string[] = [];
  // Continuation lines line up under the table's value column ('Secrets now' is its longest label).
  const list = r.secrets.map((s) => `${s.secretId}${s.createdAt ? `  created ${s.createdAt}` : ''}`).join(`\n${' '.repeat(2 + 'Secrets now'.length + 2)}`) || '(none)';
  if (r.action === 'finish') {
    lines.push(
      r.changed
        ? `Finished the rotation of app client ${name}: deleted ${r.deleted!.map((s) => s.secretId).join(', ')}.`
        : r.deleted?.length
          ? `Would delete ${r.deleted.map((s) => s.secretId).join(', ')} from app client ${name} (nothing was changed).`
          : `Nothing to finish: app client ${name} holds ${r.secrets.length ? 'one secret' : 'no secret'}.`,
    );
    lines.push(out.table([['Secrets now', list]]));
    return lines.join('\n');
  }
  if (!r.changed) {
    lines.push(`Would add a second secret to app client ${name} (nothing was changed).`, out.table([['Secrets now', list]]));
    return lines.join('\n');
  }
  lines.push(`Added a second secret to app client ${name}. Both secrets work until you finish the rotation.`);
  lines.push(out.table([['Client ID', r.clientId], ['New secret', r.clientSecret ?? '(not available)'], ['Secrets now', list]]));
  if (r.envFile) lines.push(out.c.dim(`(${r.envFile} now holds the new secret.)`));
  lines.push('', out.c.bold('Next:'), ...r.nextSteps.map((s, i) => `  ${i + 1}. ${s}`));
  return lines.join('\n');
}

export function rotateSecretCommand(holder: Holder): Command {
  return new Command('rotate-secret')
    .description(
      "Step 1 (without --finish): AddUserPoolClientSecret gives the client a second secret, generated by Cognito and printed once; the current secret keeps working. --env-file/--dotenv replaces COGNITO_CLIENT_SECRET in that file (every other line kept, mode 0600). For a copilot-studio client, the steps to paste it into Copilot Studio are printed. Step 2 (--finish), once every consumer uses the new secret: DeleteUserPoolClientSecret for every secret but the newest. A client without a secret, or already holding two, is refused.",
    )
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "app client (default: the state file's copilot-studio client, or its only client)")
    .option('--finish', 'delete every secret but the newest (after the consumers switched)')
    .option('--env-file <file>', 'replace COGNITO_CLIENT_SECRET in this dotenv file with the new secret (other lines kept; mode 0600)')
    .option('--dotenv <file>', 'the same as --env-file')
    .option(FORCE_ENV_FILE_FLAG, 'write into the --env-file even if it does not look like a dotenv file')
    .addHelpText(
      'after',
      '\nExit codes: 0 added, finished, or nothing to finish; 1 refused (no secret, or two already: finish first) or an AWS error; 2 bad usage.\n\nExamples:\n  $ mcp-cognito rotate-secret --env-file .env          # add a second secret, write it to .env\n  $ mcp-cognito rotate-secret --finish --yes           # later: delete the old secret\n  $ mcp-cognito rotate-secret --client-id <id> --json  # the new secret in clientSecret',
    )
    .action(
      runAction<RotateSecretFlags, RotateSecretResult>('rotate-secret', holder, async (flags, ctx) => {
        const input = parseRotateSecretFlags(flags);
        const added = await rotateSecret(input, ctx);
        // On a terminal (and without --yes, which never deletes a secret unasked): show the new secret now,
        // then offer to finish once the consumer uses it.
        if (input.finish || !added.changed || !ctx.canPrompt || ctx.yes) return { result: added, render: renderRotateSecret };
        ctx.out.result(added, renderRotateSecret);
        const now = await ctx.prompt.confirm({
          message: `Once ${added.clientName ?? added.clientId}'s consumers use the new secret, delete the old one? (No: keep both; run rotate-secret --finish later)`,
          default: false,
        });
        if (!now) return { result: added, render: () => '' };
        return { result: await rotateSecret({ poolId: input.poolId, clientId: added.clientId, finish: true, confirmed: true }, ctx), render: renderRotateSecret };
      }),
    );
}
