/**
 * How each command's module loads (src/program.ts asks for the one that runs; `completion` for all
 * of them). Apart from src/spec.ts, the table of what the program is, which src/cli.ts reads at every
 * start: the build bundles the commands with commander and the AWS SDK (scripts/build.mjs), which
 * the quick starts never load.
 */
import type { CommandFactory, CommandName } from './spec.js';

export const COMMAND_MODULES: { readonly [name in CommandName]: () => Promise<CommandFactory> } = {
  'init': async () => (await import('./commands/init/index.js')).initCommand,
  'init-pool': async () => (await import('./commands/init-pool.js')).initPoolCommand,
  'create-client': async () => (await import('./commands/create-client.js')).createClientCommand,
  'add-callback': async () => (await import('./commands/add-callback.js')).addCallbackCommand,
  'remove-callback': async () => (await import('./commands/remove-callback.js')).removeCallbackCommand,
  'authorize-client': async () => (await import('./commands/authorize-client.js')).authorizeClientCommand,
  'deauthorize-client': async () => (await import('./commands/deauthorize-client.js')).deauthorizeClientCommand,
  'delete-client': async () => (await import('./commands/delete-client.js')).deleteClientCommand,
  'teardown': async () => (await import('./commands/teardown.js')).teardownCommand,
  'rotate-secret': async () => (await import('./commands/rotate-secret.js')).rotateSecretCommand,
  'create-user': async () => (await import('./commands/create-user.js')).createUserCommand,
  'doctor': async () => (await import('./commands/doctor.js')).doctorCommand,
  'status': async () => (await import('./commands/status.js')).statusCommand,
  'facade': async () => (await import('./commands/facade/index.js')).facadeCommand,
  'completion': async () => (await import('./commands/completion.js')).completionCommand,
};
