import type { KeyboardEvent } from 'react';

/** What Tab cycles through inside a modal dialog. */
export const FOCUSABLE =
  'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex="0"]';

/**
 * The keyboard of every modal dialog: Esc cancels, Enter in a field submits the form (when the
 * dialog has one), Tab and Shift+Tab stay inside the dialog. Keys of an IME composition are left alone.
 */
export function handleDialogKey(
  event: KeyboardEvent<HTMLElement>,
  dialog: HTMLElement | null,
  form: HTMLFormElement | null,
  onCancel: () => void,
): void {
  if (event.nativeEvent.isComposing || event.keyCode === 229) return; // IME candidate selection
  const target = event.target;
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    onCancel();
  } else if (
    event.key === 'Enter' &&
    form &&
    (target instanceof HTMLInputElement || target instanceof HTMLSelectElement)
  ) {
    event.preventDefault();
    form.requestSubmit();
  } else if (event.key === 'Tab') {
    const nodes = Array.from(dialog?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []);
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }
}
