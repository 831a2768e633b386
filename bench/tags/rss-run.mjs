// Peak RSS of `awsblog tags scan --accounts … --regions … -o json` against the number of
// findings, with an in-process fake EC2 (no moto: 100,000 instances in moto would take hours).
// Every target (account × region) holds PER_TARGET instances, all missing ProjectCode and
// CreatedBy, so findings = targets × PER_TARGET. The command runs exactly as the CLI does
// (src/cli.ts main, real argument parsing, org runner, output layer); only the AWS APIs are
// fakes: GetCallerIdentity/AssumeRole answer at once, DescribeInstances yields the target's
// instances in pages of 1,000 built on the fly. stdout goes to /dev/null with synchronous
// writes (as a file or pipe is on Linux). Prints one JSON line: findings, bytes written, maxRSS.
//   node scripts/run-ts.mjs bench/tags/rss.ts <accounts> <regions> [perTarget=100] [extra CLI args…]
import { openSync, writeSync } from "node:fs";
import { main } from "../../src/cli.js";

const accounts = Number(process.argv[2] ?? 100);
const regionCount = Number(process.argv[3] ?? 1);
const perTarget = Number(process.argv[4] ?? 100);
const extra = process.argv.slice(5);
const REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "ap-northeast-1"].slice(0, regionCount);
const ids = Array.from({ length: accounts }, (_, i) => String(200000000000 + i));
const CALLER = "123456789012";

const devNull = openSync("/dev/null", "w");
let bytes = 0;
const stdout = { write: (chunk: string) => ((bytes += Buffer.byteLength(chunk)), writeSync(devNull, chunk), true), isTTY: false };
const stderr = { write: () => true, isTTY: false };

const sts = {
  callerIdentity: async () => ({ account: CALLER, arn: `arn:aws:iam::${CALLER}:user/bench` }),
  region: async () => "us-east-1",
  assumeRole: async () => ({ accessKeyId: "AK", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3_600_000) }),
};

function ec2For(accountId: string, region: string) {
  return {
    async *describeInstances() {
      for (let start = 0; start < perTarget; start += 1000) {
        const page = [];
        for (let i = start; i < Math.min(perTarget, start + 1000); i++) {
          page.push({ instanceId: `i-${accountId.slice(-6)}${region.length}${String(i).padStart(8, "0")}`, vpcId: "vpc-0abc1234", state: "running", tags: { Name: `web-${i}`, Team: "data" } });
        }
        yield page;
      }
    },
  };
}

const code = await main(["tags", "scan", "--policy", "test/fixtures/tags/rules.yaml", "--accounts", ids.join(","), "--regions", REGIONS.join(","), "-o", "json", ...extra], {
  stdout,
  stderr,
  stdin: process.stdin,
  env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" },
  onInterrupt: () => () => {},
  exitNow: () => {},
  services: {
    callerSts: async () => sts,
    // Each target's own fake EC2; the run's clock, sleep and buckets are the real ones.
    forTarget: ((target: { accountId: string; region: string }) => ({ ec2: async () => ec2For(target.accountId, target.region) })) as never,
  },
});
console.log(JSON.stringify({ code, targets: accounts * REGIONS.length, findings: accounts * REGIONS.length * perTarget, bytes, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
