import { db, query, sql, transaction } from "../db";
import { AppError, parse } from "../errors";
import type { Actor } from "../identity/actor";
import { env } from "../env";
import { channelOffered, KIND_INFO, kindInfo, NOTIFICATION_KINDS, type NotificationChannel } from "./kinds";
import { updatePreferencesSchema, type PreferencesDto } from "./schemas";

// Per-person choices: which kinds of notification arrive on which channel. A missing row means the
// kind's default (lib/notifications/kinds.ts).

/** Whether e-mail can be sent at all on this installation. */
export function emailAvailable(): boolean {
  return !!env().SMTP_URL;
}

/** Resolves the channels of many (person, kind) pairs with one query. */
export async function channelsFor(pairs: { userId: string; kind: string }[]): Promise<Map<string, Record<NotificationChannel, boolean>>> {
  const userIds = [...new Set(pairs.map((p) => p.userId))];
  const kinds = [...new Set(pairs.map((p) => p.kind))];
  // Plain SQL (lib/pg.ts): every notification job asks this.
  const rows = userIds.length
    ? await query<{ userId: string; kind: string; channel: NotificationChannel; enabled: boolean }>(
        `SELECT "userId", "kind", "channel"::text AS "channel", "enabled" FROM "NotificationPreference" WHERE "userId" = ANY($1::text[]) AND "kind" = ANY($2::text[])`,
        [userIds, kinds],
      )
    : [];
  const out = new Map<string, Record<NotificationChannel, boolean>>();
  for (const p of pairs) out.set(`${p.userId}|${p.kind}`, { ...kindInfo(p.kind).defaults });
  for (const r of rows) {
    const c = out.get(`${r.userId}|${r.kind}`);
    if (c) c[r.channel] = r.enabled;
  }
  return out;
}

function personOnly(actor: Actor): string {
  if (actor.type !== "USER" || !actor.id) throw new AppError("FORBIDDEN", "Only people have notification preferences.");
  return actor.id;
}

export async function getPreferences(actor: Actor): Promise<PreferencesDto> {
  const userId = personOnly(actor);
  const [user, channels] = await Promise.all([
    db().user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } }),
    channelsFor(NOTIFICATION_KINDS.map((kind) => ({ userId, kind }))),
  ]);
  return {
    email: { available: emailAvailable(), address: user.email },
    kinds: NOTIFICATION_KINDS.map((kind) => ({
      kind,
      label: KIND_INFO[kind].label,
      description: KIND_INFO[kind].description,
      channels: channels.get(`${userId}|${kind}`)!,
      offered: { IN_APP: channelOffered(kind, "IN_APP"), EMAIL: channelOffered(kind, "EMAIL") },
    })),
  };
}

/** Changes the given choices (audited as user.notification_preferences_updated) and returns all. */
export async function updatePreferences(actor: Actor, input: unknown): Promise<PreferencesDto> {
  const userId = personOnly(actor);
  const data = parse(updatePreferencesSchema, input, "Preferences");
  const before = await getPreferences(actor);
  const was = (kind: string, channel: NotificationChannel) => before.kinds.find((k) => k.kind === kind)!.channels[channel];
  const changed = data.preferences.filter((p) => was(p.kind, p.channel) !== p.enabled);
  await transaction(async (tx) => {
    const col = <T>(f: (p: (typeof data.preferences)[number]) => T) => data.preferences.map(f);
    await tx.write(sql`
      INSERT INTO "NotificationPreference" ("userId", "kind", "channel", "enabled", "updatedAt")
      SELECT ${userId}, v.kind, v.channel::"NotificationChannel", v.enabled, (now() AT TIME ZONE 'UTC')
        FROM unnest(${col((p) => p.kind)}::text[], ${col((p) => p.channel)}::text[], ${col((p) => p.enabled)}::boolean[]) AS v(kind, channel, enabled)
      ON CONFLICT ("userId", "kind", "channel") DO UPDATE SET "enabled" = EXCLUDED."enabled", "updatedAt" = EXCLUDED."updatedAt"`);
    tx.audit(actor, {
      action: "user.notification_preferences_updated",
      subjectType: "user",
      subjectId: userId,
      before: Object.fromEntries(changed.map((p) => [`${p.kind}.${p.channel}`, !p.enabled])),
      after: Object.fromEntries(changed.map((p) => [`${p.kind}.${p.channel}`, p.enabled])),
    });
  }, { batched: true });
  return getPreferences(actor);
}
