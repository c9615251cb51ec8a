import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button that opens a small panel of controls (checkbox lists): Esc or a click outside closes
 * it and gives the focus back to the button; the first control takes the focus on opening.
 */
export function Dropdown({
  label,
  buttonText,
  children,
  className,
}: {
  /** Accessible name of the button (and of the panel). */
  label: string;
  buttonText: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = `${useId().replaceAll(':', '')}-panel`;

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (event.target instanceof Node && !rootRef.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    rootRef.current?.querySelector<HTMLElement>(`#${panelId} input, #${panelId} button`)?.focus();
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, panelId]);

  return (
    <div
      className={className ? `dropdown ${className}` : 'dropdown'}
      ref={rootRef}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          buttonRef.current?.focus();
        }
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="btn dropdown-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        {buttonText}
        <span className="caret" aria-hidden="true">
          ▾
        </span>
      </button>
      {open ? (
        <div className="dropdown-panel" id={panelId} role="group" aria-label={label}>
          {children}
        </div>
      ) : null}
    </div>
  );
}
