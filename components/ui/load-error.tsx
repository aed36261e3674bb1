import { forwardRef } from "react";
import { RefreshCw, TriangleAlert } from "lucide-react";
import { Button } from "./button";
import { EmptyState } from "./empty-state";

/** The "couldn't load" state shared by every list and page: what failed, why, and Retry. */
export const LoadError = forwardRef<HTMLDivElement, { what: string; error: Error | null | undefined; onRetry: () => unknown; retrying?: boolean }>(
  function LoadError({ what, error, onRetry, retrying }, ref) {
    return (
      <EmptyState
        ref={ref}
        tone="danger"
        icon={<TriangleAlert aria-hidden className="size-6" />}
        title={`Couldn't load ${what}`}
        action={
          <Button onClick={() => void onRetry()} loading={retrying}>
            <RefreshCw aria-hidden className="size-4" /> Retry
          </Button>
        }
      >
        {error?.message}
      </EmptyState>
    );
  },
);
