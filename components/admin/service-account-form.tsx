"use client";

import { useId, useState, type FormEvent } from "react";
import { createServiceAccountSchema, type CreateServiceAccountInput, type ServiceAccountDto } from "@/lib/identity/schemas";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/identity/permissions";
import { Button } from "@/components/ui/button";
import { Input, Select, Textarea } from "@/components/ui/input";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { formErrorsOf } from "@/components/data/api";

// A service account's name, role and grants: one form for creating one and for editing one.

type AccountErrors = Partial<Record<"name" | "role" | "groups" | "mayStartProcesses" | "mayPostEvents" | "form", string>>;

const list = (text: string, sep: RegExp) =>
  text
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

export interface ServiceAccountFormProps {
  /** The account being edited; absent: a new one. */
  account?: ServiceAccountDto;
  label: string;
  submitLabel: React.ReactNode;
  pending: boolean;
  /** Resolves once saved (the form clears when creating); rejects with the API's error. */
  onSubmit: (input: Required<CreateServiceAccountInput>) => Promise<unknown>;
  onCancel?: () => void;
}

export function ServiceAccountForm({ account, label, submitLabel, pending, onSubmit, onCancel }: ServiceAccountFormProps) {
  const id = useId();
  const [name, setName] = useState(account?.name ?? "");
  const [role, setRole] = useState<RoleName>(account?.role ?? "MEMBER");
  const [groups, setGroups] = useState(account?.groups.join(", ") ?? "");
  const [processes, setProcesses] = useState(account?.mayStartProcesses.join(", ") ?? "");
  const [events, setEvents] = useState(account?.mayPostEvents.join("\n") ?? "");
  const [errors, setErrors] = useState<AccountErrors>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = createServiceAccountSchema.safeParse({ name, role, groups: list(groups, /[,\s]+/), mayStartProcesses: list(processes, /[,\s]+/), mayPostEvents: list(events, /\n/) });
    if (!parsed.success) return setErrors(issuesToErrors<keyof AccountErrors>(parsed.error.issues));
    setErrors({});
    try {
      await onSubmit(parsed.data);
    } catch (err) {
      return setErrors(formErrorsOf(err));
    }
    if (!account) {
      setName("");
      setGroups("");
      setProcesses("");
      setEvents("");
    }
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label={label}>
      <Input label="Account name" name={`${id}-name`} placeholder="e.g. erp-bridge" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={60} />
      <Select label="Account role" name={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABELS[r]}
          </option>
        ))}
      </Select>
      <Input label="Groups whose tasks it may see and decide" name={`${id}-groups`} hint="Group keys, separated by commas." value={groups} onChange={(e) => setGroups(e.target.value)} error={errors.groups} />
      <Input
        label="Processes it may start"
        name={`${id}-processes`}
        hint="Process keys, separated by commas; * for any."
        value={processes}
        onChange={(e) => setProcesses(e.target.value)}
        error={errors.mayStartProcesses}
      />
      <Textarea
        label="Events it may post"
        name={`${id}-events`}
        hint='One "source type" pair a line, e.g. /erp com.acme.invoice.received'
        rows={3}
        value={events}
        onChange={(e) => setEvents(e.target.value)}
        error={errors.mayPostEvents}
      />
      <FormError error={errors.form} />
      <div className="flex gap-2">
        <Button type="submit" variant={account ? "primary" : "secondary"} loading={pending} className="flex-1">
          {submitLabel}
        </Button>
        {onCancel && (
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
