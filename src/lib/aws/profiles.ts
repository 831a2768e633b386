import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";

/**
 * `--profile nosuch` (or AWS_PROFILE=nosuch) must say the profile does not exist, as the AWS
 * CLI does, rather than fail later with "no region" or "no credentials". Reads only the
 * section names of the shared config and credentials files.
 */
export async function checkProfileExists(profile: string | undefined, files: { configFile: string; credentialsFile: string }): Promise<void> {
  if (!profile) return;
  const { configFile, credentialsFile } = files;
  const known = new Set([...(await sections(configFile, true)), ...(await sections(credentialsFile, false))]);
  if (known.has(profile)) return;
  const names = [...known].sort();
  const choices = names.length === 0 ? "no profiles are defined there" : `known: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""}`;
  throw new UsageError(
    `profile ${profile} not found in ${configFile} or ${credentialsFile}`,
    `check the name (${choices}), or create it with \`aws configure --profile ${profile}\``,
  );
}

/** Profile names defined in one file: `[profile x]`/`[default]` in config, `[x]` in credentials. */
async function sections(path: string, isConfigFile: boolean): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/gm)) {
    const header = match[1]!;
    if (!isConfigFile) names.push(header);
    else if (/^profile\s+/.test(header)) names.push(header.replace(/^profile\s+/, ""));
    // `[name]` without "profile " is not valid in the config file, but lenient readers take it:
    // better to let the SDK decide than to refuse a profile it would use.
    else if (!/^(sso-session|services)\s/.test(header)) names.push(header);
  }
  return names;
}
