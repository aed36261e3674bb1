import { forwardRef, type ReactNode } from "react";
import clsx from "clsx";

interface EmptyStateProps {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
  tone?: "neutral" | "danger";
  /** The title is the page's heading when this empty state is all the page shows (every page has an h1). */
  pageHeading?: boolean;
}

/** A calm placeholder; focusable (tabIndex -1) so focus can land here when a list empties. */
export const EmptyState = forwardRef<HTMLDivElement, EmptyStateProps>(function EmptyState({ icon, title, children, action, className, tone = "neutral", pageHeading = false }, ref) {
  const Title = pageHeading ? "h1" : "p";
  return (
    <div
      ref={ref}
      tabIndex={-1}
      className={clsx(
        "flex flex-col items-center justify-center gap-2 px-6 py-12 text-center focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600",
        className,
      )}
    >
      {icon && <div className={clsx("mb-1 rounded-full p-3", tone === "danger" ? "bg-red-50 text-red-600" : "bg-slate-100 text-slate-500")}>{icon}</div>}
      <Title className="text-base font-semibold text-slate-900">{title}</Title>
      {children && <div className="max-w-sm text-sm text-slate-600">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
});
