export declare const repoRoot: string;
/** The path of a working `moto_server` (PATH, else .cache/moto, else installs it there). */
export declare function findMotoServer(): Promise<string>;
/** A free TCP port on 127.0.0.1. */
export declare function freePort(): Promise<number>;
export interface Moto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Drops all emulated AWS state (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills the server (and its children) and waits until it has exited. Idempotent. */
  stop(): Promise<void>;
}
/** Drops all emulated AWS state of the moto server at `endpoint` (POST /moto-api/reset). */
export declare function resetMoto(endpoint: string): Promise<void>;
/** Starts a moto server on 127.0.0.1 and a free port; resolves once GET /moto-api/ answers 200. */
export declare function startMoto(): Promise<Moto>;
/** A moto fork server: loads moto once, then starts servers that behave as startMoto's in ~50 ms each. */
export interface MotoZygote {
  /** A new moto server on 127.0.0.1 and a free port; resolves once GET /moto-api/ answers 200. */
  start(): Promise<Moto>;
  /** Kills the fork server and every server it started. */
  stop(): Promise<void>;
}
/** Starts a moto fork server (scripts/moto-patch/sitecustomize.py, patch 9); rejects (having stopped it) when it does not come up. */
export declare function startZygote(): Promise<MotoZygote>;
