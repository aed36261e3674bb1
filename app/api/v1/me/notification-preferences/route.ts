import { withApi } from "../../../_lib/with-api";
import { getPreferences, updatePreferences } from "@/lib/notifications/preferences";
import { readJson } from "@/lib/http/responses";

/** Which notifications you get, per kind and channel, and whether e-mail is on for this server. */
export const GET = withApi(async ({ actor }) => getPreferences(actor));

/** Change some of them (audited user.notification_preferences_updated). */
export const PUT = withApi(async ({ req, actor }) => updatePreferences(actor, await readJson(req)));
