// `npm run audit:keygen`: prints a new Ed25519 key pair for signing audit checkpoints (ADR 026).
// Put the private key in AUDIT_SIGNING_KEY (a secret store, never the database or its backups);
// the public key is what auditors verify with (GET /api/v1/audit/public-key serves it too).
import { generateKeyPairSync } from "node:crypto";
import { keyIdOf } from "../lib/audit/signing";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
console.log(`AUDIT_SIGNING_KEY=${privateKey.export({ type: "pkcs8", format: "der" }).toString("base64")}`);
console.log(`# public key (base64 SPKI), key id ${keyIdOf(publicKey)}:`);
console.log(`# ${publicKey.export({ type: "spki", format: "der" }).toString("base64")}`);
