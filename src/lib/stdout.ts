function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
}

/**
 * `mcp-cognito … | head`: a reader that goes away is not an error. Once per process (tests call
 * main() many times); the handler stays for writes still in flight at exit.
 */
export function watchStdout(): void {
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
}
