/**
 * What the state file says belongs to the OAuth façade: its app client (the client of the façade
 * preset, or, in a state file from before the façade had its own, the client a deployed façade
 * stands for) and the callback URLs it registered (deploy's <url>/callback, serve's loopback
 * ones). Read by every command that could take them away, and by doctor and status. No AWS call.
 */
import { RefusedError } from '../../lib/errors.js';
import type { State } from '../../lib/state.js';
import { isFacadePreset } from '../../domain/presets.js';

/** The flag that lets delete-client, deauthorize-client and remove-callback go ahead on the façade's client. */
export const FORCE_FLAG = '--force';
export const FACADE_REMOVE = 'mcp-cognito facade remove';

/** The façade's own client (the state's client of the façade preset). */
export function ownFacadeClient(state: State): { clientId: string; name: string } | undefined {
  const c = (state.clients ?? []).find((x) => isFacadePreset(x.preset));
  return c ? { clientId: c.clientId, name: c.name } : undefined;
}

/** The clients a façade signs people in with now: the one a deployed façade or `facade serve` records. */
export function facadeClientIds(state: State): string[] {
  return [...new Set([state.facade?.clientId, state.facadeServe?.clientId].filter((x): x is string => Boolean(x)))];
}

/** The callback URLs the façade registered on `clientId`, as the state file records them. */
export function facadeCallbacksOn(state: State, clientId: string): string[] {
  const out: string[] = [];
  if (state.facade?.clientId === clientId && state.facade.url && state.facade.callbackAdded) out.push(`${state.facade.url.replace(/\/+$/, '')}/callback`);
  if (state.facadeServe?.clientId === clientId) out.push(...state.facadeServe.callbacks);
  return [...new Set(out)];
}

/**
 * Refuse (before any AWS call) to take the façade's client away without `--force`: one sentence
 * naming `mcp-cognito facade remove`.
 */
export function refuseFacadeClient(state: State, clientIds: readonly string[], doing: string, force: boolean): void {
  if (force) return;
  const hit = clientIds.find((id) => facadeClientIds(state).includes(id));
  if (!hit) return;
  throw new RefusedError(
    `App client ${hit} is the OAuth façade's client, and ${doing} would break the façade: remove the façade first with \`${FACADE_REMOVE}\`, or pass ${FORCE_FLAG} to go ahead anyway.`,
  );
}

/** remove-callback: refuse removing the façade's recorded callbacks without --force. */
export function refuseFacadeCallbacks(state: State, clientId: string, urls: readonly string[], force: boolean): void {
  if (force) return;
  const recorded = facadeCallbacksOn(state, clientId);
  const hit = urls.find((u) => recorded.includes(u));
  if (!hit) return;
  throw new RefusedError(
    `${hit} belongs to the OAuth façade (app client ${clientId}), and removing it would break sign-in through the façade: remove the façade with \`${FACADE_REMOVE}\`, or pass ${FORCE_FLAG} to go ahead anyway.`,
  );
}
