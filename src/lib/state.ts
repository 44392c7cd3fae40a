import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { CliError } from './errors.js';
import { PRESETS, type Preset } from '../domain/presets.js';

export { PRESETS, type Preset };

const StateClient = z.object({
  clientId: z.string(),
  name: z.string(),
  preset: z.enum(PRESETS),
});
export type StateClient = z.infer<typeof StateClient>;

export const StateSchema = z.object({
  version: z.literal(1),
  region: z.optional(z.string()),
  userPoolId: z.optional(z.string()),
  domain: z.optional(z.string()),
  resourceServer: z.optional(z.object({ identifier: z.string(), scopes: z.array(z.string()) })),
  clients: z.optional(z.array(StateClient)),
  gatewayId: z.optional(z.string()),
});
export type State = z.infer<typeof StateSchema>;

/** Keys that must never be written (defence in depth: the schema already strips unknown keys). */
const SECRET_KEY = /secret|token|password/i;

/**
 * The project state file (`mcp-cognito.json`): what this project set up, so later commands
 * need no IDs. Never holds a secret; written atomically (temporary file + rename).
 */
export class StateStore {
  private data: State | undefined;
  private loaded = false;

  constructor(readonly path: string) {}

  /** The state, or an empty one when the file does not exist. A corrupt or foreign file is an error. */
  get(): State {
    if (!this.loaded) {
      this.data = readState(this.path);
      this.loaded = true;
    }
    return this.data ?? { version: 1 };
  }


  /** A state file that could not be written is found before anything changes in AWS (exit 2). */
  assertWritable(): void {
    const target = existsSync(this.path) ? this.path : dirname(this.path);
    try {
      accessSync(target, fsConstants.W_OK);
    } catch {
      throw new CliError(`The state file ${this.path} cannot be written (${target} is not writable or does not exist).`, {
        code: 'INVALID_INPUT',
        exit: 2,
        hint: 'Run from a writable directory, or point --state at a writable file.',
      });
    }
  }

  /** Merge `patch` into the state and write it. */
  update(patch: Partial<Omit<State, 'version'>>): State {
    const next: State = { ...this.get(), ...patch, version: 1 };
    writeState(this.path, next);
    this.data = next;
    return next;
  }

  /**
   * Add or replace a client entry, keyed by clientId and by name: names are unique in a pool, so
   * an entry of the same name with another ID is a client that no longer exists.
   */
  upsertClient(client: StateClient): State {
    const clients = (this.get().clients ?? []).filter((c) => c.clientId !== client.clientId && c.name !== client.name);
    clients.push(client);
    return this.update({ clients });
  }
}

function readState(path: string): State | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read the state file ${path}: ${(e as Error).message}.`, { code: 'INVALID_INPUT', exit: 2 });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`The state file ${path} is not valid JSON (${(e as Error).message}).`, {
      code: 'INVALID_INPUT',
      exit: 2,
      hint: 'Fix or remove the file, or point --state at another file.',
    });
  }
  const r = StateSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at "${issue.path.join('.')}"` : '';
    throw new CliError(`The state file ${path} is not an mcp-cognito state file (version 1): ${issue?.message ?? 'invalid'}${where}.`, {
      code: 'INVALID_INPUT',
      exit: 2,
      hint: 'Fix or remove the file, or point --state at another file.',
    });
  }
  return r.data;
}

function writeState(path: string, state: State): void {
  const parsed = StateSchema.parse(state);
  const text = JSON.stringify(parsed, null, 2) + '\n';
  if (Object.keys(parsed).some((k) => SECRET_KEY.test(k))) throw new Error('refusing to write a secret to the state file');
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw new CliError(`Cannot write the state file ${path}: ${(e as Error).message}.`, { code: 'INTERNAL', exit: 1, hint: 'What was created is in AWS; fix the file system problem and run the same command again to record it.' });
  }
}
