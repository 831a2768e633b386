import type { Context } from "../context.js";
import { FailureError } from "../errors.js";
import type { SourceOptions } from "./sources.js";

export async function receiveAtListener(_options: SourceOptions, _ctx: Context): Promise<string> {
  throw new FailureError("not built yet", "use --saml-response");
}
