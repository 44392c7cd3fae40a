/** Thin wrappers over the SSM Parameter Store APIs for the façade's SecureString parameters. Values never reach a log. */
import { awsErrorName, makeSender, type AwsSettings } from './clients.js';
import { CliError } from '../lib/errors.js';

export interface SsmApiOptions {
  /** Pause before trying a recently deleted name again (default 2 s, 4 s, then 8 s). */
  sleep?: (attempt: number) => Promise<void>;
  /** PutParameter attempts while the name of a parameter deleted moments ago is not usable yet (default 7: about 45 s). */
  reuseAttempts?: number;
}

export async function ssmApi(settings: AwsSettings, opts: SsmApiOptions = {}) {
  const m = await import('./sdk/ssm.js');
  const sender = makeSender(m.SSMClient, 'ssm', settings);
  const sleep = opts.sleep ?? ((n: number) => new Promise<void>((r) => setTimeout(r, Math.min(2000 * 2 ** (n - 1), 8000))));
  const api = {
    sender,
    /** Which of `names` exist, with their decrypted values when `decrypt` (kept in memory only). */
    async getParameters(names: string[], decrypt: boolean): Promise<Map<string, { value?: string; type?: string; version?: number; lastModified?: Date }>> {
      const r = await sender.send<{ Parameters?: { Name?: string; Value?: string; Type?: string; Version?: number; LastModifiedDate?: Date }[] }>(new m.GetParametersCommand({ Names: names, WithDecryption: decrypt }), { fresh: true });
      return new Map((r.Parameters ?? []).map((p) => [p.Name!, { ...(decrypt ? { value: p.Value } : {}), type: p.Type, version: p.Version, ...(p.LastModifiedDate ? { lastModified: new Date(p.LastModifiedDate) } : {}) }]));
    },
    /**
     * A SecureString parameter (created, or overwritten when `overwrite`), encrypted with `keyId` or
     * the AWS managed key. Sent with the SDK's retries (throttling included). ParameterAlreadyExists
     * on a create is one of three things: the parameter holds our value (an earlier attempt whose
     * answer was lost landed): success; another value: a conflict; no parameter at all: a name deleted
     * moments ago, which AWS lets be used again only "after at least 30 seconds" (DeleteParameters):
     * tried again after a pause, bounded. Values are read back decrypted, never logged.
     */
    async putSecureString(name: string, value: string, o: { overwrite: boolean; keyId?: string; description: string }): Promise<'written' | 'already there'> {
      const attempts = opts.reuseAttempts ?? 7;
      for (let attempt = 1; ; attempt++) {
        try {
          await sender.send(new m.PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: o.overwrite, ...(o.keyId ? { KeyId: o.keyId } : {}), ...(o.overwrite ? {} : { Description: o.description, Tags: [{ Key: 'managed-by', Value: 'mcp-cognito' }] }) }));
          return 'written';
        } catch (e) {
          if (o.overwrite || awsErrorName(e) !== 'ParameterAlreadyExists') throw e;
          const now = (await api.getParameters([name], true)).get(name);
          if (now?.value === value && now.type === 'SecureString') {
            settings.log(`ssm PutParameter ${name}: it holds our value already (an earlier attempt landed)`);
            return 'already there';
          }
          if (now) throw new CliError(`The SSM parameter ${name} exists with another value.`, { code: 'CONFLICT', cause: e, hint: 'Another process may be deploying the same façade: run the command again when it has finished.' });
          if (attempt >= attempts) throw e;
          settings.log(`ssm PutParameter: ${name} was deleted moments ago and cannot be created again yet (attempt ${attempt}); waiting`);
          await sleep(attempt);
        }
      }
    },
    async deleteParameters(names: string[]): Promise<void> {
      if (names.length) await sender.send(new m.DeleteParametersCommand({ Names: names }));
    },
  };
  return api;
}

export type SsmApi = Awaited<ReturnType<typeof ssmApi>>;
