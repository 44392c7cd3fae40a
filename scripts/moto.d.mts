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
