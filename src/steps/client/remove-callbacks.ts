/**
 * Removing callback (or logout) URLs from an app client: plan from the described client, apply
 * through the merge-and-verify loop. Every other field is written back as read (src/aws/rmw.ts);
 * a code-flow client is never left without a callback URL, and DefaultRedirectURI never points
 * at a removed URL.
 */
import { RefusedError } from '../../lib/errors.js';
import { awsCliCommand, listDiff, type PlanStep } from '../../lib/plan.js';
import { toUpdateUserPoolClientRequest, type UserPoolClientType } from '../../aws/rmw.js';
import type { CognitoApi } from '../../aws/cognito.js';
import { mergeUrlChange } from './add-callbacks.js';
import type { Progress } from '../progress.js';

export interface RemoveCallbackInput {
  urls: string[];
  /** Remove from LogoutURLs instead of CallbackURLs. */
  logout: boolean;
}

type UrlField = 'CallbackURLs' | 'LogoutURLs';

export interface RemoveCallbackPlan {
  poolId: string;
  clientId: string;
  field: UrlField;
  label: 'callback URLs' | 'logout URLs';
  before: string[];
  removed: string[];
  /** URLs given that are not registered (nothing to do for them). */
  notRegistered: string[];
  after: string[];
  /** Set when DefaultRedirectURI pointed at a removed URL. */
  defaultRedirectUri?: { from: string; to?: string };
  /** The update to approve; undefined when none of the URLs is registered. */
  step?: PlanStep;
  change: (current: UserPoolClientType) => UserPoolClientType;
  /** Throws when the change would leave a code-flow client without a callback URL (checked on every fresh read). */
  check: (current: UserPoolClientType) => void;
  planned: UserPoolClientType;
}

/** Flows that redirect the browser, so need at least one callback URL. */
const REDIRECT_FLOWS = ['code', 'implicit'];

export function needsCallback(c: UserPoolClientType): boolean {
  return Boolean(c.AllowedOAuthFlowsUserPoolClient) && (c.AllowedOAuthFlows ?? []).some((f) => REDIRECT_FLOWS.includes(f));
}

/** Plan removing `input.urls` from a described client. Throws RefusedError (exit 1, nothing sent) when a code-flow client would have no callback URL left. */
export function planRemoveCallback(described: UserPoolClientType, input: RemoveCallbackInput, region: string): RemoveCallbackPlan {
  const field: UrlField = input.logout ? 'LogoutURLs' : 'CallbackURLs';
  const label = input.logout ? 'logout URLs' : 'callback URLs';
  const before = described[field] ?? [];
  const removed = input.urls.filter((u) => before.includes(u));
  const notRegistered = input.urls.filter((u) => !before.includes(u));
  const after = before.filter((u) => !removed.includes(u));
  const name = described.ClientName ? `${described.ClientName} (${described.ClientId})` : described.ClientId!;

  const check = (c: UserPoolClientType) => {
    if (input.logout || !needsCallback(c)) return;
    const left = (c.CallbackURLs ?? []).filter((u) => !input.urls.includes(u));
    if (left.length === 0) {
      throw new RefusedError(
        `App client ${name} uses the ${(c.AllowedOAuthFlows ?? []).filter((f) => REDIRECT_FLOWS.includes(f)).join(' and ')} flow, which needs a callback URL: removing ${removed.length > 1 ? 'these URLs' : (removed[0] ?? 'it')} would leave none. Nothing was changed.`,
        'Register the new redirect URL first (mcp-cognito add-callback <url>), then remove the old one; or delete the client if nobody uses it.',
      );
    }
  };
  // DefaultRedirectURI must be one of the callback URLs: a removed one gives way to the first URL left.
  const change = (c: UserPoolClientType): UserPoolClientType => {
    const list = (c[field] ?? []).filter((u) => !input.urls.includes(u));
    const next: UserPoolClientType = { ...c, [field]: list };
    if (!input.logout && c.DefaultRedirectURI && input.urls.includes(c.DefaultRedirectURI)) {
      if (list[0]) next.DefaultRedirectURI = list[0];
      else delete next.DefaultRedirectURI;
    }
    return next;
  };
  const plan: RemoveCallbackPlan = { poolId: described.UserPoolId!, clientId: described.ClientId!, field, label, before, removed, notRegistered, after, change, check, planned: described };
  if (removed.length === 0) return plan;
  check(described);
  const next = change(described);
  const diff = listDiff(before, after);
  if (next.DefaultRedirectURI !== described.DefaultRedirectURI && described.DefaultRedirectURI) {
    plan.defaultRedirectUri = { from: described.DefaultRedirectURI, ...(next.DefaultRedirectURI ? { to: next.DefaultRedirectURI } : {}) };
    diff.push(`~ DefaultRedirectURI: ${described.DefaultRedirectURI} → ${next.DefaultRedirectURI ?? '(none)'}`);
  }
  plan.step = {
    action: 'update',
    resource: `${label} of app client ${name}`,
    diff,
    awsCli: awsCliCommand('cognito-idp', 'UpdateUserPoolClient', { ...toUpdateUserPoolClientRequest(next) }, region),
  };
  return plan;
}

/** Apply a planned removal: re-read, check, remove, write every field, read back (bounded retries). */
export async function applyRemoveCallback(cognito: CognitoApi, plan: RemoveCallbackPlan, progress: Progress): Promise<UserPoolClientType> {
  const { clientId } = plan;
  const after = await mergeUrlChange(cognito, plan);
  if (plan.defaultRedirectUri) progress.info(`DefaultRedirectURI was ${plan.defaultRedirectUri.from}; it is now ${plan.defaultRedirectUri.to ?? 'unset'}.`);
  progress.step(`Removed ${plan.removed.join(', ')} from the ${plan.label} of ${plan.planned.ClientName ?? clientId}`);
  return after;
}
