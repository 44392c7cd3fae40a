/**
 * Callback (and logout) URLs of an app client: plan from the described client, apply through the
 * merge-and-verify loop. UpdateUserPoolClient replaces the whole client, so every updatable field is
 * written from a fresh read (src/aws/rmw.ts).
 */
import { InputError } from '../../lib/errors.js';
import { awsCliCommand, listDiff, type PlanStep } from '../../lib/plan.js';
import { describeNearMiss, nearMisses } from '../../lib/urls.js';
import { MAX_URLS_PER_LIST } from '../../lib/validate.js';
import { PLACEHOLDER_CALLBACK } from '../../domain/oauth.js';
import { toUpdateUserPoolClientRequest, type UserPoolClientType } from '../../aws/rmw.js';
import type { CognitoApi } from '../../aws/cognito.js';
import { mergeAndVerify, type MergeShape } from '../merge.js';
import { resourceKey } from '../../lib/resource-lock.js';
import type { Progress } from '../progress.js';

export interface CallbackInput {
  urls: string[];
  /** Add to LogoutURLs instead of CallbackURLs. */
  logout: boolean;
  /** Keep the placeholder callback when a real URL is added. */
  keepPlaceholder: boolean;
}

type UrlField = 'CallbackURLs' | 'LogoutURLs';

export interface CallbackPlan {
  poolId: string;
  clientId: string;
  field: UrlField;
  label: 'callback URLs' | 'logout URLs';
  before: string[];
  added: string[];
  removed: string[];
  after: string[];
  /** Set when DefaultRedirectURI (the placeholder) moves to a new URL. */
  defaultRedirectUri?: { from: string; to: string };
  /** Near misses worth a warning (a URL that differs from a registered one only by a slash, case…). */
  warnings: string[];
  /** The update to approve; undefined when every URL is already there. */
  step?: PlanStep;
  /** Our intent, applied to whatever the client is when we write. */
  change: (current: UserPoolClientType) => UserPoolClientType;
  planned: UserPoolClientType;
}

/** Plan adding `input.urls` to a described client. Throws (exit 2) when the list would exceed Cognito's limit. */
export function planCallback(described: UserPoolClientType, input: CallbackInput, region: string): CallbackPlan {
  const field: UrlField = input.logout ? 'LogoutURLs' : 'CallbackURLs';
  const label = input.logout ? 'logout URLs' : 'callback URLs';
  const before = described[field] ?? [];
  const warnings: string[] = [];
  for (const url of input.urls) {
    for (const miss of nearMisses(url, before)) {
      if (!input.urls.includes(miss.url)) warnings.push(`${url} is not ${miss.url}, which is already registered: it ${describeNearMiss(miss.kind)}. Cognito matches redirect URLs exactly, so both are kept.`);
    }
  }
  const added = input.urls.filter((u) => !before.includes(u));
  // Copilot Studio shows its redirect URL only after the connection exists; the placeholder goes once a real one is in.
  const removed =
    !input.logout && !input.keepPlaceholder && added.some((u) => u !== PLACEHOLDER_CALLBACK) && before.includes(PLACEHOLDER_CALLBACK) && !input.urls.includes(PLACEHOLDER_CALLBACK) ? [PLACEHOLDER_CALLBACK] : [];
  const after = [...before.filter((u) => !removed.includes(u)), ...added];
  // DefaultRedirectURI must be one of the callback URLs: if it was the placeholder, the first new URL takes its place.
  const newDefault = added.find((u) => u !== PLACEHOLDER_CALLBACK);
  const change = (c: UserPoolClientType): UserPoolClientType => {
    const list = (c[field] ?? []).filter((u) => !removed.includes(u));
    const next: UserPoolClientType = { ...c, [field]: [...list, ...input.urls.filter((u) => !list.includes(u))] };
    if (!input.logout && c.DefaultRedirectURI && removed.includes(c.DefaultRedirectURI) && newDefault) next.DefaultRedirectURI = newDefault;
    return next;
  };
  const plan: CallbackPlan = { poolId: described.UserPoolId!, clientId: described.ClientId!, field, label, before, added, removed, after, warnings, change, planned: described };
  if (added.length === 0) return plan;
  if (after.length > MAX_URLS_PER_LIST) {
    throw new InputError(`The client would have ${after.length} ${label}; Cognito allows at most ${MAX_URLS_PER_LIST}. Nothing was changed.`, 'Remove unused URLs in the Cognito console first.');
  }
  const diff = listDiff(before, after);
  const next = change(described);
  if (next.DefaultRedirectURI !== described.DefaultRedirectURI && described.DefaultRedirectURI) {
    plan.defaultRedirectUri = { from: described.DefaultRedirectURI, to: next.DefaultRedirectURI! };
    diff.push(`~ DefaultRedirectURI: ${described.DefaultRedirectURI} → ${next.DefaultRedirectURI}`);
  }
  plan.step = {
    action: 'update',
    resource: `${label} of app client ${described.ClientName ? `${described.ClientName} (${plan.clientId})` : plan.clientId}`,
    diff,
    awsCli: awsCliCommand('cognito-idp', 'UpdateUserPoolClient', { ...toUpdateUserPoolClientRequest(next) }, region),
  };
  return plan;
}

/** How the loop sees a client when `field` is what our change touches. */
export function clientShape(field: UrlField): MergeShape<UserPoolClientType> {
  return {
    lists: (c) => ({ [field]: c[field] ?? [] }),
    withLists: (c, l) => ({ ...c, [field]: l[field] }),
    others: (c) => {
      const { [field]: _list, ...rest } = toUpdateUserPoolClientRequest(c) as unknown as Record<string, unknown>;
      // A callback change may move DefaultRedirectURI off the placeholder.
      if (field === 'CallbackURLs') delete rest.DefaultRedirectURI;
      return rest;
    },
  };
}

/**
 * A change to a client's callback or logout URLs through the merge-and-verify loop under the client's
 * lock: re-read, change what is there now, write every field, read back (bounded retries). Shared by
 * adding and removing URLs.
 */
export async function mergeUrlChange(
  cognito: CognitoApi,
  plan: { poolId: string; clientId: string; field: CallbackPlan['field']; planned: UserPoolClientType; change: (c: UserPoolClientType) => UserPoolClientType; check?: (c: UserPoolClientType) => void },
): Promise<UserPoolClientType> {
  const { poolId, clientId } = plan;
  const { after } = await mergeAndVerify({
    what: `app client ${clientId}`,
    operation: 'UpdateUserPoolClient',
    lockKey: resourceKey.client(poolId, clientId),
    planned: plan.planned,
    change: plan.change,
    ...(plan.check ? { check: plan.check } : {}),
    shape: clientShape(plan.field),
    read: () => cognito.describeClient(poolId, clientId, { fresh: true }),
    write: async (next) => {
      await cognito.updateClient(toUpdateUserPoolClientRequest(next));
    },
    hint: `Check the client in the Cognito console (or aws cognito-idp describe-user-pool-client --user-pool-id ${poolId} --client-id ${clientId}) and run the command again.`,
  });
  return after;
}

/** Apply a planned callback change: re-read, merge, write every field, read back (bounded retries). */
export async function applyCallback(cognito: CognitoApi, plan: CallbackPlan, progress: Progress): Promise<UserPoolClientType> {
  const { clientId } = plan;
  const after = await mergeUrlChange(cognito, plan);
  if (plan.defaultRedirectUri) progress.info(`DefaultRedirectURI was the placeholder; it is now ${plan.defaultRedirectUri.to}.`);
  const name = plan.planned.ClientName ?? clientId;
  progress.step(`Added ${plan.added.join(', ')} to the ${plan.label} of ${name}${plan.removed.length ? ` and removed ${plan.removed.join(', ')}` : ''}`);
  return after;
}
