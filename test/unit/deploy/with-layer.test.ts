import { describe, expect, it } from "vitest";
import { withLayer } from "../../../src/lib/package/deploy-code.js";

const layer = (name: string, version: number) => `arn:aws:lambda:us-east-1:123456789012:layer:${name}:${version}`;

describe("deploy --layer: the function's layer list", () => {
  it("adds the layer after the function's other layers", () => {
    expect(withLayer([layer("otel", 4)], layer("php-runtime", 1))).toEqual([layer("otel", 4), layer("php-runtime", 1)]);
  });

  it("replaces an older version of the same layer in place and keeps the order of the others", () => {
    expect(withLayer([layer("php-runtime", 1), layer("otel", 4)], layer("php-runtime", 2))).toEqual([layer("php-runtime", 2), layer("otel", 4)]);
  });

  it("does not confuse a layer whose name only starts the same", () => {
    expect(withLayer([layer("php-runtime-ext", 3)], layer("php-runtime", 2))).toEqual([layer("php-runtime-ext", 3), layer("php-runtime", 2)]);
  });

  it("leaves a single entry when the list held the layer twice", () => {
    expect(withLayer([layer("php-runtime", 1), layer("otel", 4), layer("php-runtime", 1)], layer("php-runtime", 3))).toEqual([layer("php-runtime", 3), layer("otel", 4)]);
  });
});
