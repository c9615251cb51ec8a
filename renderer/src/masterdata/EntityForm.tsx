import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { errorText, issueText } from '../i18n/messages.ts';
import type { BaseRecord } from './columns.ts';
import {
  domId,
  fieldAt,
  normaliseIssue,
  validateWith,
  type FormValues,
  type RowValues,
  type RowsField,
  type Scalar,
  type ScalarField,
} from './form.ts';
import type { EntitySpec } from './specs.ts';
import { handleDialogKey } from '../app/dialogKeys.ts';

interface Props<R extends BaseRecord, S extends z.ZodType> {
  spec: EntitySpec<R, S>;
  record: R | null;
  onSaved: (record: R) => void;
  onCancel: () => void;
}

type Issues = Record<string, FieldIssue>;

export function EntityForm<R extends BaseRecord, S extends z.ZodType>({
  spec,
  record,
  onSaved,
  onCancel,
}: Props<R, S>) {
  const { t } = useTranslation();
  const formId = useId().replaceAll(':', '');
  const titleId = `${formId}-title`;
  const [values, setValues] = useState<FormValues>(() => (record ? spec.fromRecord(record) : spec.empty()));
  const [issues, setIssues] = useState<Issues>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [focusTick, setFocusTick] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);

  // Autofocus the first field when the dialog opens.
  useEffect(() => {
    const first = formRef.current?.querySelector<HTMLElement>('.form-body input, .form-body select');
    first?.focus();
    if (first instanceof HTMLInputElement && first.type === 'text') first.select();
  }, []);

  // After a failed save, move focus to the first field marked invalid.
  useEffect(() => {
    if (focusTick === 0) return;
    const bad = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (bad) bad.focus();
    else formRef.current?.querySelector<HTMLElement>('.banner')?.focus();
  }, [focusTick]);

  const showIssues = (list: FieldIssue[]) => {
    const next: Issues = {};
    for (const issue of list) {
      const normal = normaliseIssue(spec.fields, issue);
      if (!(normal.path in next)) next[normal.path] = normal;
    }
    setIssues(next);
    setFocusTick((n) => n + 1);
  };

  const setValue = (path: string, value: Scalar) => {
    setValues((prev) => {
      const [key, index, child] = path.split('.');
      if (key === undefined) return prev;
      if (index === undefined || child === undefined) return { ...prev, [key]: value };
      const rows = Array.isArray(prev[key]) ? [...(prev[key] as RowValues[])] : [];
      const i = Number(index);
      const row = rows[i];
      if (!row) return prev;
      rows[i] = { ...row, [child]: value };
      return { ...prev, [key]: rows };
    });
    if (path in issues) {
      setIssues((prev) => {
        const next = { ...prev };
        delete next[path];
        return next;
      });
    }
  };

  const setRows = (key: string, rows: RowValues[]) => {
    setValues((prev) => ({ ...prev, [key]: rows }));
    // Row indexes shift: drop the row-level issues of this list rather than mislabel them.
    setIssues((prev) =>
      Object.fromEntries(Object.entries(prev).filter(([p]) => p !== key && !p.startsWith(`${key}.`))),
    );
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    setFailure(null);
    const checked = validateWith(spec.schema, spec.fields, values);
    if (!checked.ok) {
      showIssues(checked.issues);
      return;
    }
    setIssues({});
    setSaving(true);
    const result = record
      ? await spec.update(record.id, record.version, checked.data)
      : await spec.create(checked.data);
    setSaving(false);
    if (result.ok) {
      onSaved(result.data);
      return;
    }
    setFailure(result.error);
    showIssues(result.error.details?.fields ?? []);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) =>
    handleDialogKey(event, dialogRef.current, formRef.current, onCancel);

  // Issues with no input to sit under (e.g. a path the form does not show) go into the banner.
  const orphanIssues = useMemo(
    () => Object.values(issues).filter((i) => i.path === '' || fieldAt(spec.fields, i.path) === undefined),
    [issues, spec.fields],
  );
  // Checkboxes sit together in one row under the inputs; row lists come last.
  const checkboxes = spec.fields.filter((f): f is ScalarField => f.kind === 'checkbox');
  const hasFieldIssues = Object.keys(issues).length > orphanIssues.length;
  const entity = t(`entities.${spec.view}`);
  const title = record ? t('form.editTitle', { entity }) : t('form.newTitle', { entity });

  let bannerText: string | null = null;
  if (failure) bannerText = errorText(t, failure);
  else if (hasFieldIssues || orphanIssues.length > 0) bannerText = t('form.fixFields');

  return (
    <div className="backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate aria-labelledby={titleId}>
          <header className="dialog-head">
            <h2 id={titleId}>{title}</h2>
            {record ? (
              <span className="dialog-sub">
                {spec.codeOf(record)} · {t('form.version', { version: record.version })}
              </span>
            ) : null}
          </header>
          {bannerText ? (
            <div className="banner banner-error" role="alert" tabIndex={-1}>
              <p>{bannerText}</p>
              {orphanIssues.length > 0 ? (
                <ul>
                  {orphanIssues.map((issue) => (
                    <li key={issue.path}>
                      {issue.path ? `${issue.path}: ` : ''}
                      {issueText(t, issue)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <div className="form-body">
            <div className="form-grid">
              {spec.fields.map((field) =>
                field.kind === 'rows' || field.kind === 'checkbox' ? null : (
                  <FieldInput
                    key={field.key}
                    field={field}
                    formId={formId}
                    path={field.key}
                    value={values[field.key]}
                    context={values}
                    issue={issues[field.key]}
                    onChange={setValue}
                  />
                ),
              )}
              {checkboxes.length > 0 ? (
                <div className="checks span-2">
                  {checkboxes.map((field) => (
                    <FieldInput
                      key={field.key}
                      field={field}
                      formId={formId}
                      path={field.key}
                      value={values[field.key]}
                      context={values}
                      issue={issues[field.key]}
                      onChange={setValue}
                    />
                  ))}
                </div>
              ) : null}
              {spec.fields.map((field) =>
                field.kind === 'rows' ? (
                  <RowsEditor
                    key={field.key}
                    field={field}
                    formId={formId}
                    rows={Array.isArray(values[field.key]) ? (values[field.key] as RowValues[]) : []}
                    issues={issues}
                    setValue={setValue}
                    setRows={(rows) => setRows(field.key, rows)}
                  />
                ) : null,
              )}
            </div>
          </div>
          <footer className="dialog-foot">
            <span className="muted">{t('form.hint')}</span>
            <div className="actions">
              <button type="button" className="btn" onClick={onCancel}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="btn btn-primary" disabled={saving}>
                {saving ? t('common.saving') : t('common.save')}
              </button>
            </div>
          </footer>
        </form>
      </div>
    </div>
  );
}

interface FieldInputProps {
  field: ScalarField;
  formId: string;
  path: string;
  value: Scalar | RowValues[] | undefined;
  context: Record<string, Scalar | RowValues[]>;
  issue: FieldIssue | undefined;
  onChange: (path: string, value: Scalar) => void;
}

function FieldInput({ field, formId, path, value, context, issue, onChange }: FieldInputProps) {
  const { t } = useTranslation();
  const id = domId(formId, path);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = issue ? errorId : field.hint ? hintId : undefined;
  const textValue = typeof value === 'string' ? value : '';
  const message: ReactNode = issue ? (
    <p id={errorId} className="field-error">
      {issueText(t, issue)}
    </p>
  ) : field.hint ? (
    <p id={hintId} className="field-hint">
      {t(field.hint)}
    </p>
  ) : null;
  const common = {
    id,
    name: path,
    'aria-invalid': issue ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required ? true : undefined,
  } as const;
  const spanClass = field.span === 2 ? ' span-2' : '';

  if (field.kind === 'checkbox') {
    return (
      <div className={`field field-check${spanClass}`}>
        <div className="check-row">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(path, e.target.checked)}
          />
          <label htmlFor={id}>{t(field.label)}</label>
        </div>
        {message}
      </div>
    );
  }

  const label = (
    <div className="label-row">
      <label htmlFor={id}>{t(field.label)}</label>
      {field.required ? (
        <span className="req" aria-hidden="true">
          *
        </span>
      ) : null}
    </div>
  );

  if (field.kind === 'select') {
    return (
      <div className={`field${spanClass}`}>
        {label}
        <select {...common} value={textValue} onChange={(e) => onChange(path, e.target.value)}>
          {field.options.map((option) => (
            <option key={option} value={option}>
              {t(`${field.optionPrefix}.${option}`)}
            </option>
          ))}
        </select>
        {message}
      </div>
    );
  }

  if (field.kind === 'money') {
    const currency = typeof context[field.currencyKey] === 'string' ? (context[field.currencyKey] as string) : '';
    return (
      <div className={`field${spanClass}`}>
        {label}
        <div className="input-affix">
          <input
            {...common}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            className="num"
            value={textValue}
            placeholder="0.00"
            onChange={(e) => onChange(path, e.target.value)}
          />
          <span className="affix" aria-hidden="true">
            {currency}
          </span>
        </div>
        {message}
      </div>
    );
  }

  const inputMode = field.kind === 'int' ? 'numeric' : (field.inputMode ?? 'text');
  return (
    <div className={`field${spanClass}`}>
      {label}
      <input
        {...common}
        type="text"
        inputMode={inputMode}
        autoComplete="off"
        spellCheck={false}
        className={field.kind === 'int' ? 'num' : undefined}
        maxLength={field.kind === 'text' && field.maxLength ? field.maxLength + 20 : undefined}
        value={textValue}
        onChange={(e) =>
          onChange(path, field.kind === 'text' && field.upper ? e.target.value.toUpperCase() : e.target.value)
        }
      />
      {message}
    </div>
  );
}

interface RowsEditorProps {
  field: RowsField;
  formId: string;
  rows: RowValues[];
  issues: Issues;
  setValue: (path: string, value: Scalar) => void;
  setRows: (rows: RowValues[]) => void;
}

function RowsEditor({ field, formId, rows, issues, setValue, setRows }: RowsEditorProps) {
  const { t } = useTranslation();
  const listIssue = issues[field.key];
  const addRef = useRef<HTMLButtonElement>(null);
  const listId = domId(formId, field.key);

  const add = () => {
    setRows([...rows, field.newRow()]);
    // Focus the first input of the new row once it renders.
    const index = rows.length;
    requestAnimationFrame(() => {
      const first = field.fields[0];
      if (first) document.getElementById(domId(formId, `${field.key}.${index}.${first.key}`))?.focus();
    });
  };
  const remove = (index: number) => {
    setRows(rows.filter((_, i) => i !== index));
    requestAnimationFrame(() => addRef.current?.focus());
  };

  return (
    <fieldset
      className="rows span-2"
      id={listId}
      aria-invalid={listIssue ? true : undefined}
      tabIndex={listIssue ? -1 : undefined}
    >
      <legend>{t(field.label)}</legend>
      {listIssue ? <p className="field-error">{issueText(t, listIssue)}</p> : null}
      {rows.length === 0 ? <p className="muted rows-empty">{t('form.noRows')}</p> : null}
      {rows.map((row, index) => (
        <div className="row-card" key={index} role="group" aria-label={t('form.row', { index: index + 1 })}>
          <div className="row-fields">
            {field.fields.map((child) => {
              const path = `${field.key}.${index}.${child.key}`;
              return (
                <FieldInput
                  key={child.key}
                  field={index === 0 ? child : { ...child, hint: undefined }}
                  formId={formId}
                  path={path}
                  value={row[child.key]}
                  context={row}
                  issue={issues[path]}
                  onChange={setValue}
                />
              );
            })}
          </div>
          <button type="button" className="btn btn-quiet row-remove" onClick={() => remove(index)}>
            {t('common.remove')}
          </button>
        </div>
      ))}
      <button ref={addRef} type="button" className="btn btn-small" onClick={add}>
        {t('form.addRow')}
      </button>
    </fieldset>
  );
}
