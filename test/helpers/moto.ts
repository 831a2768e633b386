import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe } from "vitest";
import { MOTO_BIN, startMoto, type Moto } from "../../doubles/moto-server.js";

export { freePort, motoClientConfig, startMoto, type Moto } from "../../doubles/moto-server.js";

export function motoInstalled(): boolean {
  return spawnSync(MOTO_BIN, ["--help"], { stdio: "ignore" }).status === 0;
}

const required = process.env.AWSBLOG_REQUIRE_MOTO === "1";
const available = motoInstalled();
if (!available && !required) {
  console.warn(
    `[awsblog tests] moto_server not found: integration tests are SKIPPED. Install moto (pip install "moto[server]") or set AWSBLOG_REQUIRE_MOTO=1 to make this a failure.`,
  );
}

/**
 * describe() for suites that need moto: skipped with a clear message when moto_server is
 * missing, a hard failure when AWSBLOG_REQUIRE_MOTO=1 (CI sets it).
 */
export function describeWithMoto(name: string, body: (moto: () => Moto) => void): void {
  if (!available && !required) {
    describe.skip(`${name} (skipped: moto_server not installed)`, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let moto: Moto | undefined;
    beforeAll(async () => {
      if (!available) throw new Error("AWSBLOG_REQUIRE_MOTO=1 but moto_server is not installed");
      moto = await workerMoto();
      await moto.reset(); // nothing left over from the worker's previous file
    }, 60_000);
    afterAll(async () => {
      // Free the state this file made; the server stays up for the worker's next file.
      await moto?.reset();
    });
    body(() => {
      if (!moto) throw new Error("moto_server did not start");
      return moto;
    });
  });
}

/**
 * One moto_server per test worker, started on first use on a free loopback port and shared by
 * the files that worker runs (one file at a time). Each file starts from an empty server:
 * `describeWithMoto` resets it before the file's first test, and a test that needs a clean
 * slate mid-file calls `moto().reset()` (Step Functions tests do, before every execution).
 * Starting moto costs about a second of CPU (seconds of wall on a loaded machine) plus its
 * first use of each service; a reset costs milliseconds.
 */
let shared: Promise<Moto> | undefined;

/** This worker's moto_server, started on the first call. */
export function workerMoto(): Promise<Moto> {
  shared ??= startMoto().catch((error: unknown) => {
    shared = undefined; // let the next file try again and report its own failure
    throw error;
  });
  return shared;
}
