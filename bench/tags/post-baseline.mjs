// The post's algorithm ("Managing Your AWS Resources Through a Serverless Policy Engine"),
// ported call for call to SDK v3 so it can be timed and counted like awsblog: per instance,
// one CloudTrail LookupEvents (first 50 events only) when CreatedBy is missing, one
// CreateTags per missing tag, and one StopInstances per untagged instance (the post
// terminates; the benchmark stops, as awsblog is run with --untagged stop). The bugs that
// change results are fixed so both sides do the same work: the lookup scans the whole page
// instead of raising on the first non-matching resource, and Required/empty values follow the
// post's text. Usage: node bench/tags/post-baseline.mjs <moto-url> <cloudtrail-url> <vpc> <topic>
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { CreateTagsCommand, EC2Client, paginateDescribeInstances, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { writeFileSync } from "node:fs";

const [motoUrl, trailUrl, vpcId, topicArn, statsFile] = process.argv.slice(2);
const calls = {};
const count = (client, service) => {
  client.middlewareStack.add(
    (next, context) => (args) => {
      const key = `${service}.${context.commandName.replace(/Command$/, "")}`;
      calls[key] = (calls[key] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "count" },
  );
  return client;
};
const creds = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const ec2 = count(new EC2Client({ ...creds, endpoint: motoUrl }), "EC2");
const cloudtrail = count(new CloudTrailClient({ ...creds, endpoint: trailUrl }), "CloudTrail");
const sns = count(new SNSClient({ ...creds, endpoint: motoUrl }), "SNS");

const policies = [
  { TagKey: "ProjectCode", Action: "Update", Required: "Y", Default: "Proj007" },
  { TagKey: "CreatedBy", Action: "UserLookup", Required: "Y" },
  { TagKey: "Expires", Action: "Function", Required: "N", Default: "today()" },
];
const report = [];
let undefinedCreators = 0;
let lookupErrors = 0;

async function findWhoLaunched(instanceId) {
  const res = await cloudtrail.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "RunInstances" }],
      StartTime: new Date(Date.now() - 90 * 86_400_000),
      EndTime: new Date(),
      MaxResults: 50,
    }),
  );
  for (const event of res.Events ?? []) {
    if ((event.Resources ?? []).some((r) => r.ResourceType === "AWS::EC2::Instance" && r.ResourceName === instanceId)) return event.Username;
  }
  throw new Error("Unable to determine IAM user that launched instance.");
}

const started = Date.now();
const pages = paginateDescribeInstances({ client: ec2 }, { Filters: [{ Name: "vpc-id", Values: [vpcId] }, { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] }] });
for await (const page of pages) {
  for (const instance of page.Reservations.flatMap((r) => r.Instances)) {
    const id = instance.InstanceId;
    const tags = Object.fromEntries((instance.Tags ?? []).map((t) => [t.Key, t.Value ?? ""]));
    if (Object.keys(tags).length === 0) {
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      report.push(`${id} has been stopped. Reason: No tags found.`);
      continue;
    }
    for (const p of policies) {
      const present = p.TagKey in tags;
      if ((present && tags[p.TagKey].trim() !== "") || (!present && p.Required !== "Y")) continue;
      let value = p.Default ?? "";
      if (p.Action === "UserLookup") {
        try {
          value = await findWhoLaunched(id);
        } catch (error) {
          if (!/Unable to determine/.test(error.message)) lookupErrors++;
          value = "Undefined";
          undefinedCreators++;
        }
      } else if (p.Action === "Function") value = new Date().toISOString().slice(0, 10);
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: p.TagKey, Value: value }] }));
      report.push(`Instance ${id} missing tag ${p.TagKey}. New tag created.`);
    }
  }
}
if (report.length) {
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: "ACME Cloud Tagging Policy Report", Message: report.join("\n").slice(0, 250_000) }));
}
writeFileSync(statsFile, JSON.stringify({ calls, seconds: (Date.now() - started) / 1000, undefinedCreators, lookupErrors }));
