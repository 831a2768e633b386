import type { RequestLimiter } from "../aws/factory.js";
import { createAdaptiveBucket, type Clock } from "../pacing.js";

/**
 * AWS's published request-rate limits for the calls a tag run makes (EC2 API request
 * throttling: token buckets per account and region), used as the seed of one adaptive bucket
 * per account × region × API. CloudTrail LookupEvents (2/s) is paced by the engine itself.
 */
export const EC2_LIMITS = {
  describe: { rate: 20, burst: 100 },
  createTags: { rate: 10, burst: 100 },
  mutating: { rate: 5, burst: 50 },
} as const;

/**
 * The Resource Groups Tagging API publishes no per-operation numbers; these conservative seeds
 * (GetResources and TagResources/UntagResources per account and region) adapt on throttling.
 */
export const TAGGING_LIMITS = {
  read: { rate: 5, burst: 10 },
  write: { rate: 2, burst: 5 },
} as const;

/** A fresh set of buckets for one target: `Service.Operation` → its bucket. */
export function targetLimiter(clock: Clock): (key: string) => RequestLimiter | undefined {
  const buckets = new Map<string, RequestLimiter>();
  return (key) => {
    const tagging = key.startsWith("ResourceGroupsTaggingAPI.");
    if (!key.startsWith("EC2.") && !tagging) return undefined;
    const operation = key.slice(key.indexOf(".") + 1);
    const seed = tagging
      ? operation.startsWith("Get")
        ? TAGGING_LIMITS.read
        : TAGGING_LIMITS.write
      : operation.startsWith("Describe")
        ? EC2_LIMITS.describe
        : operation === "CreateTags"
          ? EC2_LIMITS.createTags
          : EC2_LIMITS.mutating;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = createAdaptiveBucket(seed, clock)));
    return bucket;
  };
}
