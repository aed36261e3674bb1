import { forwardRef, type ButtonHTMLAttributes } from "react";
import clsx from "clsx";
import { LoaderCircle } from "lucide-react";

type Variant = "primary" | "secondary" | "ghost" | "danger" | "destructive" | "success";
type Size = "sm" | "md";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-indigo-300",
  secondary: "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400",
  ghost: "text-slate-700 hover:bg-slate-100 disabled:text-slate-400",
  danger: "bg-white text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 disabled:text-red-300",
  // The confirming button of a destructive action (white on red-600 is 4.8:1).
  destructive: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300",
  // emerald-700: white text on emerald-600 is 3.8:1, below WCAG AA (axe color-contrast, serious).
  success: "bg-emerald-700 text-white hover:bg-emerald-800 disabled:bg-emerald-300",
};

const SIZES: Record<Size, string> = {
  sm: "h-8 px-2.5 text-sm gap-1.5",
  md: "h-9 px-3.5 text-sm gap-2",
};

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  size?: Size;
  loading?: boolean;
  /** Keyboard shortcut shown as a hint after the label. */
  shortcut?: string;
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = "secondary", size = "md", loading = false, shortcut, className, children, disabled, type = "button", ...rest },
  ref,
) {
  return (
    <button
      ref={ref}
      type={type}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      className={clsx(
        "inline-flex shrink-0 items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed",
        VARIANTS[variant],
        SIZES[size],
        className,
      )}
      {...rest}
    >
      {loading && <LoaderCircle aria-hidden className="size-4 animate-spin" />}
      {children}
      {shortcut && (
        <kbd
          aria-hidden
          className={clsx(
            "ml-0.5 hidden rounded px-1 font-mono text-[11px] leading-4 sm:inline",
            variant === "primary" || variant === "success" || variant === "destructive" ? "bg-white/20" : "bg-slate-100 text-slate-500",
          )}
        >
          {shortcut}
        </kbd>
      )}
    </button>
  );
});
