"use client";

import { useDeferredValue, useEffect, useId, useRef, useState, type FormEvent } from "react";
import Link from "next/link";
import { ArrowLeft, CalendarClock, UsersRound } from "lucide-react";
import { groupPatchSchema, type GroupDetail, type GroupMembersPage } from "@/lib/people/schemas";
import { calendarInputSchema, fromMinute, toMinute, WEEKDAY_LABELS, WEEKDAYS, type CalendarDto, type Weekday } from "@/lib/sla/schemas";
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

type Hours = Record<Weekday, { start: string; end: string }[]>;
const MAX_INTERVALS = 6;

/** A new interval for a day: the hours of the nearest day above with hours, or after the day's last interval. */
function nextInterval(hours: Hours, day: Weekday): { start: string; end: string }[] {
  const own = hours[day];
  const last = own[own.length - 1];
  if (last) {
    const start = Math.min(toMinute(last.end) + 60, 23 * 60);
    return [...own, { start: fromMinute(start), end: fromMinute(Math.min(start + 4 * 60, 24 * 60)) }];
  }
  const above = WEEKDAYS.slice(0, WEEKDAYS.indexOf(day)).reverse().find((d) => hours[d].length > 0);
  return above ? hours[above].map((iv) => ({ ...iv })) : [{ start: "09:00", end: "17:00" }];
}

function CalendarForm({ groupKey, calendar }: { groupKey: string; calendar: CalendarDto }) {
  const save = useSetCalendar(groupKey);
  const { announce } = useAnnouncer();
  const [timeZone, setTimeZone] = useState(calendar.timeZone);
  const [hours, setHours] = useState<Hours>(() => ({ ...calendar.hours }));
  const [holidays, setHolidays] = useState(calendar.holidays.join("\n"));
  // Errors by field path: "timeZone", "hours.fri.1.end", "holidays", "form".
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The control to focus after the next render (an added interval, the day's add button after a removal, the first error).
  const focusNext = useRef<string | null>(null);
  const [zones] = useState<string[]>(() => [...new Set(["UTC", ...(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [])])]);
  const idPrefix = useId();
  const fieldId = (...parts: (string | number)[]) => `${idPrefix}-${parts.join("-")}`;

  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });

  const setDay = (day: Weekday, intervals: { start: string; end: string }[]) => setHours((h) => ({ ...h, [day]: intervals }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = calendarInputSchema.safeParse({ timeZone: timeZone.trim(), hours, holidays: listOf(holidays) });
    if (!parsed.success) {
      const found: Record<string, string> = {};
      // "holidays.2" → the holidays field; an interval's error stays on its own input.
      for (const i of parsed.error.issues) found[i.path[0] === "holidays" ? "holidays" : i.path.join(".")] ??= i.message;
      setErrors(found);
      const first = parsed.error.issues[0]?.path;
      if (first?.[0] === "hours" && first.length === 4) focusNext.current = fieldId(String(first[1]), Number(first[2]), String(first[3]));
      return;
    }
    setErrors({});
    save.mutate(parsed.data, { onSuccess: () => announce("Saved the calendar"), onError: (err) => setErrors(formErrorsOf(err)) });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" data-testid="calendar-form">
      <p className="text-sm text-slate-600">
        Deadlines, reminders and escalations that count business hours use this calendar, for tasks created from now on.
        {!calendar.custom && " Until you save it, the default applies."}
      </p>
      <Input label="Time zone" name="timeZone" list="calendar-time-zones" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} error={errors.timeZone} hint="An IANA zone, e.g. Europe/Berlin." />
      <datalist id="calendar-time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <fieldset aria-describedby={errors.hours ? fieldId("hours-error") : fieldId("hours-hint")}>
        <legend className="text-sm font-medium text-slate-800">Working hours</legend>
        <p id={fieldId("hours-hint")} className="text-xs text-slate-500">
          Each day may have several intervals, e.g. a lunch break. A day without hours is a day off.
        </p>
        <FieldError id={fieldId("hours-error")} error={errors.hours} />
        <div className="mt-2 divide-y divide-slate-100" data-testid="calendar-hours">
          {WEEKDAYS.map((day) => {
            const label = WEEKDAY_LABELS[day];
            const intervals = hours[day];
            return (
              <fieldset key={day} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-start" data-day={day}>
                <legend className="sr-only">{label}</legend>
                <span aria-hidden className="w-24 shrink-0 pt-1.5 text-sm font-medium text-slate-700 sm:pt-7">
                  {label}
                </span>
                <div className="min-w-0 flex-1 space-y-2">
                  {intervals.length === 0 && <p className="pt-1.5 text-sm text-slate-500 sm:pt-7">Day off</p>}
                  {intervals.map((iv, i) => {
                    const path = `hours.${day}.${i}`;
                    return (
                      <div key={i} className="flex flex-wrap items-start gap-2">
                        <Input
                          id={fieldId(day, i, "start")}
                          className="w-32"
                          type="time"
                          label={<>From<span className="sr-only"> ({label}, interval {i + 1})</span></>}
                          value={iv.start}
                          onChange={(e) => setDay(day, intervals.map((x, k) => (k === i ? { ...x, start: e.target.value } : x)))}
                          error={errors[`${path}.start`]}
                        />
                        <Input
                          id={fieldId(day, i, "end")}
                          className="w-32"
                          type="time"
                          label={<>To<span className="sr-only"> ({label}, interval {i + 1})</span></>}
                          value={iv.end === "24:00" ? "23:59" : iv.end}
                          onChange={(e) => setDay(day, intervals.map((x, k) => (k === i ? { ...x, end: e.target.value } : x)))}
                          error={errors[`${path}.end`] ?? errors[path]}
                        />
                        <Button
                          size="sm"
                          variant="ghost"
                          className="sm:mt-6"
                          onClick={() => {
                            setDay(day, intervals.filter((_, k) => k !== i));
                            focusNext.current = fieldId(day, "add");
                          }}
                        >
                          Remove<span className="sr-only"> {iv.start}–{iv.end} on {label}</span>
                        </Button>
                      </div>
                    );
                  })}
                  <FieldError error={errors[`hours.${day}`]} />
                  {intervals.length < MAX_INTERVALS && (
                    <Button
                      id={fieldId(day, "add")}
                      size="sm"
                      variant="secondary"
                      onClick={() => {
                        setDay(day, nextInterval(hours, day));
                        focusNext.current = fieldId(day, intervals.length, "start");
                      }}
                    >
                      {intervals.length ? "Add interval" : "Add hours"}
                      <span className="sr-only"> on {label}</span>
                    </Button>
                  )}
                </div>
              </fieldset>
            );
          })}
        </div>
      </fieldset>
      <Textarea label="Holidays" name="holidays" rows={3} hint="One date a line (YYYY-MM-DD), in the calendar's time zone." value={holidays} onChange={(e) => setHolidays(e.target.value)} error={errors.holidays} />
      <FormError error={errors.form} />
      <Button type="submit" variant="primary" loading={save.isPending}>
        Save calendar
      </Button>
    </form>
  );
}
