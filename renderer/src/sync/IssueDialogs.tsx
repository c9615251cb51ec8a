import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { issueText } from '../i18n/messages.ts';
import { commandName, parseArgsText, prettyJson, reasonText, type SyncIssue } from './format.ts';

export type Decision = 'resend' | 'accept-server' | 'discard';

/** "Ship order SO-0000001": the command's name and the document it concerns. */
const titled = (name: string, subject: string): string => (subject ? `${name} ${subject}` : name);

/** The field problems of a refusal (validation of the edited arguments), if it has any. */
function fieldsOf(error: AppErrorData | null): FieldIssue[] {
  const fields = error?.details?.fields;
  return Array.isArray(fields) ? fields : [];
}

/** The field problems of a refusal ("lines.0.quantity: must be at least 1"), if any. */
export function FieldIssueList({ error }: { error: AppErrorData | null }) {
  const { t } = useTranslation();
  const fields = fieldsOf(error);
  if (fields.length === 0) return null;
  return (
    <ul className="sync-fields">
      {fields.map((f) => (
        <li key={`${f.path}:${f.code}`}>
          <span className="mono">{f.path || t('sync.resend.root')}</span>
          {t('common.colon')}
          {issueText(t, f)}
        </li>
      ))}
    </ul>
  );
}

/** The refusal of a decision, with the field problems by path. */
function DecisionFailure({ failure }: { failure: AppErrorData | null }) {
  const { t } = useTranslation();
  if (!failure) return null;
  return (
    <div className="banner banner-error" role="alert">
      <p>{reasonText(t, failure)}</p>
      <FieldIssueList error={failure} />
    </div>
  );
}

/** What the issue is about, on top of each decision dialog. */
function IssueSummary({ issue }: { issue: SyncIssue }) {
  const { t } = useTranslation();
  return (
    <div className="banner banner-warn sync-summary">
      <p>
        <strong>{t('sync.issues.columns.reason')}</strong>
        {t('common.colon')}
        {reasonText(t, issue.error)}
      </p>
      <p className="muted">{t('sync.confirm.madeBy', { name: issue.actor || '—' })}</p>
    </div>
  );
}

/**
 * Edit and resend (编辑并重发): the original arguments as JSON to correct; the desktop runs the
 * command again with them (its own checks first, so problems show here by field) and queues it
 * for the server as a new change; the issue is closed as "resent".
 */
export function ResendDialog({
  issue,
  subject,
  onCancel,
  onDone,
}: {
  issue: SyncIssue;
  /** The document the change concerns (an order number), if known. */
  subject: string;
  onCancel: () => void;
  onDone: (issue: SyncIssue) => void;
}) {
  const { t } = useTranslation();
  const original = prettyJson(issue.args);
  const [text, setText] = useState(original);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const parsed = parseArgsText(text);
  const [tried, setTried] = useState(false);

  const submit = async () => {
    if (saving) return;
    setTried(true);
    setFailure(null);
    if (!parsed.ok) return;
    setSaving(true);
    const r = await oms['sync.resolveIssue']({ mutationId: issue.mutationId, action: 'resend', args: parsed.value });
    setSaving(false);
    if (!r.ok) setFailure(r.error);
    else onDone(r.data);
  };

  const onEditorKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };

  const jsonProblem = !parsed.ok ? t('sync.resend.badJson', { line: parsed.line, column: parsed.column }) : null;
  return (
    <Dialog
      title={t('sync.resend.title', { command: titled(commandName(t, issue.command), subject) })}
      subtitle={t('sync.resend.subtitle')}
      size="wide"
      onCancel={onCancel}
      onSubmit={() => void submit()}
      initialFocus="#sync-args-editor"
      footer={
        <DialogFooter
          keys={t('sync.resend.keys')}
          confirm={t('sync.resend.confirm')}
          saving={saving}
          onCancel={onCancel}
        />
      }
    >
      <div className="form-body sync-dialog-body">
        <IssueSummary issue={issue} />
        <DecisionFailure failure={failure} />
        <p className="sync-explain">{t('sync.resend.explain')}</p>
        <div className="field">
          <div className="label-row">
            <label htmlFor="sync-args-editor">{t('sync.resend.args')}</label>
          </div>
          <textarea
            id="sync-args-editor"
            className="json-editor"
            spellCheck={false}
            autoCapitalize="off"
            rows={Math.min(18, Math.max(8, original.split('\n').length + 1))}
            value={text}
            aria-invalid={jsonProblem ? true : undefined}
            aria-describedby="sync-args-hint"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onEditorKey}
          />
          {jsonProblem && (tried || text !== original) ? (
            <p className="field-error" role="alert">
              {jsonProblem}
            </p>
          ) : null}
          <p className="field-hint" id="sync-args-hint">
            {t('sync.resend.hint')}
            {text !== original ? (
              <>
                {' '}
                <button type="button" className="link" onClick={() => setText(original)}>
                  {t('sync.resend.reset')}
                </button>
              </>
            ) : null}
          </p>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * Accept the server's version (接受服务器版本) or discard (放弃): the change is not applied (the
 * desktop already shows the server's state); the issue closes with the decision, who and when.
 */
export function ConfirmIssueDialog({
  issue,
  subject,
  decision,
  onCancel,
  onDone,
}: {
  issue: SyncIssue;
  subject: string;
  decision: Exclude<Decision, 'resend'>;
  onCancel: () => void;
  onDone: (issue: SyncIssue) => void;
}) {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);

  const submit = async () => {
    if (saving) return;
    setFailure(null);
    setSaving(true);
    const r = await oms['sync.resolveIssue']({ mutationId: issue.mutationId, action: decision });
    setSaving(false);
    if (!r.ok) setFailure(r.error);
    else onDone(r.data);
  };

  return (
    <Dialog
      title={t(`sync.confirm.${decision}.title`, { command: titled(commandName(t, issue.command), subject) })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      initialFocus=".dialog-foot .btn-confirm"
      footer={
        <DialogFooter
          keys={t('sync.confirm.keys')}
          confirm={t(`sync.confirm.${decision}.confirm`)}
          saving={saving}
          onCancel={onCancel}
          danger={decision === 'discard'}
          confirmClassName="btn-confirm"
        />
      }
    >
      <div className="form-body sync-dialog-body">
        <IssueSummary issue={issue} />
        <DecisionFailure failure={failure} />
        <p className="sync-explain">{t(`sync.confirm.${decision}.body`)}</p>
        <p className="muted sync-small">{t('sync.confirm.audit')}</p>
      </div>
    </Dialog>
  );
}
