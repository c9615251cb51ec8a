import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, Result } from '../../../core/errors.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';

/**
 * A dialog that confirms one action, optionally with a reason or note the clerk types: it keeps
 * the dialog open with the error when the action is refused, and refuses an empty required
 * reason by the field. Used for cancelling an ASN, closing it short, reprinting, removing a printer.
 */
export function ConfirmDialog<T>(props: {
  title: string;
  subtitle?: string;
  confirm: string;
  keys: string;
  danger?: boolean;
  size?: 'wide';
  /** A text field sent with the action. */
  reason?: { id: string; label: string; required: boolean; maxLength: number };
  children?: ReactNode;
  run: (reason: string) => Promise<Result<T>>;
  onCancel: () => void;
  onDone: (data: T) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const submit = async () => {
    if (saving) return;
    if (props.reason?.required && reason.trim() === '') return setMissing(true);
    setSaving(true);
    const r = await props.run(reason);
    setSaving(false);
    if (!r.ok) return setFailure(r.error);
    props.onDone(r.data);
  };
  return (
    <Dialog
      title={props.title}
      subtitle={props.subtitle}
      onCancel={props.onCancel}
      onSubmit={() => void submit()}
      size={props.size}
      footer={
        <DialogFooter
          keys={props.keys}
          confirm={props.confirm}
          saving={saving}
          onCancel={props.onCancel}
          danger={props.danger}
        />
      }
    >
      <ErrorBanner error={failure} />
      <div className="form-body">
        {props.children}
        {props.reason ? (
          <div className="field">
            <label htmlFor={props.reason.id}>{props.reason.label}</label>
            <input
              id={props.reason.id}
              type="text"
              value={reason}
              maxLength={props.reason.maxLength}
              aria-invalid={missing ? true : undefined}
              onChange={(e) => {
                setReason(e.target.value);
                setMissing(false);
              }}
            />
            {missing ? <p className="field-error">{t('validation.required')}</p> : null}
          </div>
        ) : null}
      </div>
    </Dialog>
  );
}
