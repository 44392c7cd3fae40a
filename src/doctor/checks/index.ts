/**
 * The configuration checks, by resource, and how they run: each in isolation (whatever one
 * throws becomes a skip with the reason), those the symptom names first, the rest concurrently.
 */
import { kit, skipReason, type CheckDef, type CheckEnv, type ClientRef } from '../kit.js';
import type { Check } from '../types.js';
import { POOL_CHECKS } from './pool.js';
import { CLIENT_CHECKS } from './clients.js';
import { GATEWAY_CHECKS } from './gateway.js';
import { TARGET_CHECKS } from './targets.js';
import { FACADE_CHECKS } from './facade.js';

export const ALL_DEFS: readonly CheckDef[] = [...POOL_CHECKS, ...CLIENT_CHECKS, ...GATEWAY_CHECKS, ...TARGET_CHECKS, ...FACADE_CHECKS];
/** Every configuration check id (tests check the catalogue refers only to existing ones). */
export const CONFIG_CHECK_IDS = ALL_DEFS.map((d) => d.id);

/** One check, isolated: whatever it throws becomes a skip with the reason. */
async function guarded(def: CheckDef, env: CheckEnv, ref: ClientRef | undefined, suffix: string): Promise<Check[]> {
  const k = kit(def.id, def.title);
  try {
    const r = await def.run(k, env, ref!);
    return (Array.isArray(r) ? r : [r]).map((c) => ({ ...c, id: c.id + suffix }));
  } catch (e) {
    return [{ ...k.skip(`Not checked: ${skipReason(e)}.`), id: def.id + suffix }];
  }
}

/** A check that is skipped before it runs (nothing to examine). */
const skipped = (def: CheckDef, reason: string): Check[] => [kit(def.id, def.title).skip(reason)];

/**
 * Run the configuration checks: those named in `first` (the symptom's) before the rest; within
 * each phase everything runs concurrently. Results come back in that order.
 */
export async function runConfigChecks(env: CheckEnv, first: readonly string[] = []): Promise<Check[]> {
  const multi = env.clients.length > 1;
  const jobs: { def: CheckDef; go: () => Promise<Check[]> }[] = [];
  for (const def of ALL_DEFS) {
    const isGateway = def.id.startsWith('gateway.') || def.id.startsWith('targets.');
    if (isGateway && !env.gatewayId) {
      jobs.push({ def, go: async () => skipped(def, 'No gateway to examine: pass --gateway-id (or let authorize-client record it in the state file).') });
      continue;
    }
    if (!isGateway && !env.poolId) {
      jobs.push({ def, go: async () => skipped(def, 'No user pool to examine: pass --pool-id.') });
      continue;
    }
    if (def.perClient) {
      if (!env.clients.length) {
        jobs.push({ def, go: async () => skipped(def, env.noClientReason ?? 'No app client to examine: pass --client-id.') });
        continue;
      }
      for (const ref of env.clients) jobs.push({ def, go: () => guarded(def, env, ref, multi ? `@${ref.clientId}` : '') });
    } else {
      jobs.push({ def, go: () => guarded(def, env, undefined, '') });
    }
  }
  const firstSet = new Set(first);
  const phase1 = jobs.filter((j) => firstSet.has(j.def.id));
  const phase2 = jobs.filter((j) => !phase1.includes(j));
  const r1 = await Promise.all(phase1.map((j) => j.go()));
  const r2 = await Promise.all(phase2.map((j) => j.go()));
  return [...r1.flat(), ...r2.flat()];
}
