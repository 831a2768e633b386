import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeSource, FunctionSettings, FunctionState, LambdaDeployApi } from "../../../src/lib/aws/lambda-deploy.js";
import { AwsError } from "../../../src/lib/errors.js";
import type { DeployResult } from "../../../src/lib/package/deploy-settings.js";
import { planPackage } from "../../../src/lib/package/layout.js";
import { writeZip } from "../../../src/lib/package/zip-writer.js";
import { awsblog } from "../../helpers/in-process.js";
import { tempDir } from "../package/helpers.js";

/** `awsblog deploy` in-process against an in-memory Lambda: create vs update, waits, refusals. */
let dir: string;
let cleanup: () => void;
let goZip: string;
let armZip: string;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  copyFileSync("/bin/true", join(dir, "app"));
  chmodSync(join(dir, "app"), 0o755);
  goZip = join(dir, "go.zip");
  const plan = await planPackage({ language: "go", entry: "app", includes: [], out: goZip, cwd: dir, name: "api" });
  await writeZip(plan.entries, [], goZip);
  // Only the ELF header matters to packaging: an arm64 "binary" for the architecture tests.
  const arm = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]).copy(arm);
  arm.writeUInt16LE(0xb7, 18);
  writeFileSync(join(dir, "app-arm"), arm);
  armZip = join(dir, "arm.zip");
  const armPlan = await planPackage({ language: "go", entry: "app-arm", includes: [], out: armZip, cwd: dir, name: "api" });
  await writeZip(armPlan.entries, [], armZip);
});
afterAll(() => cleanup());

/** A function that reports `busyPolls` InProgress/Pending states after each change. */
function fakeLambda(initial?: Partial<FunctionState>, busyPolls = 2) {
  const calls: string[] = [];
  let fn: FunctionState | undefined = initial ? { functionName: "f", functionArn: "arn:aws:lambda:us-east-1:123456789012:function:f", ...initial } : undefined;
  let busy = 0;
  const change = (patch: Partial<FunctionState>) => {
    fn = { ...(fn as FunctionState), ...patch };
    busy = busyPolls;
    return fn;
  };
  const api: LambdaDeployApi = {
    async getFunction() {
      calls.push("get");
      if (!fn) return undefined;
      if (busy > 0) {
        busy--;
        return { ...fn, state: fn.state === "Pending" ? "Pending" : "Active", lastUpdateStatus: "InProgress" };
      }
      return { ...fn, state: "Active", lastUpdateStatus: "Successful" };
    },
    async createFunction(name, zip, settings) {
      calls.push(`create ${JSON.stringify(settings)}`);
      fn = { functionName: name, functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` };
      return change({ ...settings, state: "Pending", codeSha256: sha(zip) });
    },
    async updateCode(_name, zip, architecture) {
      calls.push(architecture ? `updateCode ${architecture}` : "updateCode");
      return change({ codeSha256: sha(zip), ...(architecture ? { architecture } : {}) });
    },
    async getCode() {
      calls.push("getCode");
      return fn ? { ...fn, codeLocation: "https://example.invalid/code.zip" } : undefined;
    },
    async updateConfiguration(_name, settings: FunctionSettings) {
      calls.push(`updateConfiguration ${JSON.stringify(settings)}`);
      return change(settings as Partial<FunctionState>);
    },
    async latestLayerVersion() {
      throw new Error("these tests deploy without --layer");
    },
    async publishLayerVersion() {
      throw new Error("these tests deploy without --layer");
    },
  };
  return { api, calls, state: () => fn };
}

const sha = (data: CodeSource) => (data instanceof Uint8Array ? createHash("sha256").update(data).digest("base64") : "s3");
const noSleep = async () => {};
/** The commands' clock: Node.js 20 is past its update block, Node.js 24 is the newest runtime. */
const TODAY = new Date("2026-12-06T09:00:00Z");
/** Runs `awsblog deploy --zip go.zip --function-name f <args> -o json` against `lambda`. */
async function run(args: string[], lambda: LambdaDeployApi, now = TODAY) {
  const flags = [...(args.includes("--zip") ? [] : ["--zip", goZip]), ...(args.includes("--function-name") ? [] : ["--function-name", "f"])];
  const result = await awsblog(["deploy", ...flags, ...args, "-o", "json"], { services: { lambdaDeploy: async () => lambda, sleep: noSleep }, now: () => now });
  return { ...result, data: result.code === 0 ? result.json<DeployResult>() : undefined };
}
const failed = (code: number, message: RegExp | string) => expect.objectContaining({ code, stderr: expect.stringMatching(message) });

describe("deploy", () => {
  it("creates a missing function with the wrapper's handler and waits until it is Active", async () => {
    const fake = fakeLambda(undefined);
    const result = await run(["--role", "arn:aws:iam::123456789012:role/r", "--memory", "256"], fake.api);
    expect(fake.calls[1]).toBe(`create ${JSON.stringify({ runtime: "nodejs24.x", handler: "api.handler", role: "arn:aws:iam::123456789012:role/r", memorySize: 256, architecture: "x86_64" })}`);
    expect(fake.calls.filter((c) => c === "get")).toHaveLength(4); // existence check, 2 busy polls, settled
    expect(result.data).toMatchObject({ action: "created", codeSha256: sha(readFileSync(goZip)), state: "Active", lastUpdateStatus: "Successful" });
  });

  it("creates on the newest Node.js runtime of the command's day", async () => {
    const role = ["--role", "arn:aws:iam::123456789012:role/r"];
    const before = fakeLambda(undefined);
    await run(role, before.api, new Date("2025-06-01T00:00:00Z"));
    expect(before.calls[1]).toContain('"runtime":"nodejs22.x"');
    const today = fakeLambda(undefined);
    expect((await run(role, today.api)).data).toMatchObject({ runtime: "nodejs24.x" });
  });

  it("refuses to create on a runtime Lambda blocks, naming the one to pass (exit 2, no AWS call)", async () => {
    const fake = fakeLambda(undefined);
    const result = await run(["--role", "arn:aws:iam::123456789012:role/r", "--runtime", "nodejs20.x"], fake.api);
    expect(result).toEqual(failed(2, /^awsblog: --runtime nodejs20\.x: Lambda blocks creating functions on nodejs20\.x since 2026-08-31 .* — pass --runtime nodejs24\.x/m));
    expect(fake.calls).toEqual([]);
    // Before the block it is only a warning.
    const early = fakeLambda(undefined);
    const warned = await run(["--role", "arn:aws:iam::123456789012:role/r", "--runtime", "nodejs20.x"], early.api, new Date("2026-06-01T00:00:00Z"));
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/warning: --runtime nodejs20\.x: nodejs20\.x is deprecated since 2026-04-30/);
  });

  it("warns about an existing function on a deprecated runtime and still deploys", async () => {
    const fake = fakeLambda({ runtime: "nodejs20.x", handler: "api.handler" });
    const result = await run([], fake.api, new Date("2026-09-15T00:00:00Z"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: function f runs nodejs20\.x: nodejs20\.x is deprecated since 2026-04-30 .*updates are blocked from 2026-09-30 — pass --runtime nodejs24\.x/);
    expect(fake.calls.filter((c) => c !== "get")).toEqual(["updateCode"]);
  });

  it("refuses to update a function whose runtime Lambda no longer updates; --runtime moves it first", async () => {
    const fake = fakeLambda({ runtime: "nodejs20.x", handler: "api.handler" });
    expect(await run([], fake.api)).toEqual(failed(2, /function f runs nodejs20\.x: Lambda blocks updating functions on nodejs20\.x since 2026-09-30.* — pass --runtime nodejs24\.x/));
    expect(fake.calls).toEqual(["get"]);
    const moved = await run(["--runtime", "nodejs24.x"], fake.api);
    expect(moved.code, moved.stderr).toBe(0);
    expect(fake.calls.filter((c) => c !== "get")).toEqual([`updateConfiguration ${JSON.stringify({ runtime: "nodejs24.x" })}`, "updateCode"]);
    expect(moved.data).toMatchObject({ runtime: "nodejs24.x", configurationChanged: ["runtime"] });
  });

  it("refuses to create without --role, before any change (exit 2)", async () => {
    const fake = fakeLambda(undefined);
    expect(await run([], fake.api)).toEqual(failed(2, "--role was not given"));
    expect(fake.calls).toEqual(["get"]);
  });

  it("updates code, then only the settings that differ, waiting after each", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "old.handler", memorySize: 128, timeout: 3 });
    const result = await run(["--memory", "128", "--timeout", "10"], fake.api);
    expect(fake.calls.filter((c) => c !== "get")).toEqual(["updateCode", `updateConfiguration ${JSON.stringify({ handler: "api.handler", timeout: 10 })}`]);
    expect(result.data).toMatchObject({ action: "updated", configurationChanged: ["handler", "timeout"], handler: "api.handler" });
  });

  it("skips the configuration update when nothing differs", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler" });
    const result = await run(["--runtime", "nodejs24.x"], fake.api);
    expect(fake.calls.filter((c) => c !== "get")).toEqual(["updateCode"]);
    expect(result.data?.configurationChanged).toEqual([]);
  });

  it("switches the architecture with the code when the binary is built for the other one", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler", architecture: "x86_64" });
    const result = await run(["--zip", armZip], fake.api);
    expect(fake.calls.filter((c) => c !== "get")).toEqual(["updateCode arm64"]);
    expect(result.data).toMatchObject({ architecture: "arm64", configurationChanged: ["architecture"] });
    const same = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler", architecture: "x86_64" });
    await run([], same.api);
    expect(same.calls.filter((c) => c !== "get")).toEqual(["updateCode"]);
  });

  it("waits and retries when another update holds the function (ResourceConflictException)", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler" }, 0);
    const updateCode = fake.api.updateCode;
    let conflicts = 1;
    fake.api.updateCode = async (...args) => {
      if (conflicts-- > 0) throw new AwsError("Lambda", "UpdateFunctionCode", "ResourceConflictException", "An update is in progress");
      return updateCode(...args);
    };
    const result = await run([], fake.api);
    expect(result.data?.action).toBe("updated");
    expect(fake.calls.filter((c) => c !== "get")).toEqual(["updateCode"]);
  });

  it("fails with Lambda's reason when the update fails", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler" }, 0);
    fake.api.getFunction = async () => ({ ...(fake.state() as FunctionState), lastUpdateStatus: "Failed", lastUpdateStatusReason: "Code storage limit exceeded" });
    expect(await run([], fake.api)).toEqual(failed(1, "Code storage limit exceeded"));
  });

  it.each([
    ["a non-Node.js function", { runtime: "python3.12", handler: "api.handler" }, /runs python3\.12/],
    ["a container image function", { packageType: "Image" }, /container image/],
  ])("refuses %s (exit 2, nothing changed)", async (_label, state, message) => {
    const fake = fakeLambda(state);
    expect(await run([], fake.api)).toEqual(failed(2, message));
    expect(fake.calls).toEqual(["get"]);
  });

  it("refuses a zip whose handler file is missing unless --no-verify", async () => {
    const fake = fakeLambda({ runtime: "nodejs24.x", handler: "api.handler" });
    expect(await run(["--handler", "main.handler"], fake.api)).toEqual(failed(2, "needs main.js"));
    expect(fake.calls).toEqual(["get"]);
    expect((await run(["--handler", "main.handler", "--no-verify"], fake.api)).code).toBe(0);
    expect(fake.calls).toContain("updateCode");
  });

  it.each([
    [["--role", "not-an-arn"], /--role/],
    [["--function-name", "bad name"], /--function-name/],
    [["--runtime", "python3.12"], /--runtime python3\.12: awsblog deploys the Node\.js wrapper or a provided\.al2023 bootstrap/],
    [["--zip", join("/nonexistent", "x.zip")], /not found/],
    [["--memory", "64"], /--memory/],
  ])("checks flags before calling AWS: %o", async (args, message) => {
    const fake = fakeLambda(undefined);
    const result = await run(args, fake.api);
    expect(result).toEqual(failed(2, message));
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(fake.calls).toEqual([]);
  });
});
