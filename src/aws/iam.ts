/** Thin wrappers over the IAM APIs for the façade's execution role. They never print, prompt or exit. */
import { awsErrorName, makeSender, type AwsSettings } from './clients.js';
import { createOnce } from './create-once.js';
import type { Role } from '@aws-sdk/client-iam';

export type { Role };

const noSuch = (e: unknown) => awsErrorName(e) === 'NoSuchEntityException' || awsErrorName(e) === 'NoSuchEntity';

export async function iamApi(settings: AwsSettings) {
  const m = await import('./sdk/iam.js');
  const sender = makeSender(m.IAMClient, 'iam', settings);
  const api = {
    sender,
    async getRole(name: string, o: { fresh?: boolean } = {}): Promise<Role | undefined> {
      try {
        return (await sender.send<{ Role?: Role }>(new m.GetRoleCommand({ RoleName: name }), o)).Role;
      } catch (e) {
        if (noSuch(e)) return undefined;
        throw e;
      }
    },
    /** CreateRole sent once; a lost answer or an "already exists" is looked up and adopted. */
    async createRole(name: string, trustPolicy: string, description: string, tags: Record<string, string>): Promise<Role> {
      const r = await createOnce({
        create: async () => (await sender.send<{ Role: Role }>(new m.CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy, Description: description, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }), { once: true })).Role,
        lookup: () => api.getRole(name, { fresh: true }),
        alreadyExists: (e) => awsErrorName(e) === 'EntityAlreadyExistsException' || awsErrorName(e) === 'EntityAlreadyExists',
        intent: { log: settings.intents, kind: 'role', name },
      });
      return r.value;
    },
    /** The inline policy's document (decoded), or undefined when the role has none of that name. */
    async getRolePolicy(role: string, policyName: string): Promise<string | undefined> {
      try {
        const r = await sender.send<{ PolicyDocument?: string }>(new m.GetRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
        return r.PolicyDocument ? decodeURIComponent(r.PolicyDocument) : undefined;
      } catch (e) {
        if (noSuch(e)) return undefined;
        throw e;
      }
    },
    /** PutRolePolicy replaces the inline policy: idempotent, so sent with the SDK's retries (throttling included). */
    async putRolePolicy(role: string, policyName: string, document: string): Promise<void> {
      await sender.send(new m.PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: document }));
    },
    async deleteRolePolicy(role: string, policyName: string): Promise<void> {
      try {
        await sender.send(new m.DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
      } catch (e) {
        if (!noSuch(e)) throw e;
      }
    },
    async deleteRole(name: string): Promise<void> {
      try {
        await sender.send(new m.DeleteRoleCommand({ RoleName: name }));
      } catch (e) {
        if (!noSuch(e)) throw e;
      }
    },
  };
  return api;
}

export type IamApi = Awaited<ReturnType<typeof iamApi>>;
