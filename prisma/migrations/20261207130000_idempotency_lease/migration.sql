-- Idempotency-Key (ADR 027): an in-progress key holds a lease that expires, the attempt holding
-- it is named by a token, and the first answer's headers are kept for replays.
ALTER TABLE "IdempotencyRecord" ADD COLUMN "headers" JSONB,
ADD COLUMN "leaseUntil" TIMESTAMP(3),
ADD COLUMN "token" TEXT;
