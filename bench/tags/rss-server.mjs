#!/usr/bin/env node
// The AWS side of bench/tags/rss.mjs, in its own process so its memory is not the CLI's: an
// HTTP server on loopback speaking STS and EC2's query protocol with the XML real AWS sends.
// GetCallerIdentity and AssumeRole answer at once (the access key names the account);
// CreateTags succeeds (for `tags enforce`); DescribeInstances answers every target (the account from the key, the region from the
// SigV4 scope) with PER_TARGET instances, all missing ProjectCode and CreatedBy, with the
// fields a real instance carries (~1.5 KB of XML each), in pages of MaxResults (1,000).
// With <slowFirst> > 0 the first target (account 200000000000, us-east-1) is answered only
// after that many other DescribeInstances: a slow account at the head of the list, which
// every finding behind it waits for.
//   node bench/tags/rss-server.mjs <perTarget> [slowFirst=0]   → prints the port, then serves until killed
import { createServer } from "node:http";
import { setImmediate } from "node:timers";
import { URLSearchParams } from "node:url";

const perTarget = Number(process.argv[2] ?? 100);
const slowFirst = Number(process.argv[3] ?? 0);
const FIRST = "200000000000";
let answered = 0;
const waiting = [];
const CALLER = "123456789012";
const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
let calls = 0;

function instanceXml(account, region, i) {
  const id = `i-${account.slice(-6)}${region.length}${String(i).padStart(8, "0")}`;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return `<item><instanceId>${id}</instanceId><imageId>ami-0abcdef1234567890</imageId><instanceState><code>16</code><name>running</name></instanceState>
<privateDnsName>ip-${ip.replaceAll(".", "-")}.${region}.compute.internal</privateDnsName><dnsName></dnsName><reason></reason><keyName>ops</keyName><amiLaunchIndex>0</amiLaunchIndex>
<productCodes/><instanceType>t3.micro</instanceType><launchTime>2026-11-01T10:00:00.000Z</launchTime><placement><availabilityZone>${region}a</availabilityZone><groupName></groupName><tenancy>default</tenancy></placement>
<monitoring><state>disabled</state></monitoring><subnetId>subnet-0abc1234</subnetId><vpcId>vpc-0abc1234</vpcId><privateIpAddress>${ip}</privateIpAddress>
<sourceDestCheck>true</sourceDestCheck><groupSet><item><groupId>sg-0abc1234</groupId><groupName>web</groupName></item></groupSet><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-${id.slice(2)}</volumeId><status>attached</status><attachTime>2026-11-01T10:00:01.000Z</attachTime><deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>
<virtualizationType>hvm</virtualizationType><clientToken></clientToken><tagSet><item><key>Name</key><value>web-${i}</value></item><item><key>Team</key><value>data</value></item></tagSet><hypervisor>xen</hypervisor>
<networkInterfaceSet><item><networkInterfaceId>eni-${id.slice(2)}</networkInterfaceId><subnetId>subnet-0abc1234</subnetId><vpcId>vpc-0abc1234</vpcId><ownerId>${account}</ownerId><status>in-use</status><privateIpAddress>${ip}</privateIpAddress>
<attachment><attachmentId>eni-attach-${id.slice(2)}</attachmentId><deviceIndex>0</deviceIndex><status>attached</status><deleteOnTermination>true</deleteOnTermination></attachment></item></networkInterfaceSet>
<ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport><metadataOptions><state>applied</state><httpTokens>required</httpTokens><httpEndpoint>enabled</httpEndpoint></metadataOptions></item>`;
}

function describeInstances(account, region, params) {
  const max = Math.min(Number(params.get("MaxResults") ?? 1000), 1000);
  const start = Number(params.get("NextToken") ?? 0);
  const end = Math.min(perTarget, start + max);
  const items = [];
  for (let i = start; i < end; i++) items.push(instanceXml(account, region, i));
  const next = end < perTarget ? `<nextToken>${end}</nextToken>` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-${calls}</requestId><reservationSet><item><reservationId>r-0${account}</reservationId><ownerId>${account}</ownerId><groupSet/>
<instancesSet>${items.join("")}</instancesSet></item></reservationSet>${next}</DescribeInstancesResponse>`;
}

function sts(action, params, account) {
  if (action === "GetCallerIdentity") {
    return `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult><Arn>arn:aws:iam::${CALLER}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${CALLER}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>c-${calls}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
  }
  const target = /^arn:aws:iam::(\d{12}):role\//.exec(params.get("RoleArn") ?? "")?.[1] ?? account;
  const expires = new Date(Date.now() + 3_600_000).toISOString();
  return `<AssumeRoleResponse xmlns="${STS_NS}"><AssumeRoleResult><Credentials><AccessKeyId>ASIA${target}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token-${target}</SessionToken><Expiration>${expires}</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROABENCH:awsblog</AssumedRoleId><Arn>arn:aws:sts::${target}:assumed-role/OrganizationAccountAccessRole/awsblog</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>a-${calls}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    calls++;
    const params = new URLSearchParams(Buffer.concat(chunks).toString());
    const action = params.get("Action") ?? "";
    // Credential=<key>/<date>/<region>/<service>/aws4_request
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(req.headers.authorization ?? "");
    const key = scope?.[1] ?? "";
    const account = /^ASIA(\d{12})$/.exec(key)?.[1] ?? CALLER;
    const region = scope?.[2] ?? "us-east-1";
    if (action === "DescribeInstances" && slowFirst > 0 && account === FIRST && region === "us-east-1" && answered < slowFirst) {
      waiting.push(() => send(res, describeInstances(account, region, params)));
      return;
    }
    if (action === "DescribeInstances" && ++answered === slowFirst) waiting.splice(0).forEach((answer) => setImmediate(answer));
    let body;
    if (action === "DescribeInstances") body = describeInstances(account, region, params);
    else if (action === "GetCallerIdentity" || action === "AssumeRole") body = sts(action, params, account);
    else if (action === "CreateTags") body = `<CreateTagsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>t-${calls}</requestId><return>true</return></CreateTagsResponse>`;
    else {
      res.writeHead(400, { "content-type": "text/xml" });
      res.end(`<Response><Errors><Error><Code>InvalidAction</Code><Message>the bench serves no ${action}</Message></Error></Errors><RequestID>x</RequestID></Response>`);
      return;
    }
    send(res, body);
  });
});

function send(res, body) {
  res.writeHead(200, { "content-type": "text/xml;charset=UTF-8", "x-amzn-requestid": `req-${calls}` });
  res.end(body);
}
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
