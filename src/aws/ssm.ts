/** Thin wrappers over the SSM Parameter Store APIs for the façade's SecureString parameters. Values never reach a log. */
import { makeSender, type AwsSettings } from './clients.js';

export async function ssmApi(settings: AwsSettings) {
  const m = await import('./sdk/ssm.js');
  const sender = makeSender(m.SSMClient, 'ssm', settings);
  return {
    sender,
    /** Which of `names` exist, with their decrypted values when `decrypt` (kept in memory only). */
    async getParameters(names: string[], decrypt: boolean): Promise<Map<string, { value?: string; type?: string; version?: number; lastModified?: Date }>> {
      const r = await sender.send<{ Parameters?: { Name?: string; Value?: string; Type?: string; Version?: number; LastModifiedDate?: Date }[] }>(new m.GetParametersCommand({ Names: names, WithDecryption: decrypt }), { fresh: true });
      return new Map((r.Parameters ?? []).map((p) => [p.Name!, { ...(decrypt ? { value: p.Value } : {}), type: p.Type, version: p.Version, ...(p.LastModifiedDate ? { lastModified: new Date(p.LastModifiedDate) } : {}) }]));
    },
    /** A SecureString parameter (created, or overwritten when `overwrite`), encrypted with `keyId` or the AWS managed key. */
    async putSecureString(name: string, value: string, o: { overwrite: boolean; keyId?: string; description: string }): Promise<void> {
      await sender.send(new m.PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: o.overwrite, ...(o.keyId ? { KeyId: o.keyId } : {}), ...(o.overwrite ? {} : { Description: o.description, Tags: [{ Key: 'managed-by', Value: 'mcp-cognito' }] }) }));
    },
    async deleteParameters(names: string[]): Promise<void> {
      if (names.length) await sender.send(new m.DeleteParametersCommand({ Names: names }));
    },
  };
}

export type SsmApi = Awaited<ReturnType<typeof ssmApi>>;
