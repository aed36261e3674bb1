import type { AttachmentDto } from "@/lib/attachments/schemas";

/** A `file` answer: its files by name (once known), each opening in place when it can (ADR 052). */
export function FileLinks({ ids, files, className = "underline underline-offset-2" }: { ids: string[]; files: AttachmentDto[] | undefined; className?: string }) {
  return (
    <span className="flex flex-wrap gap-x-3">
      {ids.map((id, i) => {
        const f = files?.find((x) => x.id === id);
        return (
          <a key={id} href={`/api/v1/attachments/${encodeURIComponent(id)}/content${f?.previewable ? "?inline=1" : ""}`} target="_blank" rel="noreferrer" className={className}>
            {f?.filename ?? `File ${i + 1}`}
          </a>
        );
      })}
    </span>
  );
}
