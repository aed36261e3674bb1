import { randomBytes } from "node:crypto";

// Row ids in the shape of Prisma's cuid() (a "c", the time, a counter, randomness; 25 characters),
// for rows inserted with SQL: ordered by creation like the rows the ORM used to write.
let counter = Math.floor(Math.random() * 1_679_616);
// Randomness drawn 4 KiB at a time: one call into the CSPRNG per 512 ids, not one per id.
let entropy: Buffer = Buffer.alloc(0);
let entropyAt = 0;

export function newId(): string {
  counter = (counter + 1) % 1_679_616;
  if (entropyAt + 8 > entropy.length) {
    entropy = randomBytes(4096);
    entropyAt = 0;
  }
  // 12 base-36 digits from 62 random bits (two 31-bit halves, 6 digits each: 36^6 > 2^31).
  const hi = entropy.readUInt32BE(entropyAt) >>> 1;
  const lo = entropy.readUInt32BE(entropyAt + 4) >>> 1;
  entropyAt += 8;
  const random = hi.toString(36).padStart(6, "0") + lo.toString(36).padStart(6, "0");
  return `c${Date.now().toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${random}`;
}
