import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { FieldIssue } from '../../../core/errors.ts';
import { issueText } from '../i18n/messages.ts';
import { formatDecimal, parseDecimal } from './draft.ts';

/** An issue in the editor's words when it has them (label-specific codes), else the common validation text. */
export function labelIssueText(t: TFunction, issue: FieldIssue): string {
  return t(`labelEditor.issues.${issue.code}`, { ...issue.params, defaultValue: issueText(t, issue) });
}

export function IssueList({ id, issues }: { id: string; issues: readonly FieldIssue[] | undefined }) {
  const { t } = useTranslation();
  if (!issues || issues.length === 0) return null;
  return (
    <p id={id} className="field-error">
      {issues.map((i) => labelIssueText(t, i)).join(' · ')}
    </p>
  );
}

interface Base {
  id: string;
  label: string;
  issues?: readonly FieldIssue[] | undefined;
  disabled?: boolean;
  hint?: ReactNode;
  className?: string;
}

function invalidProps(id: string, issues: readonly FieldIssue[] | undefined) {
  const bad = issues !== undefined && issues.length > 0;
  return { 'aria-invalid': bad ? true : undefined, 'aria-describedby': bad ? `${id}-error` : undefined };
}

/**
 * A number in millimetres (or any unit). What the clerk types stays in the box even when it is
 * not a number yet; the draft gets the number, or the text itself so validation can point at it.
 * `optional`: an empty box removes the value.
 */
export function NumberField({
  id,
  label,
  issues,
  disabled,
  value,
  onChange,
  unit,
  optional,
  hint,
  className,
}: Base & { value: unknown; onChange: (v: unknown) => void; unit?: string; optional?: boolean }) {
  const [text, setText] = useState(() => formatDecimal(value));
  // Follow changes made elsewhere (dragging on the preview, a preset) unless they are this box's own.
  useEffect(() => {
    setText((prev) => {
      const own = prev.trim() === '' ? (optional ? undefined : '') : (parseDecimal(prev) ?? prev);
      return own === value ? prev : formatDecimal(value);
    });
  }, [value, optional]);
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <div className="le-affix">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          className="num"
          autoComplete="off"
          spellCheck={false}
          disabled={disabled}
          value={text}
          {...invalidProps(id, issues)}
          onChange={(e) => {
            const raw = e.target.value;
            setText(raw);
            if (raw.trim() === '') onChange(optional ? undefined : '');
            else onChange(parseDecimal(raw) ?? raw);
          }}
        />
        {unit ? <span className="le-unit">{unit}</span> : null}
      </div>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <IssueList id={`${id}-error`} issues={issues} />
    </div>
  );
}

export function TextField({
  id,
  label,
  issues,
  disabled,
  value,
  onChange,
  hint,
  className,
  mono,
}: Base & { value: unknown; onChange: (v: string) => void; mono?: boolean }) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        className={mono ? 'mono' : undefined}
        disabled={disabled}
        value={typeof value === 'string' ? value : ''}
        {...invalidProps(id, issues)}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint ? <p className="field-hint">{hint}</p> : null}
      <IssueList id={`${id}-error`} issues={issues} />
    </div>
  );
}

export function SelectField<T extends string>({
  id,
  label,
  issues,
  disabled,
  value,
  options,
  onChange,
  hint,
  className,
}: Base & {
  value: T | '';
  options: readonly { value: T | ''; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        disabled={disabled}
        value={value}
        {...invalidProps(id, issues)}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <IssueList id={`${id}-error`} issues={issues} />
    </div>
  );
}

export function CheckField({
  id,
  label,
  disabled,
  checked,
  onChange,
  className,
}: Omit<Base, 'issues'> & { checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div className={className ? `field le-check ${className}` : 'field le-check'}>
      <label htmlFor={id} className="check-row">
        <input
          id={id}
          type="checkbox"
          disabled={disabled}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
    </div>
  );
}
