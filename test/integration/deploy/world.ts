/** What the deploy tests share: moto's IAM role for Lambda, created over IAM's query API. */
export const ROLE = "arn:aws:iam::123456789012:role/awsblog-lambda";

/** moto checks that the execution role exists; IAM's query API needs no SDK client. */
export async function createRole(url: string): Promise<void> {
  const body = new URLSearchParams({
    Action: "CreateRole",
    Version: "2010-05-08",
    RoleName: "awsblog-lambda",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
  });
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0" },
    body,
  });
  if (!res.ok) throw new Error(`CreateRole → ${res.status}: ${await res.text()}`);
}
