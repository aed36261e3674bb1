import { randomUUID } from "node:crypto";
import { sql, transaction } from "../db";
import { logger } from "../logger";
import { redis, redisKey } from "../redis";
import type { Actor } from "./actor";

// A browser session is a next-auth JWT (auth.ts) that stays valid for 12 h wherever it is copied.
// Two server-side records end it early, both read by the one query every signed-in request
// already makes (loadUserWithScope), so the hot path costs no extra round trip:
//   - RevokedSession: one signed-out session, by the stable id ("sid") put in its JWT at sign-in;
//   - User.sessionsValidAfter: every session of a person signed in before that time.
// Live streams of an ended session learn it from a Redis message (sessionRevocationChannel) and
// close at once.

/** What a session JWT says beyond the person: its id and when its person signed in (ms). */
export type SessionClaims = NonNullable<Actor["session"]>;

export interface SessionRevocation {
  userId: string;
  /** null: every session of the person. */
  sessionId: string | null;
}

/** Whether a session is still current for its person's row (read in the same query as the person). */
export function sessionIsCurrent(user: { sessionsValidAfter: Date | null; sessionRevoked: boolean }, claims: SessionClaims | undefined): boolean {
  if (!claims) return true;
  if (user.sessionRevoked) return false;
  // A session from before the cut-off (or one without a sign-in time, from before sids existed) is over.
  return !user.sessionsValidAfter || claims.authAt > user.sessionsValidAfter.getTime();
}

/** The Redis channel on which ended sessions are announced to the live streams (under REDIS_PREFIX). */
export function sessionRevocationChannel(): string {
  return redisKey("live", "sessions-ended");
}

/** Tells the live streams of a person's (or a service account's tokens') sessions to close now. */
export function announceSessionsEnded(userId: string): Promise<void> {
  return announce({ userId, sessionId: null });
}

function announce(message: SessionRevocation): Promise<void> {
  return redis()
    .publish(sessionRevocationChannel(), JSON.stringify(message))
    .then(
      () => undefined,
      (err: unknown) => logger.warn({ err: String(err) }, "session revocation not published: streams end at their next heartbeat"),
    );
}

/**
 * Signs one session out on the server (next-auth's signOut event): its JWT is refused from now on
 * even where a copy of the cookie survives, until it would have expired anyway.
 */
export async function endSession(session: { userId: string; userName?: string; sessionId: string; expiresAt: Date }, meta: { ip?: string; userAgent?: string } = {}): Promise<void> {
  await transaction(
    async (tx) => {
      await tx.write(sql`INSERT INTO "RevokedSession" ("id", "userId", "expiresAt") VALUES (${session.sessionId}, ${session.userId}, ${session.expiresAt})
        ON CONFLICT ("id") DO NOTHING`);
      tx.audit({ type: "USER", id: session.userId, name: session.userName ?? session.userId, ...meta }, { action: "user.logout", subjectType: "user", subjectId: session.userId });
    },
    { batched: true },
  );
  await announce({ userId: session.userId, sessionId: session.sessionId });
}

/**
 * Ends every session and live stream of a person at once (deactivation, "sign out everywhere"):
 * sessions signed in before now are refused. API tokens are not sessions: revoke those apart.
 */
export async function endSessionsOf(actor: Actor, personId: string, reason?: string): Promise<void> {
  const now = new Date();
  await transaction(async (tx) => {
    const [before] = await tx.query<{ sessionsValidAfter: Date | null }>(sql`SELECT "sessionsValidAfter" FROM "User" WHERE "id" = ${personId} FOR UPDATE`);
    if (!before) return;
    await tx.update("User", { sessionsValidAfter: now }, sql`"id" = ${personId}`);
    tx.audit(actor, {
      action: "user.sessions_ended",
      subjectType: "user",
      subjectId: personId,
      before: { sessionsValidAfter: before.sessionsValidAfter?.toISOString() ?? null },
      after: { sessionsValidAfter: now.toISOString() },
      ...(reason ? { reason } : {}),
    });
  });
  await announce({ userId: personId, sessionId: null });
}

/** The claims a new session's JWT carries (auth.ts, at sign-in): a stable id and the sign-in time. */
export function newSessionClaims(): { sid: string; authAt: number } {
  return { sid: randomUUID(), authAt: Date.now() };
}

/**
 * next-auth's signOut event for a JWT session: records the session as ended. A JWT without a
 * session id (issued before they existed) cannot be named alone: it is left to expire.
 */
export async function endSessionOfJwt(token: Record<string, unknown> | null | undefined): Promise<void> {
  if (!token || typeof token.uid !== "string" || typeof token.sid !== "string") return;
  // Kept until the JWT itself expires (12 h at most), then the retention job removes it.
  const expiresAt = new Date(typeof token.exp === "number" ? token.exp * 1000 : Date.now() + 12 * 3_600_000);
  await endSession({ userId: token.uid, userName: typeof token.name === "string" ? token.name : undefined, sessionId: token.sid, expiresAt });
}
