import { useEffect, useId, useLayoutEffect, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

import { useTranslation } from 'react-i18next';
import { FOCUSABLE, handleDialogKey } from '../app/dialogKeys.ts';

interface Props {
  title: string;
  subtitle?: ReactNode;
  /** Esc, the Cancel/Close button. Focus goes back to where it was before the dialog opened. */
  onCancel: () => void;
  /** Enter in any input (not during IME composition) submits. Without it the dialog only shows data. */
  onSubmit?: () => void;
  footer: ReactNode;
  children: ReactNode;
  size?: 'normal' | 'wide';
  /** Element to focus first (defaults to the first input of the body, else the first control). */
  initialFocus?: string;
}

/**
 * The modal dialog of the inventory screens, keyboard first like the master-data form: role
 * dialog named by its title, focus on the first field, Enter submits, Esc cancels, Tab stays inside.
 */
export function Dialog({
  title,
  subtitle,
  onCancel,
  onSubmit,
  footer,
  children,
  size = 'normal',
  initialFocus,
}: Props) {
  const titleId = `${useId().replaceAll(':', '')}-title`;
  const dialogRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const cancelRef = useRef(onCancel);
  useLayoutEffect(() => {
    cancelRef.current = onCancel;
  });

  // Focus moves in at once (layout effect): a key pressed right after opening lands in the dialog.
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = dialogRef.current;
    const first =
      (initialFocus ? root?.querySelector<HTMLElement>(initialFocus) : null) ??
      root?.querySelector<HTMLElement>('.form-body input:not([disabled]), .form-body select:not([disabled])') ??
      root?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    if (first instanceof HTMLInputElement && first.type === 'text') first.select();
    return () => {
      if (before?.isConnected) requestAnimationFrame(() => before.focus());
    };
    // Only when the dialog opens.
  }, []);

  // Esc closes the dialog even when the focus is somewhere else (e.g. still on the grid cell).
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing) return;
      if (event.target instanceof Node && dialogRef.current?.contains(event.target)) return;
      event.preventDefault();
      event.stopPropagation();
      cancelRef.current();
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) =>
    handleDialogKey(event, dialogRef.current, onSubmit ? formRef.current : null, onCancel);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  const head = (
    <header className="dialog-head">
      <h2 id={titleId}>{title}</h2>
      {subtitle ? <span className="dialog-sub">{subtitle}</span> : null}
    </header>
  );
  const foot = <footer className="dialog-foot">{footer}</footer>;

  return (
    <div className="backdrop">
      <div
        ref={dialogRef}
        className={size === 'wide' ? 'dialog dialog-wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        {onSubmit ? (
          <form ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId}>
            {head}
            {children}
            {foot}
          </form>
        ) : (
          <div className="dialog-frame">
            {head}
            {children}
            {foot}
          </div>
        )}
      </div>
    </div>
  );
}

/** Key hint, Cancel and the confirm button (busy while saving): the foot of a form dialog. */
export function DialogFooter({
  keys,
  confirm,
  saving,
  onCancel,
  danger = false,
  confirmClassName,
  disabled = false,
}: {
  keys: string;
  confirm: string;
  saving: boolean;
  onCancel: () => void;
  danger?: boolean;
  /** Extra class on the confirm button (e.g. to give it the initial focus). */
  confirmClassName?: string;
  /** Confirm unavailable for another reason than saving (nothing loaded yet). */
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const base = danger ? 'btn btn-danger-solid' : 'btn btn-primary';
  return (
    <>
      <span className="muted">{keys}</span>
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button
          type="submit"
          className={confirmClassName ? `${base} ${confirmClassName}` : base}
          disabled={saving || disabled}
        >
          {saving ? t('common.saving') : confirm}
        </button>
      </div>
    </>
  );
}
