import { differenceInMinutes, format, formatDistanceToNowStrict } from "date-fns";
import type { TaskDto } from "@/lib/tasks/schemas";

const ACRONYMS = new Set(["po", "id", "url", "kyc", "crm", "erp", "sla", "vat", "iban", "api", "so", "pdf"]);

/** camelCase / snake_case key → "PO match", "Document URL", "Requested limit". */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .split(/\s+/)
    .map((w) => w.toLowerCase());
  return words.map((w, i) => (ACRONYMS.has(w) ? w.toUpperCase() : i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(" ");
}

export function formatMoney(amount: number, currency: string | undefined): string {
  if (!currency) return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(amount);
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount);
  } catch {
    return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
  }
}

const MONEY_KEY = /(amount|total|limit|price|cost|value|balance|fee)$/i;

export function isMoneyKey(key: string): boolean {
  return MONEY_KEY.test(key);
}

export function contextCurrency(ctx: Record<string, unknown>): string | undefined {
  return typeof ctx.currency === "string" && /^[A-Z]{3}$/.test(ctx.currency) ? ctx.currency : undefined;
}

/** The part of a task that tells it apart in a list: who (vendor/customer) and how much. */
export function taskHeadline(task: Pick<TaskDto, "context">): { party: string | null; amount: string | null } {
  const c = task.context ?? {};
  const partyRaw = c.vendor ?? c.customer ?? c.counterparty ?? c.requester ?? null;
  const party = typeof partyRaw === "string" ? partyRaw : null;
  const currency = contextCurrency(c);
  const amountKey = Object.keys(c).find((k) => isMoneyKey(k) && typeof c[k] === "number");
  const amount = amountKey ? formatMoney(c[amountKey] as number, currency) : null;
  return { party, amount };
}

/** "2h 10m", "3d 4h", "15m". */
export function compactDuration(minutes: number): string {
  const m = Math.abs(Math.round(minutes));
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

type SlaState = "none" | "ok" | "near" | "overdue";

/** Amber once less than two hours remain; red once past due. */
export function slaState(dueAt: string | null, now: number): { state: SlaState; minutes: number } {
  if (!dueAt) return { state: "none", minutes: 0 };
  const minutes = differenceInMinutes(new Date(dueAt), new Date(now));
  if (minutes < 0) return { state: "overdue", minutes };
  if (minutes < 120) return { state: "near", minutes };
  return { state: "ok", minutes };
}

export function slaText(dueAt: string | null, now: number): string | null {
  const { state, minutes } = slaState(dueAt, now);
  if (state === "none") return null;
  if (state === "overdue") return `overdue ${compactDuration(minutes) === "0m" ? "just now" : compactDuration(minutes)}`;
  return `due in ${compactDuration(Math.max(minutes, 1))}`;
}

export function localDateTime(iso: string): string {
  return format(new Date(iso), "d MMM yyyy, HH:mm");
}

export function relative(iso: string): string {
  return formatDistanceToNowStrict(new Date(iso), { addSuffix: true });
}


export const STATUS_LABEL: Record<TaskDto["status"], string> = {
  OPEN: "Open",
  INFO_REQUESTED: "Info requested",
  DECIDED: "Decided",
  CANCELLED: "Cancelled",
};

export const PRIORITY_LABEL: Record<TaskDto["priority"], string> = { LOW: "Low", NORMAL: "Normal", HIGH: "High", URGENT: "Urgent" };
