import type { RequestLimiter } from "../aws/factory.js";
import { createAdaptiveBucket, type Clock } from "./pacer.js";

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

/** A fresh set of buckets for one target: `Service.Operation` → its bucket. */
export function targetLimiter(clock: Clock): (key: string) => RequestLimiter | undefined {
  const buckets = new Map<string, RequestLimiter>();
  return (key) => {
    if (!key.startsWith("EC2.")) return undefined;
    const operation = key.slice(4);
    const seed = operation.startsWith("Describe") ? EC2_LIMITS.describe : operation === "CreateTags" ? EC2_LIMITS.createTags : EC2_LIMITS.mutating;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = createAdaptiveBucket(seed, clock)));
    return bucket;
  };
}
