import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/lib/errors.js";
import { narrowToAccount, parseAccountAliases, resolveAccount } from "../../../src/lib/saml/accounts.js";
import { checkFederationEndpoint, consoleLoginUrl, destinationUrl, partitionFor } from "../../../src/lib/saml/console.js";
import { defaultShell, quoteSh, shellLines } from "../../../src/lib/saml/shell-lines.js";
import type { SamlAssertion } from "../../../src/lib/saml/assertion.js";

describe("console link parts", () => {
  it("the partition comes from the provider ARN, then the region", () => {
    expect(partitionFor("arn:aws-us-gov:iam::123456789012:saml-provider/ADFS", "eu-west-1").federation).toBe("https://signin.amazonaws-us-gov.com/federation");
    expect(partitionFor(undefined, "cn-north-1").console).toBe("https://console.amazonaws.cn/");
    expect(partitionFor(undefined, undefined).name).toBe("aws");
  });

  it("destinations: a path under the console, an https URL as given; anything else refused", () => {
    const aws = partitionFor(undefined, undefined);
    expect(destinationUrl(undefined, aws)).toBe("https://console.aws.amazon.com/");
    expect(destinationUrl("/s3/home?region=eu-west-1", aws)).toBe("https://console.aws.amazon.com/s3/home?region=eu-west-1");
    expect(destinationUrl("https://eu-west-1.console.aws.amazon.com/lambda/home", aws)).toBe("https://eu-west-1.console.aws.amazon.com/lambda/home");
    expect(() => destinationUrl("javascript:alert(1)", aws)).toThrow(UsageError);
  });

  it("the endpoint: https, or http on loopback only; no query", () => {
    expect(checkFederationEndpoint("http://127.0.0.1:9/federation").href).toBe("http://127.0.0.1:9/federation");
    expect(() => checkFederationEndpoint("http://signin.example/federation")).toThrow(/must be https/);
    expect(() => checkFederationEndpoint("https://signin.aws.amazon.com/federation?x=1")).toThrow(/no query/);
  });

  it("the login URL encodes every parameter", () => {
    const url = new URL(consoleLoginUrl("tok+/=", { endpoint: new URL("https://signin.aws.amazon.com/federation"), destination: "https://console.aws.amazon.com/s3/home?a=1&b=2", issuer: "me & you" }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ Action: "login", Issuer: "me & you", Destination: "https://console.aws.amazon.com/s3/home?a=1&b=2", SigninToken: "tok+/=" });
  });
});

describe("shell lines", () => {
  it("sh quoting closes, escapes and reopens a quote", () => {
    expect(quoteSh("it's")).toBe(`'it'\\''s'`);
    expect(shellLines("sh", { set: { A: "x" }, unset: ["B"] })).toEqual(["unset B", "export A='x'"]);
  });

  it("a control character in a value is refused, not printed", () => {
    expect(() => shellLines("sh", { set: { A: "x\ny" }, unset: [] })).toThrow(UsageError);
  });

  it("the default shell follows $SHELL", () => {
    expect(defaultShell({ SHELL: "/usr/bin/fish" })).toBe("fish");
    expect(defaultShell({ SHELL: "/usr/local/bin/pwsh" })).toBe("powershell");
    expect(defaultShell({ SHELL: "/bin/zsh" })).toBe("zsh");
    expect(defaultShell({ SHELL: "/bin/tcsh" })).toBe("sh");
    expect(defaultShell({})).toBe("sh");
  });
});

describe("[saml-accounts]", () => {
  const text = "[default]\n123456789012 = not-here\n[saml-accounts] ; names\n123456789012 = payments # main\n 210987654321=shop\n12345 = short\n111122223333 = has space\n[profile x]\n";
  it("reads only its section's `<12 digits> = <name>` lines", () => {
    expect([...parseAccountAliases(text)]).toEqual([
      ["123456789012", "payments"],
      ["210987654321", "shop"],
    ]);
  });

  it("--account: an id as is, a name through the section, else a usage error", () => {
    const aliases = parseAccountAliases(text);
    expect(resolveAccount("210987654321", aliases, {})).toBe("210987654321");
    expect(resolveAccount("payments", aliases, {})).toBe("123456789012");
    expect(() => resolveAccount("billing", aliases, {})).toThrow(UsageError);
  });

  it("narrowing keeps that account's roles only", () => {
    const role = (accountId: string, roleName: string) => ({ accountId, roleName, roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, principalArn: `arn:aws:iam::${accountId}:saml-provider/ADFS` });
    const assertion = { base64: "", audiences: [], roles: [role("123456789012", "Dev"), role("210987654321", "Dev")] } as SamlAssertion;
    expect(narrowToAccount(assertion, "210987654321", new Map()).roles.map((r) => r.accountId)).toEqual(["210987654321"]);
    expect(narrowToAccount(assertion, undefined, new Map())).toBe(assertion);
    const error = (() => {
      try {
        narrowToAccount(assertion, "111122223333", parseAccountAliases(text));
      } catch (caught) {
        return caught as UsageError;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error!.hint).toBe("it grants roles in: 123456789012 (payments), 210987654321 (shop)");
  });
});
