import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONES: Record<string, BadgeTone> = {
  RUNNING: "info",
  WAITING: "warning",
  COMPLETED: "success",
  FAILED: "danger",
  CANCELLED: "neutral",
  PENDING: "neutral",
  SKIPPED: "neutral",
  COMPENSATED: "neutral",
  COMPENSATING: "warning",
  ACTIVE: "success",
  DEPRECATED: "neutral",
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{status.charAt(0) + status.slice(1).toLowerCase()}</Badge>;
}
