import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./moto.js";

/**
 * LemonLDAP::NG, a real SAML 2.0 IdP (Perl + Lasso), serving the AWS relying party on
 * loopback: Demo authentication (user `dwho`, password `dwho`), an IdP-initiated SSO URL for
 * the SP `urn:amazon:webservices`, the AWS Role attribute (two roles, both orders) from a
 * macro, and a signing key made at test time with openssl (never committed).
 *
 * Where it comes from: Debian's packages, either installed (`apt-get install
 * liblemonldap-ng-portal-perl liblasso-perl libplack-perl libxml-simple-perl libio-string-perl
 * libdigest-hmac-perl libcrypt-urandom-perl`)
 * or unpacked without root by test/helpers/saml-lemonldap-fetch.sh into a directory named by
 * AWSBLOG_LLNG_ROOT. The portal runs under plackup (no web server needed).
 */
export interface LemonLdap {
  url: string;
  /** The IdP-initiated sign-on page for AWS (what --idp-url takes). */
  ssoUrl: string;
  /** The IdP's signing certificate (PEM), for the STS double's provider. */
  certificate: string;
  stop(): Promise<void>;
  log(): string;
}

export const LLNG_PROVIDER_ARN = "arn:aws:iam::123456789012:saml-provider/LLNG";
export const LLNG_ROLES = ["arn:aws:iam::123456789012:role/LLNG-Dev", "arn:aws:iam::123456789012:role/LLNG-Ops"];

/** The directory holding usr/share/lemonldap-ng, or undefined when LemonLDAP::NG is not available. */
export function lemonLdapRoot(): string | undefined {
  const candidates = [process.env.AWSBLOG_LLNG_ROOT, "/"].filter((c): c is string => Boolean(c));
  return candidates.find((root) => existsSync(join(root, "usr/share/lemonldap-ng/portal/htdocs/index.psgi")) && existsSync(join(root, "usr/bin/plackup")));
}

export interface LemonLdapOptions {
  /**
   * LemonLDAP's TOTP second factor (totp2fActivation: asked of users with a TOTP device) and a
   * device for these demo users, stored as the portal's TOTP registration stores it: in the
   * user's persistent session, `_2fDevices` JSON, the secret in base32 (totp2fEncryptSecret off).
   */
  totpDevices?: Record<string, { base32Secret: string }>;
}

export async function startLemonLdap(root: string, options: LemonLdapOptions = {}): Promise<LemonLdap> {
  const perlLib = (workDir: string) => [join(workDir, "lib"), join(root, "usr/share/perl5"), join(root, "usr/lib/x86_64-linux-gnu/perl5/5.36")].join(":");
  if (options.totpDevices) {
    // The TOTP module's own dependencies (Recommends, not Depends, of the portal package): a root
    // unpacked by an older fetch script lacks them, and the whole portal would then fail to start.
    try {
      execFileSync("perl", ["-e", "require Digest::HMAC_SHA1; require Crypt::URandom; require Convert::Base32"], { env: { PATH: process.env.PATH, PERL5LIB: perlLib(root) }, stdio: "pipe" });
    } catch (error) {
      throw new Error(`LemonLDAP::NG's TOTP module needs Digest::HMAC_SHA1, Crypt::URandom and Convert::Base32 (${String((error as { stderr?: Buffer }).stderr ?? error).split("\n")[0]!.replace(/ \(@INC[\s\S]*/, "")}): run test/helpers/saml-lemonldap-fetch.sh again into a fresh directory`);
    }
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "awsblog-llng-"));
  for (const sub of ["conf", "sessions/lock", "psessions/lock", "notifications", "lib/My"]) mkdirSync(join(dir, sub), { recursive: true });
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=llng.test"], { stdio: "ignore" });
  const certificate = readFileSync(join(dir, "cert.pem"), "utf8");

  const base = JSON.parse(readFileSync(join(root, "var/lib/lemonldap-ng/conf/lmConf-1.json"), "utf8")) as Record<string, unknown>;
  const conf = {
    ...base,
    cfgNum: 1,
    portal: `${url}/`,
    domain: "127.0.0.1",
    securedCookie: 0,
    globalStorageOptions: { Directory: join(dir, "sessions"), LockDirectory: join(dir, "sessions/lock"), generateModule: "Lemonldap::NG::Common::Apache::Session::Generate::SHA256" },
    persistentStorageOptions: { Directory: join(dir, "psessions"), LockDirectory: join(dir, "psessions/lock") },
    notificationStorageOptions: { dirName: join(dir, "notifications") },
    localSessionStorage: "",
    // The portal always loads a captcha module; Debian's needs GD. Ours does nothing.
    captcha: "My::NoCaptcha",
    captcha_login_enabled: 0,
    ...(options.totpDevices ? { totp2fActivation: 1, totp2fEncryptSecret: 0, totp2fSelfRegistration: 0 } : {}),
    macros: {
      ...(base.macros as Record<string, string>),
      awsRole: `'${LLNG_ROLES[0]},${LLNG_PROVIDER_ARN}; ${LLNG_PROVIDER_ARN},${LLNG_ROLES[1]}'`,
    },
    issuerDBSAMLActivation: 1,
    samlEntityID: "#PORTAL#/saml/metadata",
    samlServicePrivateKeySig: readFileSync(join(dir, "key.pem"), "utf8"),
    samlServicePrivateKeySigPwd: "",
    samlServicePublicKeySig: certificate,
    samlServiceSignatureMethod: "RSA_SHA256",
    samlSPMetaDataXML: {
      aws: {
        samlSPMetaDataXML:
          `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:amazon:webservices"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="false" WantAssertionsSigned="true">` +
          `<NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat><AssertionConsumerService index="1" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://signin.aws.amazon.com/saml"/></SPSSODescriptor></EntityDescriptor>`,
      },
    },
    samlSPMetaDataExportedAttributes: {
      aws: {
        awsRole: "1;https://aws.amazon.com/SAML/Attributes/Role;urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
        uid: "0;https://aws.amazon.com/SAML/Attributes/RoleSessionName;urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
      },
    },
    samlSPMetaDataOptions: {
      aws: {
        samlSPMetaDataOptionsEnableIDPInitiatedURL: 1,
        samlSPMetaDataOptionsSignSSOMessage: 1,
        samlSPMetaDataOptionsSignSLOMessage: 1,
        samlSPMetaDataOptionsCheckSSOMessageSignature: 0,
        samlSPMetaDataOptionsCheckSLOMessageSignature: 0,
        samlSPMetaDataOptionsEncryptionMode: "none",
        samlSPMetaDataOptionsNotOnOrAfterTimeout: 300,
        samlSPMetaDataOptionsSessionNotOnOrAfterTimeout: 72000,
        samlSPMetaDataOptionsForceUTF8: 1,
        samlSPMetaDataOptionsNameIDFormat: "persistent",
        samlSPMetaDataOptionsOneTimeUse: 0,
      },
    },
  };
  writeFileSync(join(dir, "conf/lmConf-1.json"), JSON.stringify(conf, null, 1));
  for (const [user, device] of Object.entries(options.totpDevices ?? {})) {
    // Apache::Session::File, JSON-serialised by LemonLDAP: psessions/<md5(_whatToTrace)>.
    const id = createHash("md5").update(user).digest("hex");
    const devices = [{ type: "TOTP", name: "awsblog test", _secret: device.base32Secret, epoch: Math.floor(Date.now() / 1000) }];
    const session = { _session_id: id, _session_kind: "Persistent", _session_uid: user, _2fDevices: JSON.stringify(devices) };
    writeFileSync(join(dir, "psessions", id), JSON.stringify(session));
  }
  writeFileSync(
    join(dir, "lemonldap-ng.ini"),
    `[all]\nlogLevel = warn\n[configuration]\ntype = File\ndirName = ${join(dir, "conf")}\n[portal]\nstaticPrefix = /static\ntemplateDir = ${join(root, "usr/share/lemonldap-ng/portal/templates")}\nlanguages = en\n[handler]\nstatus = 0\n`,
  );
  writeFileSync(
    join(dir, "lib/My/NoCaptcha.pm"),
    "package My::NoCaptcha;\nuse strict;\nuse Mouse;\nextends 'Lemonldap::NG::Portal::Main::Plugin';\nsub init { 1 }\nsub init_captcha { 1 }\nsub check_captcha { 1 }\n1;\n",
  );

  const child: ChildProcess = spawn("perl", [join(root, "usr/bin/plackup"), "--host", "127.0.0.1", "--port", String(port), "index.psgi"], {
    cwd: join(root, "usr/share/lemonldap-ng/portal/htdocs"),
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PERL5LIB: perlLib(dir),
      LD_LIBRARY_PATH: [join(root, "usr/lib"), join(root, "usr/lib/x86_64-linux-gnu")].join(":"),
      LLNG_DEFAULTCONFFILE: join(dir, "lemonldap-ng.ini"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`LemonLDAP::NG exited: ${log}`);
    const status = await fetch(`${url}/`).then((r) => r.status, () => 0);
    if (status === 200) break;
    if (status === 500 || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`LemonLDAP::NG did not start (HTTP ${status}): ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    ssoUrl: `${url}/saml/singleSignOn?IDPInitiated=1&spConfKey=aws`,
    certificate,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
