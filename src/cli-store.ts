/**
 * Where the fast paths of src/cli.ts find what the build read from the commander program
 * (src/cli-model.ts describeCli): scripts/build.mjs writes it beside dist/cli.cjs, one small file per
 * question (dist/model/help/<command path>.json, completion/<shell>, parse/<command>.json), so a
 * start reads and parses only the part it needs, and loads no module for it. From the sources
 * (tests) the whole model comes from src/cli-data.ts, when a test provides it. Undefined when there
 * is no answer (an unknown path or shell, a command the parse model leaves to commander, or no
 * model at all): src/cli.ts then leaves the arguments to commander.
 */
import { readFileSync } from 'node:fs';
import type { CliModel, CommandHelpModel } from './cli-model.js';
import { CLI_MODEL } from './cli-data.js';

/** The names in a file's name: lower-case words and dashes (src/cli.ts asks only those). */
const SAFE = /^[a-z][a-z-]*$/;

function read(file: string): string | undefined {
  try {
    return readFileSync(new URL(`./model/${file}`, import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}

/** The file of each answer (relative to dist/model/), as scripts/build.mjs writes them. */
export const modelFiles = {
  help: (path: string) => `help/${path.split(' ').join('.')}.json`,
  completion: (shell: string) => `completion/${shell}`,
  parse: (command: string) => `parse/${command}.json`,
};

/** The help of a command path ('doctor', 'facade serve'). */
export function helpModel(path: string): CommandHelpModel | undefined {
  if (CLI_MODEL) return Object.hasOwn(CLI_MODEL.help, path) ? CLI_MODEL.help[path] : undefined;
  if (!path.split(' ').every((w) => SAFE.test(w))) return undefined;
  const text = read(modelFiles.help(path));
  return text === undefined ? undefined : (JSON.parse(text) as CommandHelpModel);
}

/** The script `completion <shell>` prints. */
export function completionScript(shell: string): string | undefined {
  if (CLI_MODEL) return Object.hasOwn(CLI_MODEL.completion, shell) ? CLI_MODEL.completion[shell] : undefined;
  return SAFE.test(shell) ? read(modelFiles.completion(shell)) : undefined;
}

/** The parse model src/usage.ts needs for `command`: the program's options and that command's only. */
export function parseModel(command: string): CliModel['parse'] | undefined {
  if (CLI_MODEL) return Object.hasOwn(CLI_MODEL.parse.commands, command) ? { globals: CLI_MODEL.parse.globals, commands: { [command]: CLI_MODEL.parse.commands[command]! } } : undefined;
  if (!SAFE.test(command)) return undefined;
  const text = read(modelFiles.parse(command));
  return text === undefined ? undefined : (JSON.parse(text) as CliModel['parse']);
}
