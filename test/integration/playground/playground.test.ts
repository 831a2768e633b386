import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.js";
import { motoInstalled } from "../../helpers/moto.js";

/**
 * `npm run playground` as a user meets it: started as a process, its `export` lines evaluated
 * by a shell, README walkthrough commands run with the built CLI against it, then Ctrl-C.
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const suite = motoInstalled() || process.env.AWSBLOG_REQUIRE_MOTO === "1" ? describe : describe.skip;

suite("npm run playground", () => {
  let playground: ChildProcess;
  let exited: Promise<number | null>;
  let stderr = "";
  let env: Record<string, string> = {};
  // Seven CLIs start at once below: on a machine shared with other work one can take long.
  const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...env, ...extra }, cwd: env.AWSBLOG_PLAYGROUND, timeoutMs: 90_000 });

  beforeAll(async () => {
    playground = spawn(process.execPath, ["scripts/run-ts.mjs", "playground/main.ts"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    exited = new Promise((resolve) => playground.once("exit", (code) => resolve(code)));
    let stdout = "";
    playground.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // The export lines end with the alias line; the process then stays up.
    await new Promise<void>((resolve, reject) => {
      playground.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/^command -v awsblog .*$/m.test(stdout)) resolve();
      });
      void exited.then((code) => reject(new Error(`the playground exited ${code}: ${stderr}`)));
    });
    // Evaluated by a real shell, as `eval`/`.` would: the quoting must hold.
    const dump = execFileSync("sh", ["-c", `${stdout}\nenv -0`], { env: { PATH: process.env.PATH ?? "" } }).toString();
    env = Object.fromEntries(
      dump
        .split("\0")
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    );
    // The bound allows for a machine shared with other work; the playground reports its own start-up time.
  }, 180_000);

  afterAll(() => {
    if (playground.exitCode === null && playground.signalCode === null) playground.kill("SIGKILL");
  });

  it("prints loopback endpoints and the walkthroughs' variables", () => {
    for (const name of ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL_CODEPIPELINE", "AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_STS", "API_URL", "ADFS"]) {
      expect(env[name], name).toMatch(/^http:\/\/127\.0\.0\.1:\d+(\/|$)/);
    }
    expect(env).toMatchObject({ AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "testing" });
    expect(env.DLQ).toMatch(/\/thumbnailer-dlq$/);
    expect(existsSync(`${env.AWSBLOG_PLAYGROUND}/rules.yaml`)).toBe(true);
  });

  it("runs the README's walkthroughs", async () => {
    const [dlq, tags, status, cognito, saml, byToken, approvals] = await Promise.all([
      cli(["dlq", "inspect", "--queue-url", env.DLQ!, "--fail-if-any", "-o", "json"]),
      cli(["tags", "scan", "--policy", "rules.yaml", "--vpc", env.VPC_ID!, "-o", "json"]),
      cli(["pipeline", "status", "TimeService"]),
      cli(["cognito", "login", "--client-id", env.CLIENT_ID!, "--username", "ana", "--user-pool-id", env.USER_POOL_ID!], { AWSBLOG_PASSWORD: "Playground-Passw0rd!" }).then(async (login) => ({
        login,
        call: await cli(["cognito", "call", env.API_URL!, "-X", "POST", "-d", '{"hi":1}']),
      })),
      cli(["saml", "login", "--idp-url", env.ADFS!, "--username", "EXAMPLE\\jane", "--all-roles", "--write-profile", "{account}-{role}"], { AWSBLOG_PASSWORD: "demo" }),
      cli(["approve", "--token", env.TASK_TOKEN!, "--result", '{"approved":true,"by":"ana"}']),
      cli(["approval", "start", "--state-machine-arn", env.SM_ARN!, "--input", '{"employeeName":"Jim","managerEmailAddress":"ana@example.com"}']).then(async (start) => ({
        start,
        worker: await cli(["approval", "worker", "--activity-arn", env.ACTIVITY_ARN!, "--base-url", "https://approvals.example.com", "--once"]),
      })),
    ]);

    expect(dlq.code, dlq.stderr).toBe(3);
    const inspected = dlq.json<{ messages: { class: string }[] }>();
    expect(inspected.messages.map((m) => m.class).sort()).toEqual(["misconfig", "misconfig", "timeout", "timeout", "timeout", "timeout"]);

    expect(tags.code, tags.stderr).toBe(3);
    expect(tags.json<{ violations: unknown[] }>().violations).toHaveLength(3);

    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("waiting for approval: Prod/ApproveProd");

    expect(cognito.login.code, cognito.login.stderr).toBe(0);
    expect(cognito.call.code, cognito.call.stderr).toBe(0);
    expect(JSON.parse(cognito.call.stdout)).toMatchObject({ message: "Hello ana", method: "POST" });

    expect(saml.code, saml.stderr).toBe(0);
    const credentials = readFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, "utf8");
    expect(credentials).toContain("[123456789012-ADFS-Dev]");
    expect(credentials).toContain("[210987654321-ADFS-Prod]");

    expect(byToken.code, byToken.stderr).toBe(0);

    expect(approvals.start.code, approvals.start.stderr).toBe(0);
    expect(approvals.worker.code, approvals.worker.stderr).toBe(0);
    const task = JSON.parse(approvals.worker.stdout) as { taskToken: string; input: { employeeName: string } };
    expect(task.input.employeeName).toBe("Jim");
    const decided = await cli(["approve", "--token", task.taskToken]);
    expect(decided.code, decided.stderr).toBe(0);
    // A token decides once, as in AWS.
    expect((await cli(["reject", "--token", task.taskToken])).code).toBe(1);

    const approved = await cli(["approve", "--pipeline", "TimeService", "--summary", "Gamma dashboards green", "-o", "json"]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.json()).toMatchObject({ action: "approve", ok: true, pipeline: "TimeService", stage: "Prod", actionName: "ApproveProd" });
  }, 150_000);

  it("stops on Ctrl-C: exit 0, moto_server gone, its directory removed", async () => {
    const motoPid = Number(/moto_server \(pid (\d+)\)/.exec(stderr)?.[1]);
    expect(motoPid).toBeGreaterThan(0);
    playground.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(() => process.kill(motoPid, 0)).toThrow(/ESRCH/);
    expect(existsSync(env.AWSBLOG_PLAYGROUND!)).toBe(false);
    await expect(fetch(env.AWS_ENDPOINT_URL!)).rejects.toThrow();
  }, 60_000);
});
