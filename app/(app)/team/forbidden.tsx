import { NoAccess } from "@/components/no-access";

/** Rendered with HTTP 403 when someone without team:manage opens /team. */
export default function TeamForbidden() {
  return <NoAccess what="the supervisor console" permission="team:manage" />;
}
