import { cognitoSender, collect, pagedClient, requestTimeoutMs, type AwsSettings } from './clients.js';

/** How long AddUserPoolClientSecret's answer is waited for (a late Add lands within a minute, issue 17 §3). */
export const ADD_SECRET_ANSWER_MS = 60_000;
import { classifyCreateFailure, createOnce } from './create-once.js';
import { CliError } from '../lib/errors.js';
import type {
  DomainDescriptionType,
  ResourceServerType,
  UserPoolClientType,
  UserPoolClientDescription,
  UserPoolDescriptionType,
  UserPoolType,
  ResourceServerScopeType,
  CreateUserPoolClientRequest,
  UpdateUserPoolClientRequest,
  UserType,
  GroupType,
  ClientSecretDescriptorType,
} from '@aws-sdk/client-cognito-identity-provider';

export type { ClientSecretDescriptorType, UserPoolClientType, ResourceServerType, ResourceServerScopeType, DomainDescriptionType, UserPoolType, UserType, CreateUserPoolClientRequest, UpdateUserPoolClientRequest };

/** Thin, intent-named wrappers over the Cognito user pool APIs. They never print, prompt or exit. */
export async function cognitoApi(settings: AwsSettings) {
  const { m, sender } = await cognitoSender(settings);
  const isNotFound = (e: unknown) => (e as { code?: string })?.code === 'NOT_FOUND';
  const client = pagedClient(sender);
  const log = settings.intents;
  /** The SDK error's name under the CliError (e.g. GroupExistsException). */
  const errorName = (e: unknown) => ((e instanceof CliError ? e.cause : e) as { name?: string } | undefined)?.name;
  /** A repeated Create's "already exists" answer (resource server: InvalidParameterException "… already exists"). */
  const alreadyExists = (e: unknown) => /Exists/.test(errorName(e) ?? '') || (errorName(e) === 'InvalidParameterException' && /already exists/i.test((e as Error).message));
  /** The one resource a lost Create made, found by name; several of that name is a conflict, not a guess. */
  const onlyOne = <T>(found: T[], what: string, id: (t: T) => string | undefined): T | undefined => {
    if (found.length > 1) throw new CliError(`${found.length} ${what} exist after a Create whose answer was lost: ${found.map(id).join(', ')}.`, { code: 'CONFLICT', hint: 'Delete the ones you do not want, then run the command again.' });
    return found[0];
  };

  // Non-idempotent Creates go through createOnce (create-once.ts): sent without SDK retries, and
  // after a failure that may have been applied, looked up (the Create forgot the cached reads) and adopted.
  const api = {
    sender,
    module: m,

    /** ListUserPools over every page (MaxResults is required by the API). */
    async listPools(opts: { fresh?: boolean } = {}): Promise<UserPoolDescriptionType[]> {
      return collect(m.paginateListUserPools({ client }, { MaxResults: 60 }, opts), (p) => p.UserPools);
    },

    /** DescribeUserPool. */
    async describePool(poolId: string, opts: { fresh?: boolean } = {}): Promise<UserPoolType> {
      const r = await sender.send<{ UserPool?: UserPoolType }>(new m.DescribeUserPoolCommand({ UserPoolId: poolId }), opts);
      if (!r.UserPool) throw new Error(`DescribeUserPool returned no pool for ${poolId}`);
      return r.UserPool;
    },

    /** CreateUserPool with e-mail sign-in (the e-mail address is the user name and is verified automatically). */
    async createPool(name: string): Promise<UserPoolType> {
      const create = async (): Promise<UserPoolType> => {
        const r = await sender.send<{ UserPool?: UserPoolType }>(
          new m.CreateUserPoolCommand({
            PoolName: name,
            UsernameAttributes: ['email'],
            AutoVerifiedAttributes: ['email'],
            Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 } },
            AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
            AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
          }),
          { once: true },
        );
        if (!r.UserPool?.Id) throw new Error('CreateUserPool returned no pool ID');
        return r.UserPool;
      };
      // The caller found no pool of this name before creating: one there now is ours.
      const lookup = async () => {
        const pool = onlyOne((await api.listPools({ fresh: true })).filter((p) => p.Name === name), `user pools named "${name}"`, (p) => p.Id);
        return pool?.Id ? api.describePool(pool.Id, { fresh: true }) : undefined;
      };
      return (await createOnce({ create, lookup, intent: { log, kind: 'userPool', name, in: settings.region } })).value;
    },

    /** DescribeUserPoolDomain; undefined when the domain does not exist (AWS answers an empty description). */
    async describeDomain(domain: string, opts: { fresh?: boolean } = {}): Promise<DomainDescriptionType | undefined> {
      const r = await sender.send<{ DomainDescription?: DomainDescriptionType }>(new m.DescribeUserPoolDomainCommand({ Domain: domain }), opts);
      return r.DomainDescription?.Status ? r.DomainDescription : undefined;
    },

    /** CreateUserPoolDomain (prefix domain). */
    async createDomain(poolId: string, prefix: string, managedLoginVersion?: number): Promise<void> {
      await createOnce({
        create: async () => (await sender.send(new m.CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: prefix, ...(managedLoginVersion ? { ManagedLoginVersion: managedLoginVersion } : {}) }), { once: true }), true as const),
        // A domain there for this pool is ours; one of another pool makes the repeated Create fail, as it should.
        lookup: async () => ((await api.describeDomain(prefix, { fresh: true }))?.UserPoolId === poolId ? true : undefined),
        alreadyExists,
        intent: { log, kind: 'domain', name: prefix, in: poolId },
      });
    },

    /** ListResourceServers over every page. */
    async listResourceServers(poolId: string, opts: { fresh?: boolean } = {}): Promise<ResourceServerType[]> {
      return collect(m.paginateListResourceServers({ client }, { UserPoolId: poolId, MaxResults: 50 }, opts), (p) => p.ResourceServers);
    },

    async createResourceServer(poolId: string, identifier: string, name: string, scopes: ResourceServerScopeType[]): Promise<ResourceServerType> {
      const { value } = await createOnce({
        create: async () => {
          const r = await sender.send<{ ResourceServer?: ResourceServerType }>(new m.CreateResourceServerCommand({ UserPoolId: poolId, Identifier: identifier, Name: name, Scopes: scopes }), { once: true });
          return r.ResourceServer ?? { UserPoolId: poolId, Identifier: identifier, Name: name, Scopes: scopes };
        },
        lookup: async () => (await api.listResourceServers(poolId, { fresh: true })).find((rs) => rs.Identifier === identifier),
        alreadyExists,
        intent: { log, kind: 'resourceServer', name: identifier, in: poolId },
      });
      return value;
    },

    /**
     * UpdateResourceServer replaces the whole server: always pass the full scope list. Sent once, like
     * updateClient (the merge loop writes again after a failure, from a fresh read).
     */
    async updateResourceServer(poolId: string, identifier: string, name: string, scopes: ResourceServerScopeType[]): Promise<void> {
      await sender.send(new m.UpdateResourceServerCommand({ UserPoolId: poolId, Identifier: identifier, Name: name, Scopes: scopes }), { once: true });
    },

    /** ListUserPoolClients over every page (pages may be short but still carry a token). */
    async listClients(poolId: string, opts: { fresh?: boolean } = {}): Promise<UserPoolClientDescription[]> {
      return collect(m.paginateListUserPoolClients({ client }, { UserPoolId: poolId, MaxResults: 60 }, opts), (p) => p.UserPoolClients);
    },

    async describeClient(poolId: string, clientId: string, opts: { fresh?: boolean } = {}): Promise<UserPoolClientType> {
      const r = await sender.send<{ UserPoolClient?: UserPoolClientType }>(new m.DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }), opts);
      if (!r.UserPoolClient) throw new Error(`DescribeUserPoolClient returned no client for ${clientId}`);
      return r.UserPoolClient;
    },

    async createClient(input: CreateUserPoolClientRequest): Promise<UserPoolClientType> {
      const { value } = await createOnce({
        create: async () => {
          const r = await sender.send<{ UserPoolClient?: UserPoolClientType }>(new m.CreateUserPoolClientCommand(input), { once: true });
          if (!r.UserPoolClient?.ClientId) throw new Error('CreateUserPoolClient returned no client ID');
          return r.UserPoolClient;
        },
        // The caller found no client of this name before creating (names are how clients are adopted).
        lookup: async () => {
          const c = onlyOne((await api.listClients(input.UserPoolId!, { fresh: true })).filter((x) => x.ClientName === input.ClientName), `app clients named "${input.ClientName}"`, (x) => x.ClientId);
          return c?.ClientId ? api.describeClient(input.UserPoolId!, c.ClientId, { fresh: true }) : undefined;
        },
        intent: { log, kind: 'clients', name: input.ClientName!, in: input.UserPoolId },
      });
      return value;
    },

    /**
     * UpdateUserPoolClient. It replaces the whole client (omitted fields are reset to their
     * defaults): build `request` with rmw.ts#toUpdateUserPoolClientRequest from a fresh Describe.
     */
    async updateClient(request: UpdateUserPoolClientRequest): Promise<UserPoolClientType | undefined> {
      // Once, without the SDK's retry: sent again as it was, it could take away what changed meanwhile
      // (src/steps/merge.ts reads, merges and writes again instead).
      const r = await sender.send<{ UserPoolClient?: UserPoolClientType }>(new m.UpdateUserPoolClientCommand(request), { once: true });
      return r.UserPoolClient;
    },

    /**
     * ListUserPoolClientSecrets: the client's secrets (IDs and creation dates; AWS never returns the
     * values here). Every page is read (AWS documents one page, the token is honoured all the same).
     */
    async listClientSecrets(poolId: string, clientId: string, opts: { fresh?: boolean } = {}): Promise<ClientSecretDescriptorType[]> {
      const out: ClientSecretDescriptorType[] = [];
      let token: string | undefined;
      do {
        const r = await sender.send<{ ClientSecrets?: ClientSecretDescriptorType[]; NextToken?: string }>(
          new m.ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId, ...(token ? { NextToken: token } : {}) }),
          opts,
        );
        out.push(...(r.ClientSecrets ?? []).map(({ ClientSecretValue: _never, ...d }) => d));
        token = r.NextToken;
      } while (token);
      return out;
    },

    /**
     * AddUserPoolClientSecret with a value Cognito generates (returned this once). Sent without SDK
     * retries: a lost answer leaves a secret whose value nobody knows, and a second Add could make
     * another. A refusal that proves nothing was added (throttling) is sent again after a pause.
     * Any other failure is thrown as it is: the caller (rotate-secret) has recorded the rotation
     * and judges what landed (steps/client/rotate-secret.ts provablyOurs).
     */
    async addClientSecret(poolId: string, clientId: string): Promise<Required<Pick<ClientSecretDescriptorType, 'ClientSecretId' | 'ClientSecretValue'>> & ClientSecretDescriptorType> {
      for (let attempt = 1; ; attempt++) {
        try {
          // Its answer is the only proof of which secret it added (and the only copy of the value): waited for up to a minute.
          const r = await sender.send<{ ClientSecretDescriptor?: ClientSecretDescriptorType }>(new m.AddUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId }), { once: true, requestTimeoutMs: Math.max(requestTimeoutMs(), ADD_SECRET_ANSWER_MS) });
          const d = r.ClientSecretDescriptor;
          if (!d?.ClientSecretId || !d.ClientSecretValue) throw new Error('AddUserPoolClientSecret returned no secret');
          return d as Required<Pick<ClientSecretDescriptorType, 'ClientSecretId' | 'ClientSecretValue'>> & ClientSecretDescriptorType;
        } catch (e) {
          if (classifyCreateFailure(e) !== 'not-applied' || attempt >= 3) throw e;
          await new Promise((r) => setTimeout(r, 200 * 2 ** attempt + Math.floor(Math.random() * 100)));
        }
      }
    },

    /**
     * DeleteUserPoolClientSecret (Cognito refuses to delete a client's last secret). False when the
     * secret was already gone (a delete whose answer was lost, repeated).
     */
    async deleteClientSecret(poolId: string, clientId: string, secretId: string): Promise<boolean> {
      try {
        await sender.send(new m.DeleteUserPoolClientSecretCommand({ UserPoolId: poolId, ClientId: clientId, ClientSecretId: secretId }));
        return true;
      } catch (e) {
        if (!isNotFound(e)) throw e;
        const still = (await api.listClientSecrets(poolId, clientId, { fresh: true })).some((d) => d.ClientSecretId === secretId);
        if (still) throw e;
        return false;
      }
    },

    /** Whether a managed-login branding style is assigned to the client (undefined: cannot tell). */
    async hasManagedLoginBranding(poolId: string, clientId: string): Promise<boolean> {
      try {
        await sender.send(new m.DescribeManagedLoginBrandingByClientCommand({ UserPoolId: poolId, ClientId: clientId }));
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },

    /** CreateManagedLoginBranding with Cognito's default style; without one a v2 login page does not exist. */
    async createDefaultBranding(poolId: string, clientId: string): Promise<void> {
      await createOnce({
        create: async () => (await sender.send(new m.CreateManagedLoginBrandingCommand({ UserPoolId: poolId, ClientId: clientId, UseCognitoProvidedValues: true }), { once: true }), true as const),
        lookup: async () => ((await api.hasManagedLoginBranding(poolId, clientId)) ? true : undefined),
        alreadyExists,
        intent: { log, kind: 'branding', name: clientId, in: poolId },
      });
    },

    /** AdminGetUser; undefined when there is no such user. */
    async getUser(poolId: string, username: string, opts: { fresh?: boolean } = {}): Promise<{ Username?: string; UserStatus?: string; Enabled?: boolean } | undefined> {
      try {
        return await sender.send(new m.AdminGetUserCommand({ UserPoolId: poolId, Username: username }), opts);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },

    /** ListUsers with an optional filter, every page. */
    async listUsers(poolId: string, filter?: string): Promise<UserType[]> {
      return collect(m.paginateListUsers({ client, pageSize: 60 }, { UserPoolId: poolId, Filter: filter }), (p) => p.Users);
    },

    async getGroup(poolId: string, group: string, opts: { fresh?: boolean } = {}): Promise<GroupType | undefined> {
      try {
        const r = await sender.send<{ Group?: GroupType }>(new m.GetGroupCommand({ UserPoolId: poolId, GroupName: group }), opts);
        return r.Group;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },

    /** AdminCreateUser without an invitation (MessageAction SUPPRESS), e-mail marked verified. */
    async adminCreateUser(poolId: string, username: string, email: string): Promise<UserType> {
      const create = async (): Promise<UserType> => {
        const r = await sender.send<{ User?: UserType }>(
          new m.AdminCreateUserCommand({
            UserPoolId: poolId,
            Username: username,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
          { once: true },
        );
        return r.User ?? { Username: username };
      };
      const lookup = async (): Promise<UserType | undefined> => {
        const u = await api.getUser(poolId, username, { fresh: true });
        return u ? { Username: u.Username ?? username, UserStatus: u.UserStatus as UserType['UserStatus'], Enabled: u.Enabled } : undefined;
      };
      return (await createOnce({ create, lookup, alreadyExists, intent: { log, kind: 'users', name: username, in: poolId } })).value;
    },

    /** AdminSetUserPassword --permanent: the user leaves FORCE_CHANGE_PASSWORD. The password is never logged. */
    async adminSetUserPassword(poolId: string, username: string, password: string): Promise<void> {
      await sender.send(new m.AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
    },

    /** CreateGroup. */
    async createGroup(poolId: string, group: string, description?: string): Promise<void> {
      await createOnce({
        create: async () => (await sender.send(new m.CreateGroupCommand({ UserPoolId: poolId, GroupName: group, ...(description ? { Description: description } : {}) }), { once: true }), true as const),
        lookup: async () => ((await api.getGroup(poolId, group, { fresh: true })) ? true : undefined),
        alreadyExists,
        intent: { log, kind: 'groups', name: group, in: poolId },
      });
    },

    /** ListGroups, every page: the group names. */
    async listGroups(poolId: string): Promise<string[]> {
      const groups = await collect(m.paginateListGroups({ client, pageSize: 60 }, { UserPoolId: poolId }), (p) => p.Groups);
      return groups.map((g: GroupType) => g.GroupName!).filter(Boolean);
    },

    /** AdminListGroupsForUser, every page: the group names. */
    async adminListGroupsForUser(poolId: string, username: string): Promise<string[]> {
      const groups = await collect(m.paginateAdminListGroupsForUser({ client, pageSize: 60 }, { UserPoolId: poolId, Username: username }), (p) => p.Groups);
      return groups.map((g: GroupType) => g.GroupName!).filter(Boolean);
    },

    // Deletes (teardown, delete-client): each answers whether it deleted (false: it was already gone).
    /** Run a Delete; a ResourceNotFoundException means it is already gone. */
    async gone(send: () => Promise<unknown>): Promise<boolean> {
      try {
        await send();
        return true;
      } catch (e) {
        if (isNotFound(e)) return false;
        throw e;
      }
    },

    /** DeleteUserPoolClient. */
    async deleteClient(poolId: string, clientId: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })));
    },

    /** AdminDeleteUser. */
    async adminDeleteUser(poolId: string, username: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.AdminDeleteUserCommand({ UserPoolId: poolId, Username: username })));
    },

    /** DeleteGroup (its members stay, outside the group). */
    async deleteGroup(poolId: string, group: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.DeleteGroupCommand({ UserPoolId: poolId, GroupName: group })));
    },

    /** DeleteResourceServer (clients keep the scope names; tokens for them can no longer be issued). */
    async deleteResourceServer(poolId: string, identifier: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.DeleteResourceServerCommand({ UserPoolId: poolId, Identifier: identifier })));
    },

    /** DeleteUserPoolDomain (a pool with a domain cannot be deleted). */
    async deleteDomain(poolId: string, domain: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.DeleteUserPoolDomainCommand({ UserPoolId: poolId, Domain: domain })));
    },

    /** DeleteUserPool (everything in it goes with it). */
    async deletePool(poolId: string): Promise<boolean> {
      return api.gone(() => sender.send(new m.DeleteUserPoolCommand({ UserPoolId: poolId })));
    },

    /** AdminAddUserToGroup. */
    async adminAddUserToGroup(poolId: string, username: string, group: string): Promise<void> {
      await sender.send(new m.AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }));
    },
  };
  return api;
}

export type CognitoApi = Awaited<ReturnType<typeof cognitoApi>>;
