/** Thin wrappers over the SSM Parameter Store APIs for the façade's SecureString parameters. Values never reach a log. */
import { awsErrorName, makeSender, type AwsSettings } from './clients.js';

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
    async getParameters(names: string[], decrypt: boolean): Promise<Map<string, { value?: string; type?: string; version?: number }>> {
      const r = await sender.send<{ Parameters?: { Name?: string; Value?: string; Type?: string; Version?: number }[] }>(new m.GetParametersCommand({ Names: names, WithDecryption: decrypt }), { fresh: true });
      return new Map((r.Parameters ?? []).map((p) => [p.Name!, { ...(decrypt ? { value: p.Value } : {}), type: p.Type, version: p.Version }]));
    },
    /**
     * A SecureString parameter (created, or overwritten when `overwrite`), encrypted with `keyId` or
     * the AWS managed key. AWS: "After deleting a parameter, wait for at least 30 seconds to create a
     * parameter with the same name" (DeleteParameters): a create refused as existing while the name
     * reads as absent is such a name, tried again after a pause, bounded.
     */
    async putSecureString(name: string, value: string, o: { overwrite: boolean; keyId?: string; description: string }): Promise<void> {
      const attempts = opts.reuseAttempts ?? 7;
      for (let attempt = 1; ; attempt++) {
        try {
          await sender.send(new m.PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: o.overwrite, ...(o.keyId ? { KeyId: o.keyId } : {}), ...(o.overwrite ? {} : { Description: o.description, Tags: [{ Key: 'managed-by', Value: 'mcp-cognito' }] }) }));
          return;
        } catch (e) {
          if (o.overwrite || awsErrorName(e) !== 'ParameterAlreadyExists' || attempt >= attempts || (await api.getParameters([name], false)).has(name)) throw e;
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
