"use client";

import { useDeferredValue, useMemo, useState, type FormEvent } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { Plus, UsersRound } from "lucide-react";
import { groupCreateSchema, type GroupDetail } from "@/lib/people/schemas";
import { useAnnouncer } from "@/components/announcer";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { formErrorsOf } from "@/components/data/api";
import { AdminList } from "./admin-list";
import { useCreateGroup, useGroupPages } from "./queries";

export const groupHref = (key: string) => `/admin/groups/${encodeURIComponent(key)}`;

/** "a, b, c" → ["a", "b", "c"] (skills typed as one line). */
export const listOf = (text: string) =>
  text
    .split(/[,\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const COLUMNS: DataColumn<GroupDetail>[] = [
  {
    id: "name",
    header: "Group",
    meta: { rowHeader: true },
    cell: ({ row: { original: g } }) => (
      <>
        <Link href={groupHref(g.key)} className="font-medium text-indigo-700 hover:underline focus-visible:outline-indigo-600">
          {g.name}
        </Link>{" "}
        {g.archivedAt && <Badge tone="neutral">Archived</Badge>}
        <div className="font-mono text-xs text-slate-500">{g.key}</div>
      </>
    ),
  },
  { id: "supervisor", header: "Supervisor", cell: ({ row: { original: g } }) => g.supervisor?.name ?? <span className="text-slate-500">None</span> },
  { id: "members", header: "Members", meta: { align: "right" }, cell: ({ row: { original: g } }) => g.memberCount },
  {
    id: "skills",
    header: "Skills",
    cell: ({ row: { original: g } }) => (g.skills.length ? <span className="text-xs">{g.skills.join(", ")}</span> : <span className="text-slate-500">None</span>),
  },
];

type Status = "active" | "archived" | "all";

/** /admin/groups: every team and queue, searchable, with a way to start a new one. */
export function GroupsView() {
  const [q, setQ] = useState("");
  const [status, setStatus] = useState<Status>("active");
  const deferredQ = useDeferredValue(q.trim());
  const filters = useMemo(() => ({ q: deferredQ, status }), [deferredQ, status]);
  const pages = useGroupPages(filters);
  const [creating, setCreating] = useState(false);
  const rows = pages.data?.pages.flatMap((p) => p.data);

  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900">Groups</h1>
        <Button variant="primary" onClick={() => setCreating(true)}>
          <Plus aria-hidden className="size-4" />
          New group
        </Button>
      </div>
      <p className="mb-5 text-sm text-slate-600">
        Teams and queues: who is in them, who supervises them, the skills they offer and the business calendar their deadlines count in.
      </p>

      <form role="search" aria-label="Filter groups" className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-3" onSubmit={(e) => e.preventDefault()}>
        <Input label="Search" name="q" type="search" placeholder="Name or key" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
        <Select label="Status" name="status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
          <option value="active">Active</option>
          <option value="archived">Archived</option>
          <option value="all">All</option>
        </Select>
      </form>

      <AdminList title="Groups">
        <DataTable
          label="Groups"
          testId="groups-table"
          columns={COLUMNS}
          data={rows}
          getRowId={(g) => g.id}
          {...queryState(pages, "groups")}
          empty={
            <EmptyState icon={<UsersRound aria-hidden className="size-6" />} title="No groups match">
              Try another name, or create a new group.
            </EmptyState>
          }
          rowProps={(g) => ({ "data-group": g.key })}
          minWidth="min-w-[640px]"
        />
        {pages.hasNextPage && (
          <div className="border-t border-slate-100 p-3 text-center">
            <Button variant="secondary" loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
              Load more groups
            </Button>
          </div>
        )}
      </AdminList>
      {creating && <CreateGroupDialog onClose={() => setCreating(false)} />}
    </main>
  );
}

type CreateErrors = Partial<Record<"key" | "name" | "description" | "skills" | "form", string>>;

/** Suggests a key from the name ("Motor claims" → "motor-claims") until the key is typed. */
const keyFrom = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);

function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateGroup();
  const router = useRouter();
  const { announce } = useAnnouncer();
  const [name, setName] = useState("");
  const [key, setKey] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const [skills, setSkills] = useState("");
  const [errors, setErrors] = useState<CreateErrors>({});
  const shownKey = key ?? keyFrom(name);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = groupCreateSchema.safeParse({ key: shownKey, name, description: description.trim() || null, skills: listOf(skills) });
    if (!parsed.success) return setErrors(issuesToErrors<keyof CreateErrors>(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (g) => {
        announce(`Created group ${g.name}`);
        router.push(groupHref(g.key));
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <Dialog open onClose={onClose} title="New group" description="Add members, a supervisor and its calendar on the group's page next.">
      <form onSubmit={submit} noValidate className="space-y-4" data-testid="create-group-form">
        <Input label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} autoFocus />
        <Input
          label="Key"
          name="key"
          hint="Used by processes, rules and the API; cannot change later."
          value={shownKey}
          onChange={(e) => setKey(e.target.value)}
          error={errors.key}
          maxLength={100}
          className="font-mono"
        />
        <Textarea label="Description (optional)" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} />
        <Input label="Skills (optional)" name="skills" hint="Separated by commas, e.g. motor, german." value={skills} onChange={(e) => setSkills(e.target.value)} error={errors.skills} />
        <FormError error={errors.form} />
        <DialogActions submitLabel="Create group" busy={create.isPending} />
      </form>
    </Dialog>
  );
}
