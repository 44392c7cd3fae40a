import { fstatSync, writeSync } from 'node:fs';

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

/** What src/lib/output.ts writes to: process.stdout, process.stderr, a test's stream, or a directStream. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * A stand-in for process.stdout (fd 1) or process.stderr (fd 2) on a pipe, a socket or a file:
 * building process.stdout or process.stderr there costs as much as a sixth of a bare Node start (a
 * net.Socket and the modules behind it), which the quick paths (src/cli.ts) cannot afford. It
 * writes straight to the file descriptor, synchronously, as Node writes to pipes and files on Linux
 * anyway; whatever a write does not take (a full non-blocking pipe, an error such as EPIPE) goes to
 * the process's own stream, which handles it as always, and so does every later write (in order).
 * Undefined on a terminal or another character device (a terminal needs its width and colours) and
 * on Windows: use the process's stream.
 */
export function directStream(fd: 1 | 2): OutStream | undefined {
  if (process.platform === 'win32') return undefined;
  try {
    if (fstatSync(fd).isCharacterDevice()) return undefined;
  } catch {
    return undefined;
  }
  let fallback: NodeJS.WritableStream | undefined;
  const write = (chunk: string | Uint8Array): boolean => {
    if (fallback) return fallback.write(chunk);
    let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    try {
      while (rest.length) rest = rest.subarray(writeSync(fd, rest));
      return true;
    } catch {
      // rest is what was not written.
    }
    if (fd === 1) watchStdout();
    fallback = fd === 1 ? process.stdout : process.stderr;
    return fallback.write(rest);
  };
  return { isTTY: false, write } as unknown as OutStream;
}
