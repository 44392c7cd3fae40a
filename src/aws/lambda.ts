/** Thin wrappers over the Lambda APIs `facade deploy | status | remove` use. They never print, prompt or exit. */
import { awsErrorName, makeSender, type AwsSettings } from './clients.js';
import { createOnce } from './create-once.js';
import { CliError } from '../lib/errors.js';
import type { CreateFunctionRequest, FunctionConfiguration, FunctionUrlConfig, GetFunctionResponse, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';

export type { CreateFunctionRequest, FunctionConfiguration, FunctionUrlConfig, GetFunctionResponse, UpdateFunctionConfigurationRequest };

/** One statement of a function's resource-based policy (GetPolicy). */
export interface PolicyStatement {
  Sid?: string;
  Action?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
}

const notFound = (e: unknown) => awsErrorName(e) === 'ResourceNotFoundException';
/** IAM is eventually consistent: a role just created may not be assumable by Lambda for a few seconds. */
export const roleNotReady = (e: unknown) => awsErrorName(e) === 'InvalidParameterValueException' && /cannot be assumed|role defined for the function/i.test((e as Error).message);

export interface LambdaApiOptions {
  /** Pause before retrying CreateFunction while the new role propagates (default 2 s, 3 s, 5 s…). */
  sleep?: (attempt: number) => Promise<void>;
  /** CreateFunction attempts while the role is not assumable yet (default 8: about 40 s). */
  roleAttempts?: number;
}

export async function lambdaApi(settings: AwsSettings, opts: LambdaApiOptions = {}) {
  const m = await import('./sdk/lambda.js');
  const sender = makeSender(m.LambdaClient, 'lambda', settings);
  const sleep = opts.sleep ?? ((n: number) => new Promise<void>((r) => setTimeout(r, Math.min(2000 + 1000 * (n - 1), 8000))));
  /** A delete whose resource is not there (any more) has done its job. */
  const gone = async (send: () => Promise<unknown>, what: string): Promise<boolean> => {
    try {
      await send();
      return true;
    } catch (e) {
      if (!notFound(e)) throw e;
      settings.log(`lambda ${what}: already gone`);
      return false;
    }
  };
  const api = {
    sender,
    async getFunction(name: string, o: { fresh?: boolean } = {}): Promise<GetFunctionResponse | undefined> {
      try {
        return await sender.send<GetFunctionResponse>(new m.GetFunctionCommand({ FunctionName: name }), o);
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    /**
     * CreateFunction, sent once (a lost answer is looked up, never resent blindly); retried, bounded,
     * while IAM has not yet propagated a role created moments ago.
     */
    async createFunction(input: CreateFunctionRequest): Promise<FunctionConfiguration> {
      const attempts = opts.roleAttempts ?? 8;
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await createOnce({
            create: () => sender.send<FunctionConfiguration>(new m.CreateFunctionCommand(input), { once: true }),
            lookup: async () => (await api.getFunction(input.FunctionName!, { fresh: true }))?.Configuration,
            alreadyExists: (e) => awsErrorName(e) === 'ResourceConflictException',
            intent: { log: settings.intents, kind: 'function', name: input.FunctionName!, in: settings.region },
          });
          return r.value;
        } catch (e) {
          if (!roleNotReady(e) || attempt >= attempts) {
            if (roleNotReady(e)) throw new CliError(`Lambda still cannot assume the role ${input.Role} after ${attempts} attempts.`, { code: 'AWS_ERROR', hint: 'IAM changes can take a minute to reach Lambda: run the same command again (it resumes).', cause: e });
            throw e;
          }
          settings.log(`lambda CreateFunction: the role is not assumable yet (attempt ${attempt}); waiting for IAM`);
          await sleep(attempt);
        }
      }
    },
    async updateFunctionCode(name: string, zip: Uint8Array): Promise<FunctionConfiguration> {
      return sender.send(new m.UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
    },
    async updateFunctionConfiguration(input: UpdateFunctionConfigurationRequest): Promise<FunctionConfiguration> {
      return sender.send(new m.UpdateFunctionConfigurationCommand(input));
    },
    /** Wait until the function is Active and its last update Successful (the SDK waiters). */
    async waitReady(name: string, timeoutSeconds = 120): Promise<void> {
      const client = sender.client;
      await m.waitUntilFunctionActiveV2({ client, maxWaitTime: timeoutSeconds, minDelay: 1, maxDelay: 5 }, { FunctionName: name });
      await m.waitUntilFunctionUpdatedV2({ client, maxWaitTime: timeoutSeconds, minDelay: 1, maxDelay: 5 }, { FunctionName: name });
    },
    /** DeleteFunction; false when it was gone already (a delete whose answer was lost, or another run): success all the same. */
    async deleteFunction(name: string): Promise<boolean> {
      return gone(() => sender.send(new m.DeleteFunctionCommand({ FunctionName: name })), `DeleteFunction ${name}`);
    },
    async getFunctionUrlConfig(name: string, o: { fresh?: boolean } = {}): Promise<FunctionUrlConfig | undefined> {
      try {
        return await sender.send(new m.GetFunctionUrlConfigCommand({ FunctionName: name }), o);
      } catch (e) {
        if (notFound(e)) return undefined;
        throw e;
      }
    },
    async createFunctionUrlConfig(name: string): Promise<FunctionUrlConfig> {
      const r = await createOnce({
        create: () => sender.send<FunctionUrlConfig>(new m.CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }), { once: true }),
        lookup: () => api.getFunctionUrlConfig(name, { fresh: true }),
        alreadyExists: (e) => awsErrorName(e) === 'ResourceConflictException',
        intent: { log: settings.intents, kind: 'functionUrl', name, in: settings.region },
      });
      return r.value;
    },
    async updateFunctionUrlConfig(name: string): Promise<FunctionUrlConfig> {
      return sender.send(new m.UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }));
    },
    /** DeleteFunctionUrlConfig; false when it was gone already. */
    async deleteFunctionUrlConfig(name: string): Promise<boolean> {
      return gone(() => sender.send(new m.DeleteFunctionUrlConfigCommand({ FunctionName: name })), `DeleteFunctionUrlConfig ${name}`);
    },
    /** The statements of the function's resource-based policy (none when it has no policy). */
    async getPolicyStatements(name: string, o: { fresh?: boolean } = {}): Promise<PolicyStatement[]> {
      try {
        const r = await sender.send<{ Policy?: string }>(new m.GetPolicyCommand({ FunctionName: name }), o);
        return ((JSON.parse(r.Policy ?? '{}') as { Statement?: PolicyStatement[] }).Statement ?? []) as PolicyStatement[];
      } catch (e) {
        if (notFound(e)) return [];
        throw e;
      }
    },
    /**
     * AddPermission with our fixed statement ID: idempotent, so sent with the SDK's retries
     * (throttling included). "The statement id already exists" is success when that statement is
     * ours (a retry after an answer that was lost, or an earlier run): said so in --debug. A
     * conflict with an update in progress on the function is waited out.
     */
    async addPermission(input: { FunctionName: string; StatementId: string; Action: string; Principal: string; FunctionUrlAuthType?: 'NONE'; InvokedViaFunctionUrl?: boolean }): Promise<'added' | 'already there'> {
      for (let attempt = 1; ; attempt++) {
        try {
          await sender.send(new m.AddPermissionCommand(input));
          return 'added';
        } catch (e) {
          if (awsErrorName(e) !== 'ResourceConflictException') throw e;
          const ours = (await api.getPolicyStatements(input.FunctionName, { fresh: true })).find((st) => st.Sid === input.StatementId);
          if (ours) {
            const actions = Array.isArray(ours.Action) ? ours.Action : [ours.Action];
            if (!actions.includes(input.Action)) {
              throw new CliError(`Function ${input.FunctionName} already has a permission statement ${input.StatementId} for ${actions.join(', ')}, not ${input.Action}.`, { code: 'CONFLICT', cause: e, hint: `Remove it (aws lambda remove-permission --function-name ${input.FunctionName} --statement-id ${input.StatementId}) and run the command again.` });
            }
            settings.log(`lambda AddPermission ${input.StatementId}: the statement is there already (an earlier attempt landed); nothing to add`);
            return 'already there';
          }
          // Not ours to adopt: an update in progress on the function (retried), or a real conflict.
          if (attempt >= 5 || !/in progress/i.test((e as Error).message)) throw e;
          await sleep(attempt);
        }
      }
    },
    async removePermission(name: string, sid: string): Promise<void> {
      try {
        await sender.send(new m.RemovePermissionCommand({ FunctionName: name, StatementId: sid }));
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    },
  };
  return api;
}

export type LambdaApi = Awaited<ReturnType<typeof lambdaApi>>;
