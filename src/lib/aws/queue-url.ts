/**
 * What an SQS queue URL says about where the queue lives. The SDK sends each call to the
 * queue URL's host; when that differs from the endpoint of the client's region it warns
 * ("QueueUrl … differs from SQSClient resolved endpoint") on every call. So each queue gets a
 * client in its own region, and the legacy hosts (`queue.amazonaws.com` for us-east-1,
 * `<region>.queue.amazonaws.com`) are sent in the current `sqs.<region>.amazonaws.com` form —
 * the same queue. No SDK import here: flag checks use it too.
 */
export interface QueueLocation {
  /** The region the host names; undefined for other hosts (an emulator, a VPC endpoint). */
  region?: string;
  /** The URL to put on the wire: legacy hosts rewritten, anything else as given. */
  url: string;
}

const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d+";
const CURRENT = new RegExp(`^sqs(?:-fips)?\\.(${REGION})\\.(?:amazonaws\\.com(?:\\.cn)?|api\\.aws)$`);
const LEGACY_REGIONAL = new RegExp(`^(${REGION})\\.queue\\.amazonaws\\.com(\\.cn)?$`);

export function locateQueue(queueUrl: string): QueueLocation {
  let parsed: URL;
  try {
    parsed = new URL(queueUrl);
  } catch {
    return { url: queueUrl };
  }
  if (parsed.protocol !== "https:") return { url: queueUrl };
  const host = parsed.hostname.toLowerCase();
  const current = CURRENT.exec(host);
  if (current) return { region: current[1], url: queueUrl };
  const legacy = host === "queue.amazonaws.com" ? ["us-east-1"] : LEGACY_REGIONAL.exec(host)?.slice(1);
  if (!legacy?.[0]) return { url: queueUrl };
  const [region, china = ""] = legacy;
  return { region, url: `https://sqs.${region}.amazonaws.com${china}${parsed.pathname}` };
}
