/**
 * The local AWS emulator (moto server), shared by the end-to-end tests (test/e2e/moto.ts), the
 * benchmarks and the sandbox: find (or install into .cache/moto) a working moto_server, start it on
 * 127.0.0.1 and a free port, wait until GET /moto-api/ answers 200, reset it, stop it with its
 * process group. Plain JavaScript so that scripts run it without a build step.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants as fsConstants, mkdirSync, rmdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 3e4;
const STOP_TIMEOUT_MS = 5e3;
const INSTALL_HINT = 'moto server is not available: install it with `pip install "moto[server]"` (Python 3.9+) so that `moto_server` is on your PATH, then run the tests again.';
const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
const venvDir = join(repoRoot, ".cache", "moto");
const venvMotoServer = join(venvDir, "bin", "moto_server");
function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
function onPath(command) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return void 0;
}
function runs(file) {
  const r = spawnSync(file, ["--help"], { stdio: "ignore", timeout: 3e4 });
  return r.status === 0;
}
function run(command, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`));
    });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function withInstallLock(fn) {
  const lock = join(repoRoot, ".cache", "moto.lock");
  mkdirSync(join(repoRoot, ".cache"), { recursive: true });
  const deadline = Date.now() + 10 * 6e4;
  for (; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10 * 6e4) rmdirSync(lock);
      } catch {
        // ignored
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another test worker to install moto (lock ${lock}).`);
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // ignored
    }
  }
}
async function install() {
  const python = onPath("python3");
  if (!python || !runs(python)) throw new Error(INSTALL_HINT);
  return withInstallLock(async () => {
    if (isExecutable(venvMotoServer) && runs(venvMotoServer)) return venvMotoServer;
    try {
      process.stderr.write(`moto_server not found: creating a Python virtual environment in ${venvDir}
`);
      await run(python, ["-m", "venv", venvDir]);
      process.stderr.write(`installing moto into it: ${join(venvDir, "bin", "pip")} install "moto[server]>=5.1"
`);
      await run(join(venvDir, "bin", "pip"), ["install", "moto[server]>=5.1"]);
    } catch (e) {
      throw new Error(`${INSTALL_HINT} (automatic install into ${venvDir} failed: ${e.message})`);
    }
    if (!isExecutable(venvMotoServer) || !runs(venvMotoServer)) throw new Error(INSTALL_HINT);
    process.stderr.write(`moto installed: ${venvMotoServer}
`);
    return venvMotoServer;
  });
}
let found;
function findMotoServer() {
  found ??= (async () => {
    const fromPath = onPath("moto_server");
    if (fromPath && runs(fromPath)) return fromPath;
    if (isExecutable(venvMotoServer) && runs(venvMotoServer)) return venvMotoServer;
    return install();
  })();
  found.catch(() => {
    found = void 0;
  });
  return found;
}
function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const { port } = server.address();
      server.close((err) => err ? reject(err) : resolvePromise(port));
    });
  });
}
const live = /* @__PURE__ */ new Set();
/** Process groups of the fork server's servers (each in a session of its own: killing the fork server's group misses them). */
const liveGroups = /* @__PURE__ */ new Set();
let exitHookInstalled = false;
function killGroup(child, signal) {
  if (child.pid === void 0) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // ignored
    }
  }
}
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
}
function tail(text, lines = 30) {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
/**
 * Whether the moto server of `port` is ready: its own "Running on" line is in `output` (another
 * worker's moto that took the port between freePort() and the bind would otherwise answer the probe
 * in its place), and GET /moto-api/ answers 200.
 */
async function answers(output, port) {
  if (!output.includes(`Running on http://${HOST}:${port}`)) return false;
  try {
    const res = await fetch(`http://${HOST}:${port}/moto-api/`, { signal: AbortSignal.timeout(2e3) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
async function startOnce(command) {
  const port = await freePort();
  const endpoint = `http://${HOST}:${port}`;
  const child = spawn(command, ["-H", HOST, "-p", String(port)], {
    cwd: repoRoot,
    detached: true,
    // own process group, so stop() can kill children too
    stdio: ["ignore", "pipe", "pipe"],
    // moto-patch/sitecustomize.py: moto parses its bundled RSA key once, not once per user pool.
    env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONPATH: [join(repoRoot, "scripts", "moto-patch"), process.env.PYTHONPATH].filter(Boolean).join(delimiter) }
  });
  live.add(child);
  installExitHook();
  let output = "";
  const collect = (chunk) => {
    output = (output + chunk.toString("utf8")).slice(-16384);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  let exitInfo = "";
  let spawnError;
  const exitPromise = new Promise((r) => {
    child.once("exit", (code, signal) => {
      exited = true;
      exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
      live.delete(child);
      r();
    });
  });
  child.once("error", (err) => {
    spawnError = err;
    exited = true;
    exitInfo = err.message;
    live.delete(child);
  });
  let stopped;
  const stop = () => {
    stopped ??= (async () => {
      if (exited) return;
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_TIMEOUT_MS);
      await exitPromise;
      clearTimeout(timer);
      killGroup(child, "SIGKILL");
    })();
    return stopped;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (; ; ) {
    if (exited) {
      await stop();
      const err = new Error(`moto_server (${command}) exited before it was ready (${exitInfo}). Its output:
${tail(output)}`);
      err.portInUse = /address already in use/i.test(output);
      if (spawnError) err.cause = spawnError;
      throw err;
    }
    if (await answers(output, port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer 200 on ${endpoint}/moto-api/ within ${READY_TIMEOUT_MS / 1e3} s. Its output:
${tail(output)}`);
    }
    await sleep(100);
  }
  return {
    endpoint,
    reset: () => resetMoto(endpoint),
    stop
  };
}
async function resetMoto(endpoint) {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST", signal: AbortSignal.timeout(1e4) });
  const body = await res.text();
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status} ${body}`);
}
async function startMoto() {
  const command = await findMotoServer();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(command);
    } catch (e) {
      if (attempt < 3 && e.portInUse) continue;
      throw e;
    }
  }
}
/**
 * A moto fork server (scripts/moto-patch/sitecustomize.py, patch 9): one Python process imports moto
 * and loads the services the suite uses once, then forks a server per start() in ~50 ms, instead of
 * each server spending ~1 s of CPU on the same imports and loads. Its servers behave as startMoto's.
 * Rejects when the fork server does not come up (a moto built differently: the patch is skipped, and
 * moto_server would serve on its default port instead), after stopping it: use startMoto then.
 */
async function startZygote() {
  const command = await findMotoServer();
  const child = spawn(command, [], {
    cwd: repoRoot,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1", MOTO_ZYGOTE: "1", PYTHONPATH: [join(repoRoot, "scripts", "moto-patch"), process.env.PYTHONPATH].filter(Boolean).join(delimiter) }
  });
  live.add(child);
  installExitHook();
  let output = "";
  const waiters = /* @__PURE__ */ new Set();
  const collect = (chunk) => {
    output = (output + chunk.toString("utf8")).slice(-65536);
    for (const w of waiters) w();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  child.stdin.on("error", () => {
  });
  let exited = false;
  const exitPromise = new Promise((r) => child.once("exit", () => {
    exited = true;
    live.delete(child);
    for (const w of waiters) w();
    r();
  }));
  child.once("error", () => {
    exited = true;
    live.delete(child);
  });
  const servers = /* @__PURE__ */ new Set();
  const killServer = (pid, signal) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // gone
    }
  };
  const stopZygote = async () => {
    for (const pid of servers) {
      killServer(pid, "SIGKILL");
      liveGroups.delete(pid);
    }
    if (!exited) {
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_TIMEOUT_MS);
      await exitPromise;
      clearTimeout(timer);
    }
  };
  /** Resolves with the match of `re` in the output, or rejects after `ms` or when the fork server exits. */
  const waitFor = (re, ms) => new Promise((resolvePromise, reject) => {
    const check = () => {
      const m = re.exec(output);
      if (m) {
        done();
        resolvePromise(m);
      } else if (exited) {
        done();
        reject(new Error(`the moto fork server exited. Its output:
${tail(output)}`));
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the moto fork server did not answer within ${ms / 1e3} s. Its output:
${tail(output)}`));
    }, ms);
    const done = () => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    waiters.add(check);
    check();
  });
  try {
    await waitFor(/^zygote ready$/m, READY_TIMEOUT_MS);
  } catch (e) {
    await stopZygote();
    throw e;
  }
  return {
    async start() {
      const port = await freePort();
      const endpoint = `http://${HOST}:${port}`;
      child.stdin.write(`serve ${port}
`);
      const pid = Number((await waitFor(new RegExp(`^forked ${port} (\\d+)$`, "m"), READY_TIMEOUT_MS))[1]);
      servers.add(pid);
      liveGroups.add(pid);
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      let stopped;
      const stop = () => {
        stopped ??= (async () => {
          killServer(pid, "SIGTERM");
          const deadline = Date.now() + STOP_TIMEOUT_MS;
          while (alive() && Date.now() < deadline) await sleep(20);
          killServer(pid, "SIGKILL");
          servers.delete(pid);
          liveGroups.delete(pid);
        })();
        return stopped;
      };
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (; ; ) {
        if (await answers(output, port)) break;
        if (!alive() || Date.now() > deadline) {
          await stop();
          throw new Error(`the moto server forked for port ${port} did not answer 200 on ${endpoint}/moto-api/. The fork server's output:
${tail(output)}`);
        }
        await sleep(50);
      }
      return { endpoint, reset: () => resetMoto(endpoint), stop };
    },
    stop: stopZygote
  };
}
export {
  findMotoServer,
  freePort,
  repoRoot,
  resetMoto,
  startMoto,
  startZygote
};
