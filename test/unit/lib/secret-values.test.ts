import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { secretValues } from "../../../src/lib/redact.js";

describe("secretValues: what a request must never echo", () => {
  it("finds secrets by key, nested and in Logins maps", () => {
    const input = { Password: "hunter22", Nested: { SessionToken: "tok-123" }, Logins: { "arn:aws:iam::1:saml-provider/x": "PHNhbWw+" } };
    expect(secretValues(input).sort()).toEqual(["PHNhbWw+", "hunter22", "tok-123"].sort());
  });

  it("does not walk request bodies: a 50 MB zip or an upload stream is skipped at once", () => {
    // Walking a body's entries took minutes and gigabytes (an S3 part hung): bodies are not walked,
    // which the marker properties show — a walk would report them.
    const zip = Object.defineProperty(new Uint8Array(1024), "Password", { enumerable: true, value: "in-zip" });
    const body = Object.defineProperty(Readable.from(["x"]), "Password", { enumerable: true, value: "in-stream" });
    expect(secretValues({ ZipFile: zip, Body: body, Password: "hunter22" })).toEqual(["hunter22"]);
  });
});
