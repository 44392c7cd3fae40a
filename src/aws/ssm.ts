/** Thin wrappers over the SSM Parameter Store APIs for the façade's SecureString parameters. Values never reach a log. */
import { awsErrorName, makeSender, type AwsSettings } from './clients.js';
import { CliError } from '../lib/errors.js';

export async function ssmApi(settings: AwsSettings) {
  const m = await import('./sdk/ssm.js');
  const sender = makeSender(m.SSMClient, 'ssm', settings);
  const api = {
    sender,
    /** Which of `names` exist, with their decrypted values when `decrypt` (kept in memory only). */
    async getParameters(names: string[], decrypt: boolean): Promise<Map<string, { value?: string; type?: string; version?: number }>> {
      const r = await sender.send<{ Parameters?: { Name?: string; Value?: string; Type?: string; Version?: number }[] }>(new m.GetParametersCommand({ Names: names, WithDecryption: decrypt }), { fresh: true });
      return new Map((r.Parameters ?? []).map((p) => [p.Name!, { ...(decrypt ? { value: p.Value } : {}), type: p.Type, version: p.Version }]));
    },
    /**
     * A SecureString parameter (created, or overwritten when `overwrite`), encrypted with `keyId` or
     * the AWS managed key. Sent with the SDK's retries (throttling included): a create retried after
     * its answer was lost meets ParameterAlreadyExists, which is success when the parameter holds
     * our value (read back decrypted, never logged); another value is a conflict.
     */
    async putSecureString(name: string, value: string, o: { overwrite: boolean; keyId?: string; description: string }): Promise<'written' | 'already there'> {
      try {
        await sender.send(new m.PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: o.overwrite, ...(o.keyId ? { KeyId: o.keyId } : {}), ...(o.overwrite ? {} : { Description: o.description, Tags: [{ Key: 'managed-by', Value: 'mcp-cognito' }] }) }));
        return 'written';
      } catch (e) {
        if (awsErrorName(e) !== 'ParameterAlreadyExists') throw e;
        const now = (await api.getParameters([name], true)).get(name);
        if (now?.value === value && now.type === 'SecureString') {
          settings.log(`ssm PutParameter ${name}: it holds our value already (an earlier attempt landed)`);
          return 'already there';
        }
        throw new CliError(`The SSM parameter ${name} exists with another value.`, { code: 'CONFLICT', cause: e, hint: 'Another process may be deploying the same façade: run the command again when it has finished.' });
      }
    },
    async deleteParameters(names: string[]): Promise<void> {
      if (names.length) await sender.send(new m.DeleteParametersCommand({ Names: names }));
    },
  };
  return api;
}

export type SsmApi = Awaited<ReturnType<typeof ssmApi>>;
