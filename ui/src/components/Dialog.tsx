// A modal dialog in the app's overlay style: the focus moves into it when it
// opens, Tab and Shift+Tab stay inside it, Escape closes it, and the focus
// goes back to where it was when it closes. It knows nothing of what it
// shows; the dialogs built on it (the locked project, the History panel)
// decide their content and what closing means.
import { useEffect, useRef, type ReactNode } from "react";

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog({
  label,
  describedBy,
  onClose,
  className,
  centred = false,
  children,
}: {
  /** The dialog's accessible name. */
  label: string;
  /** The id of the element that says what the dialog is about, read out with its name. */
  describedBy?: string;
  /** Escape, and whatever the content wires to it. */
  onClose: () => void;
  /** Classes of the panel, beside `panel`. */
  className?: string;
  /** In the middle of the window (a question), instead of at its right edge (a side panel). */
  centred?: boolean;
  children: ReactNode;
}) {
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // The element marked for it, else the first control, else the panel itself.
    const root = panel.current;
    const first = root?.querySelector<HTMLElement>("[data-autofocus]") ?? root?.querySelector<HTMLElement>(FOCUSABLE) ?? root;
    first?.focus();
    return () => {
      // Back to where the user was, if it is still on the page.
      if (before && before.isConnected) before.focus();
    };
  }, []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== "Tab" || !panel.current) return;
    const focusable = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) {
      e.preventDefault();
      return;
    }
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const at = document.activeElement;
    if (e.shiftKey && (at === first || at === panel.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && at === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className={`overlay${centred ? " centred" : ""}`} onKeyDown={onKeyDown}>
      <div ref={panel} className={`panel${className ? ` ${className}` : ""}`} role="dialog" aria-modal="true" aria-label={label} aria-describedby={describedBy} tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}
