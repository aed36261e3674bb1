"use client";

import { useDeferredValue, useMemo, useRef, useState, type FormEvent } from "react";
import { MailPlus, Users } from "lucide-react";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/identity/permissions";
import { inviteInputSchema, userPatchSchema, type UserDto } from "@/lib/people/schemas";
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
import { useDeactivateUser, useDirectory, useGroups, useInvitePerson, useReactivateUser, useResendInvitation, useRevokeInvitation, useUpdateUser } from "./queries";

const COLUMNS: DataColumn<UserDto>[] = [
  {
    id: "name",
    header: "Person",
    meta: { rowHeader: true },
    cell: ({ row: { original: u } }) => (
      <>
        <div className="font-medium text-slate-900">
          {u.name}{" "}
          {u.invitation && (
            <span data-testid="invitation-status">
              <Badge tone={u.invitation.status === "pending" ? "warning" : "neutral"}>
                {u.invitation.status === "pending" ? "Invited" : u.invitation.status === "expired" ? "Invitation expired" : "Invitation revoked"}
              </Badge>
            </span>
          )}
        </div>
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
  const [inviting, setInviting] = useState(false);
  const [revoking, setRevoking] = useState<UserDto | null>(null);
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const heading = useRef<HTMLHeadingElement>(null);
  const rows = directory.data?.pages.flatMap((p) => p.data);

  return (
    <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <h1 className="text-xl font-semibold text-slate-900">People</h1>
        <Button variant="primary" onClick={() => setInviting(true)}>
          <MailPlus aria-hidden className="size-4" />
          Invite a person
        </Button>
      </div>
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
              <div className="flex flex-wrap justify-end gap-2">
                {u.invitation && (
                  <Button
                    size="sm"
                    variant="secondary"
                    loading={resend.isPending && resend.variables === u.id}
                    onClick={() =>
                      resend.mutate(u.id, {
                        onSuccess: (r) => announce(r.emailSent ? `Sent ${u.name} a new invitation` : `New invitation for ${u.name} created, but the e-mail could not be sent`),
                        onError: (err) => announce(err.message),
                      })
                    }
                  >
                    Resend invitation<span className="sr-only"> to {u.name}</span>
                  </Button>
                )}
                {u.invitation?.status === "pending" && (
                  <Button size="sm" variant="secondary" onClick={() => setRevoking(u)}>
                    Revoke invitation<span className="sr-only"> of {u.name}</span>
                  </Button>
                )}
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
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      <ConfirmDialog
        open={!!revoking}
        onClose={() => setRevoking(null)}
        title={revoking ? `Revoke ${revoking.name}'s invitation?` : "Revoke invitation"}
        consequence="The link in their e-mail stops working. They stay in the directory: resend an invitation later, or deactivate them."
        confirmLabel="Revoke"
        onConfirm={() => revoke.mutateAsync(revoking!.id)}
        onDone={() => announce(`Revoked ${revoking!.name}'s invitation`)}
        fallbackFocus={() => heading.current}
      />
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
        <OrgFields exclude={person.id} managerId={managerId} setManagerId={setManagerId} skills={skills} setSkills={setSkills} groupKeys={groupKeys} setGroupKeys={setGroupKeys} errors={errors} />
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

/** Manager, skills and groups: the same fields when inviting a person and when editing one. */
function OrgFields(p: {
  exclude?: string;
  managerId: string;
  setManagerId: (v: string) => void;
  skills: string;
  setSkills: (v: string) => void;
  groupKeys: string[];
  setGroupKeys: (f: (ks: string[]) => string[]) => void;
  errors: Partial<Record<"managerId" | "skills" | "groups", string>>;
}) {
  const groups = useGroups();
  const people = usePeople();
  return (
    <>
      <Select label="Manager" name="managerId" value={p.managerId} onChange={(e) => p.setManagerId(e.target.value)} error={p.errors.managerId}>
        <option value="">No manager</option>
        {people.data?.data
          .filter((x) => x.id !== p.exclude)
          .map((x) => (
            <option key={x.id} value={x.id}>
              {x.name} ({x.email})
            </option>
          ))}
      </Select>
      <Input label="Skills" name="skills" hint="Separated by commas, e.g. german, invoices-over-10k." value={p.skills} onChange={(e) => p.setSkills(e.target.value)} error={p.errors.skills} />
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Groups</legend>
        <div className="mt-1 grid max-h-40 grid-cols-1 gap-1.5 overflow-y-auto sm:grid-cols-2">
          {groups.data?.data.map((g) => (
            <label key={g.id} className="flex items-center gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                name="groups"
                value={g.key}
                checked={p.groupKeys.includes(g.key)}
                onChange={(e) => p.setGroupKeys((ks) => (e.target.checked ? [...ks, g.key] : ks.filter((k) => k !== g.key)))}
                className="size-4 rounded border-slate-300 accent-indigo-600 focus-visible:outline-indigo-600"
              />
              {g.name}
            </label>
          ))}
        </div>
        <FieldError error={p.errors.groups} />
      </fieldset>
    </>
  );
}

type InviteErrors = Partial<Record<"name" | "email" | "role" | "skills" | "groups" | "managerId" | "form", string>>;

function InviteDialog({ onClose }: { onClose: () => void }) {
  const invite = useInvitePerson();
  const { announce } = useAnnouncer();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<RoleName>("MEMBER");
  const [skills, setSkills] = useState("");
  const [groupKeys, setGroupKeys] = useState<string[]>([]);
  const [managerId, setManagerId] = useState("");
  const [errors, setErrors] = useState<InviteErrors>({});

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = inviteInputSchema.safeParse({ name, email, role, skills: skillList(skills), groups: groupKeys, managerId: managerId || null });
    if (!parsed.success) return setErrors(issuesToErrors<keyof InviteErrors>(parsed.error.issues));
    setErrors({});
    invite.mutate(parsed.data, {
      onSuccess: (r) => {
        announce(r.emailSent ? `Invited ${r.user.name}: the e-mail is on its way` : `Added ${r.user.name}, but the invitation e-mail could not be sent: resend it later`);
        onClose();
      },
      onError: (err) => setErrors(formErrorsOf(err)),
    });
  }

  return (
    <Dialog open onClose={onClose} title="Invite a person" description="They get an e-mail with a link to set their password (or to sign in with single sign-on). The link works once, for 7 days.">
      <form onSubmit={submit} noValidate className="space-y-4" data-testid="invite-form">
        <Input label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} autoFocus />
        <Input label="E-mail" name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} maxLength={254} />
        <Select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} error={errors.role}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        <OrgFields managerId={managerId} setManagerId={setManagerId} skills={skills} setSkills={setSkills} groupKeys={groupKeys} setGroupKeys={setGroupKeys} errors={errors} />
        <FormError error={errors.form} />
        <DialogActions submitLabel="Send invitation" busy={invite.isPending} />
      </form>
    </Dialog>
  );
}
