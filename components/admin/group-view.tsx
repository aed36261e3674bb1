"use client";

import { useDeferredValue, useRef, useState, type FormEvent } from "react";
import Link from "next/link";
import { ArrowLeft, CalendarClock, UsersRound } from "lucide-react";
import { groupPatchSchema, type GroupDetail, type GroupMembersPage } from "@/lib/people/schemas";
import { calendarInputSchema, type CalendarDto } from "@/lib/sla/schemas";
import { ROLE_LABELS } from "@/lib/identity/permissions";
import { useAnnouncer } from "@/components/announcer";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { DataTable, queryState, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { FieldError, FormError, issuesToErrors } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { LoadError } from "@/components/ui/load-error";
import { Skeleton } from "@/components/ui/skeleton";
import { formErrorsOf } from "@/components/data/api";
import { AdminList } from "./admin-list";
import { listOf } from "./groups-view";
import { PersonPicker } from "./person-picker";
import { useAddMembers, useArchiveGroup, useCalendar, useGroup, useGroupMembers, useRemoveMember, useSetCalendar, useUpdateGroup } from "./queries";

/** /admin/groups/[key]: the group's details, members and business calendar. */
export function GroupView({ groupKey }: { groupKey: string }) {
  const group = useGroup(groupKey);
  if (group.isPending) {
    return (
      <main id="main" aria-busy="true" className="mx-auto w-full max-w-5xl flex-1 space-y-4 px-4 py-6 sm:px-6">
        <Skeleton className="h-7 w-1/3" />
        <Skeleton className="h-40 w-full" />
      </main>
    );
  }
  if (group.isError) {
    return (
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6">
        <LoadError what="the group" error={group.error} onRetry={() => void group.refetch()} retrying={group.isFetching} />
      </main>
    );
  }
  return <GroupPage group={group.data} />;
}

function GroupPage({ group }: { group: GroupDetail }) {
  const archive = useArchiveGroup(group.key);
  const { announce } = useAnnouncer();
  const [confirming, setConfirming] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const archived = !!group.archivedAt;
  return (
    <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:px-6">
      <Link href="/admin/groups" className="mb-3 inline-flex items-center gap-1 text-sm text-indigo-700 hover:underline">
        <ArrowLeft aria-hidden className="size-4" /> All groups
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 ref={heading} tabIndex={-1} className="text-xl font-semibold text-slate-900 outline-none">
            {group.name} {archived && <Badge tone="neutral">Archived</Badge>}
          </h1>
          <p className="font-mono text-xs text-slate-500">{group.key}</p>
        </div>
        <Button variant={archived ? "secondary" : "danger"} onClick={() => setConfirming(true)}>
          {archived ? "Restore group" : "Archive group"}
        </Button>
      </div>
      {group.externalId && <p className="mt-2 text-sm text-amber-800">Provisioned by your identity provider (SCIM): changes made there overwrite these.</p>}

      <div className="mt-5 grid grid-cols-1 gap-5 lg:grid-cols-2">
        <DetailsSection group={group} disabled={archived} />
        <CalendarSection groupKey={group.key} />
      </div>
      <MembersSection group={group} disabled={archived} />

      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={archived ? `Restore ${group.name}?` : `Archive ${group.name}?`}
        consequence={
          archived
            ? "It takes work again and shows in the pickers."
            : "It takes no new work and leaves the pickers; its members and history stay. Refused while open tasks wait in its queue."
        }
        confirmLabel={archived ? "Restore" : "Archive"}
        variant={archived ? "primary" : "destructive"}
        onConfirm={() => archive.mutateAsync(!archived)}
        onDone={() => announce(archived ? `Restored ${group.name}` : `Archived ${group.name}`)}
        fallbackFocus={() => heading.current}
      />
    </main>
  );
}

function Section({ id, title, icon, children }: { id: string; title: string; icon?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="h-fit rounded-xl bg-white p-4 ring-1 ring-slate-200">
      <h2 id={id} className="mb-3 flex items-center gap-2 text-sm font-semibold text-slate-900">
        {icon}
        {title}
      </h2>
      {children}
    </section>
  );
}

type DetailErrors = Partial<Record<"name" | "description" | "skills" | "supervisorId" | "form", string>>;

function DetailsSection({ group, disabled }: { group: GroupDetail; disabled: boolean }) {
  const update = useUpdateGroup(group.key);
  const { announce } = useAnnouncer();
  const [name, setName] = useState(group.name);
  const [description, setDescription] = useState(group.description ?? "");
  const [skills, setSkills] = useState(group.skills.join(", "));
  const [errors, setErrors] = useState<DetailErrors>({});

  function save(body: unknown, done: string) {
    const parsed = groupPatchSchema.safeParse(body);
    if (!parsed.success) return setErrors(issuesToErrors<keyof DetailErrors>(parsed.error.issues));
    setErrors({});
    update.mutate(parsed.data, { onSuccess: () => announce(done), onError: (err) => setErrors(formErrorsOf(err)) });
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    save({ name, description: description.trim() || null, skills: listOf(skills) }, `Saved ${name}`);
  }

  return (
    <Section id="group-details" title="Details">
      <form onSubmit={submit} noValidate className="space-y-4" data-testid="group-details-form">
        <Input label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} maxLength={200} disabled={disabled} />
        <Textarea label="Description" name="description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} error={errors.description} disabled={disabled} />
        <Input label="Skills" name="skills" hint="The skills this team offers, separated by commas." value={skills} onChange={(e) => setSkills(e.target.value)} error={errors.skills} disabled={disabled} />
        <FormError error={errors.form} />
        <Button type="submit" variant="primary" loading={update.isPending} disabled={disabled}>
          Save details
        </Button>
      </form>
      <div className="mt-5 border-t border-slate-100 pt-4">
        <p className="text-sm font-medium text-slate-800">Supervisor</p>
        <p className="mb-2 text-sm text-slate-700" data-testid="group-supervisor">
          {group.supervisor?.name ?? <span className="text-slate-500">None</span>}
          {group.supervisor && !disabled && (
            <Button size="sm" variant="ghost" className="ml-2" onClick={() => save({ supervisorId: null }, "Removed the supervisor")}>
              Remove<span className="sr-only"> the supervisor</span>
            </Button>
          )}
        </p>
        {!disabled && (
          <PersonPicker
            label="Set the supervisor"
            name="supervisor"
            action="Make supervisor"
            exclude={group.supervisor ? [group.supervisor.id] : []}
            busy={update.isPending}
            onPick={(p) => save({ supervisorId: p.id }, `${p.name} supervises ${group.name}`)}
          />
        )}
        <FieldError error={errors.supervisorId} />
      </div>
    </Section>
  );
}

const MEMBER_COLUMNS: DataColumn<GroupMembersPage["data"][number]>[] = [
  {
    id: "name",
    header: "Member",
    meta: { rowHeader: true },
    cell: ({ row: { original: m } }) => (
      <>
        <div className="font-medium text-slate-900">
          {m.name} {!m.active && <Badge tone="danger">Deactivated</Badge>}
        </div>
        <div className="text-xs text-slate-500">{m.email}</div>
      </>
    ),
  },
  { id: "role", header: "Role", cell: ({ row: { original: m } }) => ROLE_LABELS[m.role] },
  { id: "skills", header: "Skills", cell: ({ row: { original: m } }) => (m.skills.length ? <span className="text-xs">{m.skills.join(", ")}</span> : <span className="text-slate-500">None</span>) },
];

function MembersSection({ group, disabled }: { group: GroupDetail; disabled: boolean }) {
  const [q, setQ] = useState("");
  const deferred = useDeferredValue(q.trim());
  const members = useGroupMembers(group.key, deferred);
  const add = useAddMembers(group.key);
  const remove = useRemoveMember(group.key);
  const { announce } = useAnnouncer();
  const [problem, setProblem] = useState<string | null>(null);
  const rows = members.data?.pages.flatMap((p) => p.data);
  return (
    <div className="mt-5">
      <AdminList title={`Members (${group.memberCount})`}>
        <div className="grid grid-cols-1 gap-4 border-b border-slate-100 p-4 sm:grid-cols-2">
          <Input label="Search members" name="memberSearch" type="search" placeholder="Name or e-mail" value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} />
          {!disabled && (
            <PersonPicker
              label="Add a member"
              name="addMember"
              action="Add"
              busy={add.isPending}
              onPick={(p) =>
                add.mutate([p.id], {
                  onSuccess: () => {
                    setProblem(null);
                    announce(`Added ${p.name} to ${group.name}`);
                  },
                  onError: (err) => setProblem(err.message),
                })
              }
            />
          )}
          <FormError error={problem} className="sm:col-span-2" />
        </div>
        <DataTable
          label="Members"
          testId="members-table"
          columns={MEMBER_COLUMNS}
          data={rows}
          getRowId={(m) => m.id}
          {...queryState(members, "members")}
          empty={
            <EmptyState icon={<UsersRound aria-hidden className="size-6" />} title={deferred ? "Nobody matches" : "No members yet"}>
              {deferred ? "Try another name." : "Add people with the search above."}
            </EmptyState>
          }
          rowProps={(m) => ({ "data-member": m.email })}
          actionsLabel="Actions"
          rowActions={(m) =>
            disabled ? null : (
              <Button
                size="sm"
                variant="danger"
                loading={remove.isPending && remove.variables === m.id}
                onClick={() => remove.mutate(m.id, { onSuccess: () => announce(`Removed ${m.name} from ${group.name}`), onError: (err) => setProblem(err.message) })}
              >
                Remove<span className="sr-only"> {m.name}</span>
              </Button>
            )
          }
          minWidth="min-w-[560px]"
        />
        {members.hasNextPage && (
          <div className="border-t border-slate-100 p-3 text-center">
            <Button variant="secondary" loading={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()}>
              Load more members
            </Button>
          </div>
        )}
      </AdminList>
    </div>
  );
}

const WEEKDAYS = [
  [1, "Mon"],
  [2, "Tue"],
  [3, "Wed"],
  [4, "Thu"],
  [5, "Fri"],
  [6, "Sat"],
  [7, "Sun"],
] as const;

function CalendarSection({ groupKey }: { groupKey: string }) {
  const calendar = useCalendar(groupKey);
  return (
    <Section id="group-calendar" title="Business calendar" icon={<CalendarClock aria-hidden className="size-4 text-slate-500" />}>
      {calendar.isPending ? (
        <Skeleton className="h-48 w-full" />
      ) : calendar.isError ? (
        <LoadError what="the calendar" error={calendar.error} onRetry={() => void calendar.refetch()} retrying={calendar.isFetching} />
      ) : (
        <CalendarForm groupKey={groupKey} calendar={calendar.data} />
      )}
    </Section>
  );
}

type CalendarErrors = Partial<Record<"timeZone" | "workingDays" | "start" | "end" | "holidays" | "form", string>>;

function CalendarForm({ groupKey, calendar }: { groupKey: string; calendar: CalendarDto }) {
  const save = useSetCalendar(groupKey);
  const { announce } = useAnnouncer();
  const [timeZone, setTimeZone] = useState(calendar.timeZone);
  const [days, setDays] = useState<number[]>(calendar.workingDays);
  const [start, setStart] = useState(calendar.start);
  const [end, setEnd] = useState(calendar.end);
  const [holidays, setHolidays] = useState(calendar.holidays.join("\n"));
  const [errors, setErrors] = useState<CalendarErrors>({});
  const [zones] = useState<string[]>(() => [...new Set(["UTC", ...(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [])])]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = calendarInputSchema.safeParse({ timeZone: timeZone.trim(), workingDays: days, start, end, holidays: listOf(holidays) });
    if (!parsed.success) {
      // "holidays.2" → the holidays field.
      return setErrors(issuesToErrors<keyof CalendarErrors>(parsed.error.issues.map((i) => ({ ...i, path: i.path.slice(0, 1) }))));
    }
    setErrors({});
    save.mutate(parsed.data, { onSuccess: () => announce("Saved the calendar"), onError: (err) => setErrors(formErrorsOf(err)) });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="calendar-form">
      <p className="text-sm text-slate-600">
        Deadlines and escalations that count business hours use this calendar, for tasks created from now on.
        {!calendar.custom && " Until you save it, the default applies."}
      </p>
      <Input label="Time zone" name="timeZone" list="calendar-time-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} error={errors.timeZone} hint="An IANA zone, e.g. Europe/Berlin." />
      <datalist id="calendar-time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Working days</legend>
        <div className="mt-1 flex flex-wrap gap-3">
          {WEEKDAYS.map(([n, label]) => (
            <label key={n} className="flex items-center gap-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                name="workingDays"
                value={n}
                checked={days.includes(n)}
                onChange={(e) => setDays((d) => (e.target.checked ? [...d, n].sort() : d.filter((x) => x !== n)))}
                className="size-4 rounded border-slate-300 accent-indigo-600"
              />
              {label}
            </label>
          ))}
        </div>
        <FieldError error={errors.workingDays} />
      </fieldset>
      <div className="grid grid-cols-2 gap-3">
        <Input label="Work starts" name="start" type="time" value={start} onChange={(e) => setStart(e.target.value)} error={errors.start} />
        <Input label="Work ends" name="end" type="time" value={end} onChange={(e) => setEnd(e.target.value)} error={errors.end} />
      </div>
      <Textarea label="Holidays" name="holidays" rows={3} hint="One date a line (YYYY-MM-DD), in the calendar's time zone." value={holidays} onChange={(e) => setHolidays(e.target.value)} error={errors.holidays} />
      <FormError error={errors.form} />
      <Button type="submit" variant="primary" loading={save.isPending}>
        Save calendar
      </Button>
    </form>
  );
}
