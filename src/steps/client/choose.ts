/** Which app client a day-after command works on when --client-id is not given. */
import { UsageError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import type { StateClient } from '../../lib/state.js';
import { PRESET_TABLE } from '../../domain/presets.js';

/**
 * The flag's client, else the state file's copilot-studio client, else its only client. Several
 * candidates: asked on a terminal, otherwise a usage error naming them (exit 2, nothing sent).
 */
export async function chooseClient(ctx: Ctx, flag: string | undefined, command: string): Promise<{ clientId: string; recorded?: StateClient }> {
  const clients = ctx.state.get().clients ?? [];
  if (flag) {
    const clientId = ctx.clientId(flag);
    return { clientId, recorded: clients.find((c) => c.clientId === clientId) };
  }
  const preferred = clients.filter((c) => PRESET_TABLE[c.preset].addCallbackDefault);
  const candidates = preferred.length ? preferred : clients;
  if (candidates.length === 1) return { clientId: candidates[0]!.clientId, recorded: candidates[0] };
  if (candidates.length > 1 && ctx.canPrompt) {
    const clientId = await ctx.prompt.select({ message: 'Which app client?', choices: candidates.map((c) => ({ name: `${c.name} (${c.clientId}, ${c.preset})`, value: c.clientId })) });
    return { clientId, recorded: candidates.find((c) => c.clientId === clientId) };
  }
  if (candidates.length > 1) {
    throw new UsageError(`The state file lists ${candidates.length} ${preferred.length ? `${[...new Set(preferred.map((c) => c.preset))].join('/')} ` : ''}clients (${candidates.map((c) => c.clientId).join(', ')}): pass --client-id to say which one.`);
  }
  throw new UsageError(`No app client: pass --client-id, or run \`mcp-cognito create-client\` first so the state file knows it (${command}).`);
}
