"use client";

import { useDeferredValue, useMemo, useRef, useState, type FormEvent } from "react";
import { Users } from "lucide-react";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/identity/permissions";
import { userPatchSchema, type UserDto } from "@/lib/people/schemas";
import { useAnnouncer } from "@/components/announcer";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { FieldError, FormError, issuesToErrors } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { formErrorsOf } from "@/components/data/api";
import { usePeople } from "@/components/data/queries";
import { AdminList } from "./admin-list";
import { useDeactivateUser, useDirectory, useGroups, useReactivateUser, useUpdateUser } from "./queries";

const COLUMNS: DataColumn<UserDto>[] = [
  {
    id: "name",
    header: "Person",
    meta: { rowHeader: true },
    cell: ({ row: { original: u } }) => (
      <>
        <div className="font-medium text-slate-900">{u.name}</div>
        <div className="text-xs text-slate-500">{u.email}</div>
      </>
    ),
  },
  { id: "role", header: "Role", cell: ({ row: { original: u } }) => <Badge tone="brand">{ROLE_LABELS[u.role]}</Badge> },
  {
    id: "groups",
    header: "Groups",
    cell: ({ row: { original: u } }) => (u.groups.length ? u.groups.map((g) => g.name).join(", ") : <span className="text-slate-500">None</span>),
  },
  { id: "manager", header: "Manager", cell: ({ row: { original: u } }) => u.manager?.name ?? <span className="text-slate-500">None</span> },
  {
    id: "skills",
    header: "Skills",
    cell: ({ row: { original: u } }) => (u.skills.length ? <span className="text-xs">{u.skills.join(", ")}</span> : <span className="text-slate-500">None</span>),
  },
];

type Status = "active" | "inactive" | "all";

export function PeopleView({ myId }: { myId: string }) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [group, setGroup] = useState("");
  const [status, setStatus] = useState<Status>("active");
  const deferredQ = useDeferredValue(q.trim());
  const filters = useMemo(() => ({ q: deferredQ, role, group, status }), [deferredQ, role, group, status]);
  const directory = useDirectory(filters);
  const groups = useGroups();
  const reactivate = useReactivateUser();
  const { announce } = useAnnouncer();
  const [editing, setEditing] = useState<UserDto | null>(null);
  const [leaving, setLeaving] = useState<UserDto | null>(null);
  const [reactivating, setReactivating] = useState<UserDto | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const rows = directory.data?.pages.flatMap((p) => p.data);

  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <h1 className="text-xl font-semibold text-slate-900">People</h1>
      <p className="mb-5 text-sm text-slate-600">
        Everyone who works in Baton: their role, the groups whose queues they serve, their skills and their manager (escalations to &ldquo;the
        assignee&apos;s manager&rdquo; follow this line). Deactivating someone ends their sessions and tokens and routes their open work again.
      </p>

      <form role="search" aria-label="Filter people" className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-4" onSubmit={(e) => e.preventDefault()}>
        <Input label="Search" name="q" type="search" placeholder="Name or e-mail" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
        <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">Any role</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <Select label="Group" name="group" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">Any group</option>
          {groups.data?.data.map((g) => (
            <option key={g.id} value={g.key}>
              {g.name}
            </option>
          ))}
        </Select>
        <Select label="Status" name="status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
          <option value="active">Active</option>
          <option value="inactive">Deactivated</option>
          <option value="all">Everyone</option>
        </Select>
      </form>

      <AdminList title="People" headingRef={heading}>
        <DataTable
          label="People"
          testId="people-table"
          columns={COLUMNS}
          data={rows}
          getRowId={(u) => u.id}
          {...queryState(directory, "people")}
          empty={
            <EmptyState icon={<Users aria-hidden className="size-6" />} title="Nobody matches">
              Try another name, or clear the filters.
            </EmptyState>
          }
          rowProps={(u) => ({ className: u.active ? undefined : "bg-slate-50/60 text-slate-500", "data-person": u.email })}
          actionsLabel="Actions"
          rowActions={(u) =>
            u.active ? (
              <div className="flex justify-end gap-2">
                <Button size="sm" variant="secondary" onClick={() => setEditing(u)}>
                  Edit<span className="sr-only"> {u.name}</span>
                </Button>
                {u.id !== myId && (
                  <Button size="sm" variant="danger" onClick={() => setLeaving(u)}>
                    Deactivate<span className="sr-only"> {u.name}</span>
                  </Button>
                )}
              </div>
            ) : (
              <div className="flex items-center justify-end gap-2">
                <Badge tone="danger">Deactivated</Badge>
                <Button size="sm" variant="secondary" onClick={() => setReactivating(u)}>
                  Reactivate<span className="sr-only"> {u.name}</span>
                </Button>
              </div>
            )
          }
          minWidth="min-w-[820px]"
        />
        {directory.hasNextPage && (
          <div className="border-t border-slate-100 p-3 text-center">
            <Button variant="secondary" loading={directory.isFetchingNextPage} onClick={() => void directory.fetchNextPage()}>
              Load more people
            </Button>
          </div>
        )}
      </AdminList>

      {editing && <EditPersonDialog person={editing} myId={myId} onClose={() => setEditing(null)} />}
      <DeactivateDialog person={leaving} onClose={() => setLeaving(null)} fallbackFocus={() => heading.current} />
      <ConfirmDialog
        open={!!reactivating}
        onClose={() => setReactivating(null)}
        title={reactivating ? `Reactivate ${reactivating.name}?` : "Reactivate"}
        consequence="They can sign in again and routing may give them work. Tokens revoked when they left stay revoked."
        confirmLabel="Reactivate"
        variant="primary"
        onConfirm={() => reactivate.mutateAsync(reactivating!.id)}
        onDone={() => announce(`Reactivated ${reactivating!.name}`)}
        fallbackFocus={() => heading.current}
      />
    </main>
  );
}

type EditErrors = Partial<Record<"name" | "role" | "skills" | "groups" | "managerId" | "reason" | "form", string>>;

const skillList = (text: string) =>
  text
    .split(/[,\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function EditPersonDialog({ person, myId, onClose }: { person: UserDto; myId: string; onClose: () => void }) {
  const update = useUpdateUser();
  const groups = useGroups();
  const people = usePeople();
  const { announce } = useAnnouncer();
  const [name, setName] = useState(person.name);
  const [role, setRole] = useState<RoleName>(person.role);
  const [skills, setSkills] = useState(person.skills.join(", "));
  const [groupKeys, setGroupKeys] = useState(person.groups.map((g) => g.key));
  const [managerId, setManagerId] = useState(person.manager?.id ?? "");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<EditErrors>({});

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = userPatchSchema.safeParse({ name, role, skills: skillList(skills), groups: groupKeys, managerId: managerId || null, ...(reason.trim() ? { reason } : {}) });
    if (!parsed.success) return setErrors(issuesToErrors<keyof EditErrors>(parsed.error.issues));
    setErrors({});
    update.mutate(
      { id: person.id, ...parsed.data },
      {
        onSuccess: (u) => {
          announce(`Saved ${u.name}`);
          onClose();
        },
        onError: (err) => setErrors(formErrorsOf(err)),
      },
    );
  }

  return (
    <Dialog open onClose={onClose} title={`Edit ${person.name}`} description={person.email}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <Input label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} />
        <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role} disabled={person.id === myId}
          hint={person.id === myId ? "Another administrator must change your own role." : undefined}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <Select label="Manager" name="managerId" value={managerId} onChange={(e) => setManagerId(e.target.value)} error={errors.managerId}>
          <option value="">No manager</option>
          {people.data?.data
            .filter((p) => p.id !== person.id)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
        </Select>
        <Input label="Skills" name="skills" hint="Separated by commas, e.g. german, invoices-over-10k." value={skills} onChange={(e) => setSkills(e.target.value)} error={errors.skills} />
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Groups</legend>
          <div className="mt-1 grid max-h-40 grid-cols-1 gap-1.5 overflow-y-auto sm:grid-cols-2">
            {groups.data?.data.map((g) => (
              <label key={g.id} className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name="groups"
                  value={g.key}
                  checked={groupKeys.includes(g.key)}
                  onChange={(e) => setGroupKeys((ks) => (e.target.checked ? [...ks, g.key] : ks.filter((k) => k !== g.key)))}
                  className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-indigo-600"
                />
                {g.name}
              </label>
            ))}
          </div>
          <FieldError error={errors.groups} />
        </fieldset>
        <Textarea label="Reason (optional)" name="reason" rows={2} hint="Kept in the audit trail." value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
        <FormError error={errors.form} />
        <DialogActions submitLabel="Save changes" busy={update.isPending} />
      </form>
    </Dialog>
  );
}

function DeactivateDialog({ person, onClose, fallbackFocus }: { person: UserDto | null; onClose: () => void; fallbackFocus: () => HTMLElement | null }) {
  const deactivate = useDeactivateUser();
  const people = usePeople(!!person);
  const { announce } = useAnnouncer();
  const [reason, setReason] = useState("");
  const [reassignTo, setReassignTo] = useState("");
  const close = () => {
    setReason("");
    setReassignTo("");
    onClose();
  };
  return (
    <ConfirmDialog
      open={!!person}
      onClose={close}
      title={person ? `Deactivate ${person.name}?` : "Deactivate"}
      consequence="They are signed out everywhere and their API tokens stop working now. Their open and claimed tasks go where each task's routing sends them (or to the colleague you choose); escalations naming them follow."
      confirmLabel="Deactivate"
      onConfirm={() => {
        if (!reason.trim()) return Promise.reject(new Error("Say why they are being deactivated."));
        return deactivate.mutateAsync({ id: person!.id, reason, reassignTo: reassignTo || null }).then((r) => announce(`Deactivated ${r.name}; ${r.reroutedTasks} task(s) moved`));
      }}
      onDone={close}
      fallbackFocus={fallbackFocus}
    >
      <Textarea label="Reason" name="deactivateReason" rows={2} required value={reason} onChange={(e) => setReason(e.target.value)} hint="Kept in the audit trail." />
      <Select label="Hand their open work to (optional)" name="reassignTo" value={reassignTo} onChange={(e) => setReassignTo(e.target.value)} hint="Leave empty to route each task again.">
        <option value="">Route again</option>
        {people.data?.data
          .filter((p) => p.id !== person?.id)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
      </Select>
    </ConfirmDialog>
  );
}
