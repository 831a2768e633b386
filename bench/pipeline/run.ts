// CodePipeline calls while `awsblog pipeline start --wait` waits, on the CodePipeline double's
// clock (the CLI's sleeps move it, so a 30-minute wait takes a second and every run is the
// same). Scenarios, each at the default --interval (5 s):
//   deploy   — 5 actions of 60 s each (a 5-minute run), the double limited to 1 request/s;
//   approval — a run waiting 30 minutes on a manual approval (--timeout 1800), 1 request/s.
// Reports CodePipeline calls per minute of waiting and ThrottlingExceptions.
//   node scripts/run-ts.mjs bench/pipeline/run.ts [path/to/dist/cli.js …]
// With several CLI builds (e.g. this one and a baseline's dist/cli.js) each is measured.
import { PassThrough, Readable } from "node:stream";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { startCodePipelineDouble } from "../../doubles/codepipeline/index.js";

const builds = process.argv.slice(2);
if (builds.length === 0) builds.push("dist/cli.js");

interface Main {
  main(argv: string[], io: unknown): Promise<number>;
}

async function measure(cliPath: string, scenario: "deploy" | "approval") {
  const { main } = (await import(pathToFileURL(resolve(cliPath)).href)) as Main;
  const double = await startCodePipelineDouble({ actionMs: 60_000, ratePerSecond: 1 });
  const deployOnly = { category: "Deploy", provider: "CloudFormation" };
  const stages =
    scenario === "deploy"
      ? ["Source", "Build", "Beta", "Gamma", "Prod"].map((name) => ({ name, actions: [{ name, ...deployOnly }] }))
      : [{ name: "QA", actions: [{ name: "SignOff", category: "Approval", provider: "Manual" }] }];
  double.addPipeline({ name: "bench", stages });
  const started = double.clock.now();
  const sink = () => Object.assign(new PassThrough().resume(), { isTTY: false });
  const code = await main(["pipeline", "start", "bench", "--wait", ...(scenario === "approval" ? ["--timeout", "1800"] : []), "-o", "json", "-q"], {
    stdout: sink(),
    stderr: sink(),
    stdin: Readable.from([""]),
    env: { AWS_ACCESS_KEY_ID: "bench", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", AWS_ENDPOINT_URL_CODEPIPELINE: double.url },
    onInterrupt: () => () => {},
    exitNow: () => {},
    now: () => new Date(double.clock.now()),
    services: { sleep: async (ms: number) => double.clock.advance(ms), random: seeded(21) },
  });
  const minutes = (double.clock.now() - started) / 60_000;
  // Requests sent while waiting: those answered plus those throttled (StartPipelineExecution excluded).
  const answered = double.received.filter((r) => r.op !== "StartPipelineExecution").length;
  const requests = answered + double.throttled;
  const result = { cli: cliPath, scenario, exit: code, minutes: Number(minutes.toFixed(2)), requests, perMinute: Number((requests / minutes).toFixed(1)), throttled: double.throttled };
  await double.stop();
  return result;
}

const rows = [];
for (const cli of builds) for (const scenario of ["deploy", "approval"] as const) rows.push(await measure(cli, scenario));
console.table(rows);

/** The same jitter every run (a small LCG). */
function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}
