import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { env } from "../env";
import { AppError } from "../errors";

// Where an attachment's bytes live (ADR 040): in its own row (PostgreSQL, the default: one
// backup holds everything) or in an S3-compatible bucket (ATTACHMENTS_STORE=s3: large files stay
// out of the database). The row always records which, so switching the setting later keeps every
// earlier file readable from where it was put.

export type StoreName = "postgres" | "s3";

let client: S3Client | undefined;

function s3(): { client: S3Client; bucket: string } {
  const e = env();
  if (!e.S3_BUCKET || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) {
    throw new AppError("SERVICE_UNAVAILABLE", "This attachment is kept in object storage, which is not configured (S3_BUCKET and its keys).");
  }
  client ??= new S3Client({
    region: e.S3_REGION,
    endpoint: e.S3_ENDPOINT,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    credentials: { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY },
  });
  return { client, bucket: e.S3_BUCKET };
}

/** The store new uploads go to. */
export function configuredStore(): StoreName {
  return env().ATTACHMENTS_STORE;
}

/** The object key of an attachment: by date, so a bucket lists in upload order. */
export function objectKey(id: string, now = new Date()): string {
  return `attachments/${now.toISOString().slice(0, 10)}/${id}`;
}

/** Puts the bytes in the bucket (before the row commits: an orphaned object is harmless, a row without bytes is not). */
export async function putObject(key: string, bytes: Uint8Array, contentType: string, sha256: string): Promise<void> {
  const { client, bucket } = s3();
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType, Metadata: { sha256 } }));
}

export async function getObject(key: string): Promise<Uint8Array> {
  const { client, bucket } = s3();
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!out.Body) throw new AppError("NOT_FOUND", "The attachment's content is missing from object storage.");
  return out.Body.transformToByteArray();
}

/** For tests and shutdown: forget the client (a new configuration builds a new one). */
export function resetObjectStore(): void {
  client?.destroy();
  client = undefined;
}
