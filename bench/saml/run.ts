// SAML credential_process benchmark (#20). Run from the repo root after `npm run build`:
//   node scripts/run-ts.mjs bench/saml/run.ts [hyperfine-runs=60] [--instructions]
// Starts the AD FS-like IdP double and the STS double on loopback, then:
//  1. 50 sequential `awsblog saml login … --credential-process` calls within one credentials
//     lifetime: counts IdP sign-ins (password POSTs) and STS AssumeRoleWithSAML calls;
//  2. wall time of one cached call vs `node -e 0` with hyperfine (interleaved is not possible
//     with hyperfine; it runs each command's runs back to back after warm-up);
//  3. 20 concurrent calls on an empty cache: counts sign-ins and STS calls;
//  --instructions: also instructions of a cached call vs `node -e 0` under valgrind's callgrind
//     (independent of the machine's load; slow).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestIdp } from "../../doubles/saml/idp.js";
import { makeSigningKey, PROVIDER_ARN, roleArn } from "../../doubles/saml/signer.js";
import { startStsDouble } from "../../doubles/saml/sts.js";

const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 60);
const countInstructions = process.argv.includes("--instructions");
const key = makeSigningKey();
const PASSWORD = "bench-Pa55";
const now = () => new Date();
const idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": PASSWORD }, roles: [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`], now });
const sts = await startStsDouble({ providers: { [PROVIDER_ARN]: key.publicKey }, roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN] } }, now });
const dir = mkdtempSync(join(tmpdir(), "awsblog-bench-saml-"));
const node = process.execPath;
const argv = ["bin/awsblog.js", "--endpoint-url", sts.url, "saml", "login", "--idp-url", idp.adfsUrl, "--username", "EXAMPLE\\jane", "--role", "ADFS-Dev", "--credential-process"];
const envFor = (config: string) => ({ PATH: process.env.PATH, HOME: dir, AWSBLOG_CONFIG_DIR: config, AWSBLOG_PASSWORD: PASSWORD, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" });
const signIns = () => idp.requests.filter((r) => r.method === "POST").length;
/** Async on purpose: the doubles answer from this process's event loop (spawnSync would block them). */
function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const reset = () => {
  idp.requests.length = 0;
  sts.requests.length = 0;
};

try {
  // 1. 50 sequential calls.
  const sequential = join(dir, "seq");
  reset();
  const documents = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const run = await exec(node, argv, envFor(sequential));
    if (run.status !== 0) throw new Error(`call ${i} exited ${run.status}: ${run.stderr}`);
    documents.add(run.stdout);
  }
  console.log(`50 sequential credential_process calls: ${signIns()} IdP sign-in(s), ${sts.requests.length} AssumeRoleWithSAML call(s), ${documents.size} distinct document(s)`);

  // 2. wall time, cached call vs node -e 0.
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const json = join(dir, "hyperfine.json");
  const hf = await exec("hyperfine", ["-N", "--warmup", "10", "--runs", String(runs), "--export-json", json, `${node} -e 0`, [node, ...argv].map(quote).join(" ")], envFor(sequential));
  if (hf.status !== 0) throw new Error(`hyperfine exited ${hf.status}: ${hf.stderr}`);
  const results = (JSON.parse(readFileSync(json, "utf8")) as { results: { median: number; mean: number; min: number }[] }).results;
  const [floor, cached] = results as [{ median: number; mean: number; min: number }, { median: number; mean: number; min: number }];
  console.log(`\nwall time (hyperfine -N, ${runs} runs each, node ${process.version}); ${sts.requests.length} STS call(s) so far`);
  console.log("| command | median ms | min ms | ratio vs node -e 0 (medians) |");
  console.log("|---|---|---|---|");
  console.log(`| \`node -e 0\` | ${(floor.median * 1000).toFixed(1)} | ${(floor.min * 1000).toFixed(1)} | 1.00× |`);
  console.log(`| cached \`saml login --credential-process\` | ${(cached.median * 1000).toFixed(1)} | ${(cached.min * 1000).toFixed(1)} | ${(cached.median / floor.median).toFixed(2)}× |`);

  if (countInstructions) {
    const count = async (args: string[]) => {
      const run = await exec("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", ...args], envFor(sequential));
      const match = /Collected : (\d+)/.exec(run.stderr);
      if (!match) throw new Error(`callgrind gave no count: ${run.stderr.slice(-500)}`);
      return Number(match[1]);
    };
    const base = await count([node, "-e", "0"]);
    const call = await count([node, ...argv]);
    console.log(`\n| command | instructions (callgrind) | ratio vs node -e 0 |`);
    console.log("|---|---|---|");
    console.log(`| \`node -e 0\` | ${(base / 1e6).toFixed(0)} M | 1.00× |`);
    console.log(`| cached \`saml login --credential-process\` | ${(call / 1e6).toFixed(0)} M | ${(call / base).toFixed(2)}× |`);
  }

  // 3. 20 concurrent calls on an empty cache.
  const concurrent = join(dir, "concurrent");
  reset();
  const codes = await Promise.all(
    Array.from(
      { length: 20 },
      () =>
        new Promise<number | null>((resolve) => {
          const child = spawn(node, argv, { env: envFor(concurrent), stdio: "ignore" });
          child.on("close", resolve);
        }),
    ),
  );
  console.log(`\n20 concurrent credential_process calls, empty cache: ${signIns()} IdP sign-in(s), ${sts.requests.length} AssumeRoleWithSAML call(s), exit codes ${[...new Set(codes)].join(",")}`);
} finally {
  await idp.stop();
  await sts.stop();
  rmSync(dir, { recursive: true, force: true });
}
