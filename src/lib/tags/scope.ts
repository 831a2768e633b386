import type { Ec2Filter } from "../aws/ec2.js";
import { UsageError } from "../errors.js";

/** Instances the policy looks at: never terminated or shutting-down ones. */
export const SCOPED_STATES = ["pending", "running", "stopping", "stopped"];

export interface ScopeOptions {
  vpc?: string[];
  filter?: string[];
}

/**
 * Turns --vpc and --filter into DescribeInstances filters. The state filter is always added
 * (and a user's instance-state-name filter is intersected with it) so the scope can only narrow.
 */
export function buildScope(options: ScopeOptions): Ec2Filter[] {
  const filters: Ec2Filter[] = [];
  const vpcs = options.vpc ?? [];
  for (const vpc of vpcs) {
    if (!/^vpc-[0-9a-f]{8,17}$/.test(vpc)) throw new UsageError(`--vpc "${vpc}" is not a VPC id`, "pass an id like vpc-0abc1234");
  }
  if (vpcs.length) filters.push({ name: "vpc-id", values: [...new Set(vpcs)] });
  let states = SCOPED_STATES;
  for (const raw of options.filter ?? []) {
    const f = parseFilter(raw);
    if (f.name === "instance-state-name") {
      states = states.filter((s) => f.values.includes(s));
      if (states.length === 0) {
        throw new UsageError(`--filter ${raw} selects no state the policy covers`, `use some of: ${SCOPED_STATES.join(", ")}`);
      }
    } else filters.push(f);
  }
  filters.push({ name: "instance-state-name", values: states });
  return filters;
}

/** `Name=tag:Team,Values=a,b` (EC2 CLI syntax) or the short `tag:Team=a,b`. */
export function parseFilter(raw: string): Ec2Filter {
  const long = /^Name=([^,]+),Values=(.+)$/.exec(raw);
  // "Name=x" without Values is a half-written long form, not a filter called "Name".
  const short = raw.startsWith("Name=") ? null : /^([^=]+)=(.+)$/.exec(raw);
  const match = long ?? short;
  const values = match?.[2]?.split(",").map((v) => v.trim()).filter((v) => v !== "") ?? [];
  if (!match || !match[1]?.trim() || values.length === 0) {
    throw new UsageError(`--filter "${raw}" is not Name=Values`, "use e.g. --filter tag:Team=web,api or --filter Name=instance-type,Values=t3.micro");
  }
  const name = match[1].trim();
  if (!isEc2FilterName(name)) {
    throw new UsageError(
      `--filter "${raw}": EC2 has no filter named "${name}" (it would match nothing)`,
      `for the tag ${name} use --filter tag:${name}=${values.join(",")}; other names as in DescribeInstances (e.g. instance-type, subnet-id)`,
    );
  }
  return { name, values };
}

/** Filter names DescribeInstances defines (EC2 API reference), besides `tag:<key>`. */
const EC2_FILTER_NAMES = new Set(
  `
  affinity architecture availability-zone availability-zone-id block-device-mapping.attach-time
  block-device-mapping.delete-on-termination block-device-mapping.device-name block-device-mapping.status
  block-device-mapping.volume-id boot-mode capacity-reservation-id
  capacity-reservation-specification.capacity-reservation-preference
  capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id
  capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn
  client-token current-instance-boot-mode dns-name ebs-optimized ena-support enclave-options.enabled
  hibernation-options.configured host-id hypervisor iam-instance-profile.arn iam-instance-profile.id image-id
  instance-id instance-lifecycle instance-state-code instance-state-name instance-type instance.group-id
  instance.group-name ip-address ipv6-address kernel-id key-name launch-index launch-time
  maintenance-options.auto-recovery metadata-options.http-endpoint metadata-options.http-protocol-ipv4
  metadata-options.http-protocol-ipv6 metadata-options.http-put-response-hop-limit
  metadata-options.http-tokens metadata-options.instance-metadata-tags metadata-options.state
  monitoring-state network-interface.addresses.association.allocation-id
  network-interface.addresses.association.association-id network-interface.addresses.association.carrier-ip
  network-interface.addresses.association.customer-owned-ip
  network-interface.addresses.association.ip-owner-id network-interface.addresses.association.public-dns-name
  network-interface.addresses.association.public-ip network-interface.addresses.primary
  network-interface.addresses.private-dns-name network-interface.addresses.private-ip-address
  network-interface.association.allocation-id network-interface.association.association-id
  network-interface.association.carrier-ip network-interface.association.customer-owned-ip
  network-interface.association.ip-owner-id network-interface.association.public-dns-name
  network-interface.association.public-ip network-interface.attachment.attach-time
  network-interface.attachment.attachment-id network-interface.attachment.delete-on-termination
  network-interface.attachment.device-index network-interface.attachment.instance-id
  network-interface.attachment.instance-owner-id network-interface.attachment.network-card-index
  network-interface.attachment.status network-interface.availability-zone
  network-interface.deny-all-igw-traffic network-interface.description network-interface.group-id
  network-interface.group-name network-interface.ipv4-prefixes.ipv4-prefix network-interface.ipv6-address
  network-interface.ipv6-addresses.ipv6-address network-interface.ipv6-addresses.is-primary-ipv6
  network-interface.ipv6-native network-interface.ipv6-prefixes.ipv6-prefix network-interface.mac-address
  network-interface.network-interface-id network-interface.operator.managed
  network-interface.operator.principal network-interface.outpost-arn network-interface.owner-id
  network-interface.private-dns-name network-interface.private-ip-address network-interface.public-dns-name
  network-interface.requester-id network-interface.requester-managed network-interface.source-dest-check
  network-interface.status network-interface.subnet-id network-interface.tag-key network-interface.tag-value
  network-interface.vpc-id network-performance-options.bandwidth-weighting operator.managed
  operator.principal outpost-arn owner-id placement-group-name placement-partition-number platform
  platform-details private-dns-name private-dns-name-options.enable-resource-name-dns-a-record
  private-dns-name-options.enable-resource-name-dns-aaaa-record private-dns-name-options.hostname-type
  private-ip-address product-code product-code.type ramdisk-id reason requester-id reservation-id
  root-device-name root-device-type source-dest-check spot-instance-request-id state-reason-code
  state-reason-message subnet-id tag-key tag-value tenancy tpm-support usage-operation
  usage-operation-update-time virtualization-type vpc-id
`
    .trim()
    .split(/\s+/),
);

export function isEc2FilterName(name: string): boolean {
  return (name.startsWith("tag:") && name.length > 4) || EC2_FILTER_NAMES.has(name);
}
