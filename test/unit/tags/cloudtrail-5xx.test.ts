import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCloudTrailApi } from "../../../src/lib/aws/cloudtrail.js";
import type { Ec2Api } from "../../../src/lib/aws/ec2.js";
import { createAwsClientFactory } from "../../../src/lib/aws/factory.js";
import { AwsError, formatError } from "../../../src/lib/errors.js";
import { awsblog } from "../../helpers/in-process.js";

/** An outage page in front of CloudTrail: HTTP 503 with an HTML body, as a load balancer or proxy answers. */
describe("CloudTrail answering a non-JSON 5xx body", () => {
  let server: Server;
  let url = "";
  let requests = 0;
  const saved = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" });
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(503, { "content-type": "text/html" });
      res.end("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  const api = () => createCloudTrailApi(createAwsClientFactory({ region: "us-east-1", endpointUrl: url, maxAttempts: 2, userAgent: { name: "awsblog", version: "test" } }));

  it("is an AwsError naming the HTTP status, not a SyntaxError from the JSON parser", async () => {
    const error = await (await api()).lookupRunInstances({ start: new Date(0), end: new Date() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe("HTTP 503");
    const line = formatError(error);
    expect(line).toBe("awsblog: CloudTrail LookupEvents failed: HTTP 503 (the endpoint answered with a body that is not an AWS response) — the endpoint or a proxy in front of it failed; check --endpoint-url, then retry");
    expect(line).not.toMatch(/SyntaxError|Unexpected token/);
    expect(requests).toBe(2); // retried like any 5xx
  });

  it("tags enforce carries on, leaves CreatedBy for the next run and warns with that line", async () => {
    const cloudtrail = await api();
    const tagged: string[] = [];
    const ec2: Ec2Api = {
      async *describeInstances() {
        yield [{ instanceId: "i-1", state: "running", tags: { Name: "a" }, launchTime: new Date("2026-11-25T11:00:00Z") }];
      },
      createTags: async (ids, key, value) => void tagged.push(`${key}=${value}`),
      stopInstances: async () => {},
      terminateInstances: async () => {},
    };
    const run = await awsblog(["tags", "enforce", "--policy", "test/fixtures/tags/rules.yaml"], {
      now: () => new Date("2026-11-25T12:00:00Z"),
      services: { ec2: async () => ec2, cloudtrail: async () => cloudtrail, sleep: async () => {} },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(tagged).toEqual(["ProjectCode=Proj007"]); // CreatedBy deferred, not written as Undefined
    expect(run.stderr).toMatch(/CloudTrail lookup failed.*HTTP 503/);
    expect(run.stderr).not.toMatch(/SyntaxError/);
  });
});
