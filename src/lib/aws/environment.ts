import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The one place that reads the AWS settings of a run from its environment map (`ctx.env`,
 * the `Io`'s env; in the CLI that is `process.env`). The SDK would read these from
 * `process.env` itself, and some of them only from there: the profile that selects a
 * profile's `endpoint_url`, `services` section and FIPS/dual-stack flags, the paths of the
 * shared config and credentials files, and the `AWS_*` credentials. So the factory resolves
 * them here and hands each client explicit configuration: `profile`, `region`, `credentials`
 * (the SDK's own provider chain, given the profile and the files), `useFipsEndpoint`,
 * `useDualstackEndpoint`, and the endpoint (`--endpoint-url`, else the configured one). Two
 * runs in one process with different env maps therefore use different profiles.
 *
 * Still read by the SDK from `process.env` (rarely set, same in the CLI where io.env is
 * process.env): the container/instance-metadata credential and region settings (ECS, IMDS),
 * web-identity token files of the default chain, `AWS_DEFAULTS_MODE`, app id and auth-scheme
 * preference.
 */
export interface AwsEnvironment {
  /** `--profile`, else AWS_PROFILE; undefined means the SDK's "default". */
  profile?: string;
  configFile: string;
  credentialsFile: string;
  /** AWS_REGION, else the profile's `region` (--region is the factory's to apply first); undefined: none set. */
  region(): Promise<string | undefined>;
  /** AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT, else the profile's keys. */
  useFipsEndpoint(): Promise<boolean>;
  useDualstackEndpoint(): Promise<boolean>;
  /**
   * The endpoint a service's calls go to when --endpoint-url is not given:
   * AWS_ENDPOINT_URL_<SERVICE_ID>, AWS_ENDPOINT_URL, the profile's `services` section, its
   * `endpoint_url` — unless `ignore_configured_endpoint_urls` says not to (the SDK's rules).
   */
  configuredEndpoint(serviceId: string): Promise<string | undefined>;
  /** Static credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, unless a profile is named. */
  staticCredentials(): StaticCredentials | undefined;
  /** True when AWS_EC2_METADATA_DISABLED says not to ask the instance metadata service. */
  metadataDisabled: boolean;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
  credentialScope?: string;
  accountId?: string;
}

type Section = Record<string, string | undefined>;
interface ConfigFiles {
  configFile: Record<string, Section>;
  credentialsFile: Record<string, Section>;
}

/** The shared config and credentials files this environment names (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/). */
export function configFilePaths(env: NodeJS.ProcessEnv): { configFile: string; credentialsFile: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  const expand = (path: string) => (path.startsWith("~/") ? join(home, path.slice(2)) : path);
  return {
    configFile: expand(env.AWS_CONFIG_FILE || join(home, ".aws", "config")),
    credentialsFile: expand(env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials")),
  };
}

export function resolveAwsEnvironment(flags: { profile?: string }, env: NodeJS.ProcessEnv): AwsEnvironment {
  const profile = flags.profile || env.AWS_PROFILE || undefined;
  const paths = configFilePaths(env);
  let files: Promise<ConfigFiles> | undefined;
  const loadFiles = () =>
    (files ??= import("@smithy/core/config").then(
      ({ loadSharedConfigFiles }) => loadSharedConfigFiles({ filepath: paths.credentialsFile, configFilepath: paths.configFile }) as Promise<ConfigFiles>,
    ));
  /** The profile's keys, one file preferred where both set a key (the SDK's merge). */
  const profileSection = async (preferred: "config" | "credentials"): Promise<Section> => {
    const { configFile, credentialsFile } = await loadFiles();
    const name = profile ?? "default";
    const fromConfig = configFile[name] ?? {};
    const fromCredentials = credentialsFile[name] ?? {};
    return preferred === "config" ? { ...fromCredentials, ...fromConfig } : { ...fromConfig, ...fromCredentials };
  };
  const flag = async (envName: string, key: string): Promise<boolean> => {
    const fromEnv = booleanSetting(env[envName]);
    if (fromEnv !== undefined) return fromEnv;
    return booleanSetting((await profileSection("config"))[key]) ?? false;
  };
  return {
    profile,
    ...paths,
    metadataDisabled: booleanSetting(env.AWS_EC2_METADATA_DISABLED) === true,
    async region() {
      return env.AWS_REGION || (await profileSection("credentials")).region || undefined;
    },
    useFipsEndpoint: () => flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
    useDualstackEndpoint: () => flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
    async configuredEndpoint(serviceId) {
      const section = await profileSection("config");
      const ignore = booleanSetting(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ?? booleanSetting(section.ignore_configured_endpoint_urls) ?? false;
      if (ignore) return undefined;
      const words = serviceId.split(" ");
      const fromEnv = env[["AWS_ENDPOINT_URL", ...words.map((w) => w.toUpperCase())].join("_")] || env.AWS_ENDPOINT_URL;
      if (fromEnv) return fromEnv;
      if (section.services) {
        const { configFile } = await loadFiles();
        const services = configFile[`services.${section.services}`];
        if (!services) throw new Error(`The services section "${section.services}" specified in the profile is not present in the shared configuration file.`);
        const url = services[`${words.map((w) => w.toLowerCase()).join("_")}.endpoint_url`];
        if (url) return url;
      }
      return section.endpoint_url || undefined;
    },
    staticCredentials() {
      // As the SDK's chain: a named profile wins over keys in the environment.
      if (profile || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
      return {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        ...(env.AWS_CREDENTIAL_EXPIRATION ? { expiration: new Date(env.AWS_CREDENTIAL_EXPIRATION) } : {}),
        ...(env.AWS_CREDENTIAL_SCOPE ? { credentialScope: env.AWS_CREDENTIAL_SCOPE } : {}),
        ...(env.AWS_ACCOUNT_ID ? { accountId: env.AWS_ACCOUNT_ID } : {}),
      };
    },
  };
}

/** "true"/"false" in any case, as the SDK's boolean settings; anything else is unset. */
function booleanSetting(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return lower === "true" ? true : lower === "false" ? false : undefined;
}
