import { makeSigningKey, PROVIDER_ARN, roleArn, samlResponse } from "./saml-signer.js";
import { startTestIdp } from "./saml-idp.js";
import { startStsDouble } from "./saml-sts-double.js";

/**
 * For trying `awsblog saml` by hand: starts the AD FS-like test IdP (user EXAMPLE\jane,
 * password "demo") and the checking STS double on loopback, writes a fresh signed
 * SAMLResponse to the given file, and prints commands to run. Ctrl-C stops it.
 *
 *   npx esbuild test/helpers/saml-demo.ts --bundle --platform=node --format=esm --outfile=/tmp/saml-demo.mjs \
 *     --banner:js="import{createRequire}from'module';const require=createRequire(import.meta.url);"
 *   node /tmp/saml-demo.mjs /tmp/response.b64
 */
const key = makeSigningKey();
const roles = [`${roleArn("ADFS-Dev")},${PROVIDER_ARN}`, `${PROVIDER_ARN},${roleArn("ADFS-Admin")}`];
const idp = await startTestIdp({ key, users: { "EXAMPLE\\jane": "demo" }, roles, now: () => new Date() });
const sts = await startStsDouble({
  providers: { [PROVIDER_ARN]: key.publicKey },
  roles: { [roleArn("ADFS-Dev")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 3600 }, [roleArn("ADFS-Admin")]: { trusts: [PROVIDER_ARN], maxSessionDuration: 43200 } },
  now: () => new Date(),
});
const file = process.argv[2];
if (file) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(file, samlResponse({ key, now: new Date(), roles, sessionDuration: 28800 }));
}
console.log(`IdP (AD FS forms):  ${idp.adfsUrl}   user EXAMPLE\\jane, password demo`);
console.log(`STS double:         ${sts.url}`);
if (file) console.log(`SAMLResponse (valid 5 min) in ${file}`);
console.log(`\nTry:\n  awsblog saml roles --saml-response @${file ?? "<file>"}`);
console.log(`  AWSBLOG_PASSWORD=demo awsblog --endpoint-url ${sts.url} saml login --idp-url '${idp.adfsUrl}' --username 'EXAMPLE\\jane' --all-roles --write-profile '{account}-{role}'`);
process.on("SIGINT", () => {
  void Promise.all([idp.stop(), sts.stop()]).then(() => process.exit(0));
});
