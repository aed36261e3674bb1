import { redis, redisKey } from "../redis";
import { logger } from "../logger";

// Ending a person's sessions at once (deactivation, and logout everywhere). A browser session is
// a signed cookie checked against the person on every request (actorForUser refuses anyone
// inactive), so what is left to end is what stays open between requests: live streams. They
// listen on this channel and close the streams of the people named on it.

/** The pub/sub channel that names people whose sessions just ended (under REDIS_PREFIX). */
export function sessionsEndedChannel(): string {
  return redisKey("sessions", "ended");
}

/** Ends the person's open live streams now (fire-and-forget: the next request is refused anyway). */
export function endSessionsOf(personId: string): void {
  redis()
    .publish(sessionsEndedChannel(), personId)
    .catch((err: unknown) => logger.warn({ err: String(err) }, "session end not published"));
}
