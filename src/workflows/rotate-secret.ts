/**
 * rotate-secret's work (issue 17 §2: a rotation never causes an outage). Under the client's lock:
 *
 * - adding: the rotation is recorded in the state file before AddUserPoolClientSecret is sent (the
 *   secret IDs present, the time); the new secret's ID is recorded from the answer; its value is then
 *   delivered — written to --env-file, given to the deployed façade when the client is the façade's,
 *   shown on stdout — and each delivery is recorded. Ctrl-C meanwhile waits for the write under way
 *   and its record. A re-run after an interruption deletes the earlier run's secret when it was
 *   never delivered and that run provably added it (steps/client/rotate-secret.ts provablyOurs), then
 *   adds a fresh one; a secret it cannot attribute is named, and nothing is changed.
 * - --finish: deletes the older secrets only when the newest is the recorded rotation's, delivered,
 *   the older ones are those it found before adding, and no deployed façade still holds one of them.
 */
import type { Ctx } from '../lib/context.js';
import { CliError, InputError } from '../lib/errors.js';
import { confirmDotenvTarget, describeDotenvWrite, readDotenvValue, writeDotenv, type DotenvWriteResult } from '../lib/dotenv.js';
import { resourceKey, withResourceLock } from '../lib/resource-lock.js';
import type { State, StateRotation } from '../lib/state.js';
import { quote } from '../lib/validate.js';
import { presetSpec, type Preset } from '../domain/presets.js';
import type { ClientSecretDescriptorType } from '../aws/cognito.js';
import { classifyCreateFailure } from '../aws/create-once.js';
import { chooseClient } from '../steps/client/choose.js';
import { clientNotFound } from '../steps/client/create.js';
import { appearedSince, checkFinish, judgeResume, planFinish, planRotate, secretInfo, sortSecrets, type SecretInfo } from '../steps/client/rotate-secret.js';
import { facadeSecretParameter, giveFacadeSecret } from '../steps/facade/secret.js';

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
  /** A secret an interrupted rotate-secret added and never delivered, deleted before adding this one. */
  discarded?: SecretInfo;
  /** Deleted (or, under --dry-run, to be deleted) by --finish. */
  deleted?: SecretInfo[];
  /** The client's secrets now (IDs and dates, never values). */
  secrets: SecretInfo[];
  envFile?: string;
  envFileChanges?: Omit<DotenvWriteResult, 'path' | 'tightenedFrom'>;
  /** The deployed façade that now holds the new secret. */
  facade?: string;
  /** What to do next, in order. */
  nextSteps: string[];
}

/** Shows a result on stdout (the command's renderer): the delivery that counts as "shown". */
export type ShowResult = (r: RotateSecretResult) => void;


const same = (r: { userPoolId: string; clientId: string }, poolId: string, clientId: string) => r.userPoolId === poolId && r.clientId === clientId;
const recordOf = (s: State, poolId: string, clientId: string) => s.rotations?.find((r) => same(r, poolId, clientId));

/**
 * Add a second secret, or (--finish) delete the older ones. `show` prints an add's result (so that
 * the new value is delivered, and recorded as such, before this returns).
 */
export async function rotateSecret(input: RotateSecretInput, ctx: Ctx, show: ShowResult): Promise<RotateSecretResult> {
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
  // One rotation of a client at a time on this machine: the plan, the record and the writes under its lock.
  return withResourceLock(resourceKey.client(poolId, clientId), `the secrets of app client ${clientId}`, async () => {
    const [client, secrets] = await Promise.all([
      cognito.describeClient(poolId, clientId, { fresh: true }).catch((e: unknown) => {
        throw clientNotFound(e, clientId, poolId, region);
      }),
      cognito.listClientSecrets(poolId, clientId, { fresh: true }).catch((e: unknown) => {
        throw clientNotFound(e, clientId, poolId, region);
      }),
    ]);
    const state = ctx.state.fresh();
    const rec = recordOf(state, poolId, clientId);
    const facade = state.facade?.clientId === clientId ? state.facade : undefined;
    const name = client.ClientName ?? clientId;
    const base = { userPoolId: poolId, clientId, ...(client.ClientName ? { clientName: client.ClientName } : {}), ...(recorded ? { preset: recorded.preset } : {}) };
    const finishCommand = `mcp-cognito rotate-secret --finish --client-id ${clientId}`;
    const record = (change: (r: StateRotation | undefined) => StateRotation | undefined) =>
      ctx.state.change((s) => {
        const now = change(recordOf(s, poolId, clientId));
        const others = (s.rotations ?? []).filter((r) => !same(r, poolId, clientId));
        const rotations = now ? [...others, now] : others;
        const next: State = { ...s, rotations };
        if (rotations.length === 0) delete next.rotations;
        return next;
      });

    if (input.finish) {
      const plan = planFinish(client, secrets, region);
      if (!plan.step) {
        ctx.out.step(`Nothing to finish: ${name} holds ${plan.keep ? 'one secret' : 'no secret'}`);
        return { ...base, action: 'finish', changed: false, deleted: [], secrets: plan.keep ? [plan.keep] : [], nextSteps: [] };
      }
      checkFinish(plan, client, rec, facade ? { ...facade, secretParameter: facadeSecretParameter(facade) } : undefined);
      if (!input.confirmed && !(await ctx.approve([plan.step], { question: `Delete the older secret${plan.remove.length > 1 ? 's' : ''} of ${name}? Consumers still using ${plan.remove.length > 1 ? 'them' : 'it'} will fail to get tokens.` }))) {
        return { ...base, action: 'finish', changed: false, deleted: plan.remove, secrets: [...plan.remove, plan.keep!], nextSteps: [] };
      }
      ctx.interruptNote = { message: 'Interrupted during --finish.', hint: `The new secret ${plan.keep!.secretId} is kept either way; run \`${finishCommand}\` again: it finishes, or says there is nothing left to finish.` };
      for (const s of plan.remove) await ctx.uninterrupted(() => cognito.deleteClientSecret(poolId, clientId, s.secretId));
      record(() => undefined);
      const after = sortSecrets(await cognito.listClientSecrets(poolId, clientId, { fresh: true })).map(secretInfo);
      ctx.out.step(`Deleted ${plan.remove.map((s) => s.secretId).join(', ')}; ${name} keeps ${plan.keep!.secretId}`);
      return { ...base, action: 'finish', changed: true, deleted: plan.remove, secrets: after, nextSteps: [] };
    }

    // An earlier rotation that never delivered its secret: discard what it provably added, or stop and say what is there.
    const resume = judgeResume(rec, client, secrets, region);
    const discard = resume.kind === 'discard' ? resume.secret : undefined;
    const earlier = resume.kind === 'fresh' ? undefined : resume.rec;
    const current = discard ? secrets.filter((d) => d.ClientSecretId !== discard.secretId) : secrets;
    if (resume.kind === 'not-landed') ctx.out.info(`The rotate-secret of ${resume.rec.sentAt} was interrupted before its secret was added (none has appeared since); adding one now.`);
    const plan = planRotate(client, current, region);
    if (discard) {
      plan.step.diff = [`- ${discard.secretId} (added by the interrupted rotate-secret of ${earlier!.sentAt}; its value was never shown: deleted)`, ...plan.step.diff!];
    }
    const nextAfterAdd = (where: string) => [
      ...(recorded && presetSpec(recorded.preset).secretRotationSteps ? presetSpec(recorded.preset).secretRotationSteps!(where) : [`Give the new secret (${where}) to every consumer of ${name}; the old one keeps working meanwhile.`]),
      `When a sign-in with the new secret works, delete the old one: ${finishCommand}`,
    ];
    if (!(await ctx.approve([plan.step], { question: `Add a second secret to ${name}? The current one keeps working until rotate-secret --finish.` }))) {
      return { ...base, action: 'add', changed: false, ...(discard ? { discarded: discard } : {}), secrets: plan.existing, nextSteps: nextAfterAdd('from the result') };
    }

    if (discard) {
      await ctx.uninterrupted(async () => {
        await cognito.deleteClientSecret(poolId, clientId, discard.secretId);
        record(() => undefined);
      });
      ctx.out.step(`Deleted ${discard.secretId}, which the interrupted rotate-secret added and never showed`);
    }

    // Recorded before the Add is sent; Ctrl-C from here waits for the answer, its record and the deliveries.
    const before = current.map((d) => d.ClientSecretId!).filter(Boolean);
    const sentAt = new Date().toISOString();
    // One block from the record before the Add to the last delivery: Ctrl-C waits for all of it.
    return ctx.uninterrupted(async () => {
      const added = await ctx.uninterrupted(async () => {
        record(() => ({ userPoolId: poolId, clientId, before, sentAt, deliveredTo: [] }));
        try {
          const d = await cognito.addClientSecret(poolId, clientId);
          record((r) => ({ ...(r ?? { userPoolId: poolId, clientId, before, sentAt, deliveredTo: [] }), addedId: d.ClientSecretId }));
          return d;
        } catch (e) {
          throw await afterFailedAdd(e);
        }
      });

      /** The Add failed: judge what landed, say what is true, keep the record where a re-run needs it. */
      async function afterFailedAdd(e: unknown): Promise<unknown> {
        if (classifyCreateFailure(e) !== 'maybe-applied') {
          // Refused: nothing was added by this request (an earlier one that may still land keeps its record).
          record(() => (resume.kind === 'not-landed' ? resume.rec : undefined));
          return e;
        }
        const gaveUpAt = new Date().toISOString();
        record((r) => (r ? { ...r, gaveUpAt } : r));
        let now: ClientSecretDescriptorType[];
        try {
          now = await cognito.listClientSecrets(poolId, clientId, { fresh: true });
        } catch {
          return new CliError(`AddUserPoolClientSecret failed without saying whether it added a secret, so the new secret may have been added: run \`mcp-cognito status\` to see.`, { code: 'AWS_ERROR', cause: e, hint: 'Run the same rotate-secret again: it deletes a secret this run added and never showed, and adds a fresh one.' });
        }
        const appeared = appearedSince({ before, sentAt }, now);
        return new CliError(
          appeared.length
            ? `AddUserPoolClientSecret failed without saying whether it added a secret (${(e as Error).message}), and ${appeared.join(' and ')} appeared meanwhile: most likely the secret this run added, whose value is unknown, but nothing proves it, so nothing was deleted.`
            : `AddUserPoolClientSecret failed without saying whether it added a secret (${(e as Error).message}), so the new secret may have been added (it can still land): run \`mcp-cognito status\` to see.`,
          {
            code: 'AWS_ERROR',
            cause: e,
            hint: appeared.length
              ? `If no consumer uses it, delete it (aws cognito-idp delete-user-pool-client-secret --user-pool-id ${poolId} --client-id ${clientId} --client-secret-id <id>) and run rotate-secret again.`
              : 'Run the same rotate-secret again: it finds what landed (the rotation is recorded in the state file) and says what to do.',
          },
        );
      }

      const delivered = (to: string) => record((r) => (r && r.addedId === added.ClientSecretId ? { ...r, deliveredTo: [...new Set([...r.deliveredTo, to])] } : r));
      ctx.out.step(`Added secret ${added.ClientSecretId} to ${name}; the old one still works`);
      const result: RotateSecretResult = {
        ...base,
        action: 'add',
        changed: true,
        clientSecret: added.ClientSecretValue,
        secretId: added.ClientSecretId,
        ...(discard ? { discarded: discard } : {}),
        secrets: [...sortSecrets(current).map(secretInfo), secretInfo(added)],
        nextSteps: nextAfterAdd('printed above'),
      };
      ctx.interruptNote = { message: 'Interrupted after the new secret was added and delivered (above).', hint: `Give it to its consumers, then run \`mcp-cognito rotate-secret --finish --client-id ${clientId}\`.` };
      await ctx.uninterrupted(async () => {
        if (input.envFile) {
          try {
            // Only the secret changes: the other COGNITO_* keys (and every other line) stay as they are.
            const written = writeDotenv(input.envFile, { COGNITO_CLIENT_SECRET: added.ClientSecretValue }, { allowForeign });
            delivered(`file:${input.envFile}`);
            const { path: _p, tightenedFrom: _t, ...changes } = written;
            result.envFile = input.envFile;
            result.envFileChanges = changes;
            ctx.out.step(describeDotenvWrite(written));
            result.nextSteps = [`Restart whatever reads ${input.envFile} so it uses the new secret.`, ...result.nextSteps];
          } catch (e) {
            ctx.out.warn(`Could not write ${input.envFile} (${(e as Error).message}); the new secret is in this output only.`);
          }
        }
        if (facade) {
          // The façade is a consumer: its parameter and its running instances get the new secret before anyone may finish.
          try {
            await giveFacadeSecret(ctx, facade, added.ClientSecretId, added.ClientSecretValue);
            delivered(`facade:${facade.functionName}`);
            result.facade = facade.functionName;
          } catch (e) {
            ctx.out.warn(`Could not give the new secret to the façade ${facade.functionName} (${(e as Error).message}); it keeps the old one, and --finish will refuse until it has the new one.`);
            result.nextSteps = [`Put the new secret in the façade's parameter ${facadeSecretParameter(facade) ?? ''} (aws ssm put-parameter --type SecureString --overwrite) and run mcp-cognito facade deploy.`, ...result.nextSteps];
          }
        }
        show(result);
        delivered('stdout');
      });
      return result;
    });
  });
}
