import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../app/ConfirmDialog.tsx';
import type { PrintAuditOut, PrintJobOut } from '../../../core/api/printing.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { isErrorCode } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { Dialog } from '../inventory/Dialog.tsx';
import { useUi } from '../state/ui.ts';
import {
  canCancel,
  canReprint,
  canRetry,
  formatBytes,
  osFailureReason,
  QUEUE_FILTERS,
  secondsUntil,
  STATUS_TONE,
  type QueueFilter,
} from './format.ts';
import './printing.css';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

/** How often the queue refreshes while it is on screen (the worker runs in the desktop core). */
const REFRESH_MS = 2_000;

/**
 * The persistent print queue of this desktop: every job with its status, attempts, next retry
 * and the printer's or spooler's reason; retry, cancel and an audited reprint.
 */
export function PrintQueuePanel() {
  const { t, i18n } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const [filter, setFilter] = useState<QueueFilter>('all');
  const [jobs, setJobs] = useState<PrintJobOut[] | null>(null);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [reprinting, setReprinting] = useState<PrintJobOut | null>(null);
  const [history, setHistory] = useState<PrintJobOut | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [, setTick] = useState(0);

  const load = useCallback(async () => {
    const status = QUEUE_FILTERS[filter];
    const r = await oms['printJobs.list']({ ...(status ? { status: [...status] } : {}), limit: 200 });
    if (r.ok) setJobs(r.data.rows);
    else setFailure(r.error);
  }, [filter]);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => {
      void load();
      setTick((n) => n + 1);
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const act = async (job: PrintJobOut, action: 'retry' | 'cancel') => {
    setBusy(job.id);
    const r = await oms[action === 'retry' ? 'printJobs.retry' : 'printJobs.cancel']({ id: job.id });
    setBusy(null);
    if (!r.ok) return setFailure(r.error);
    setFailure(null);
    showToast(t(`printing.queue.${action}Done`));
    void load();
  };

  const time = (iso: string) =>
    new Date(iso).toLocaleString(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });

  const reason = (j: PrintJobOut) => {
    if (!j.lastError && !j.lastErrorCode) return null;
    // The code says what went wrong in the clerk's language; the text is what the printer/spooler said.
    const os = osFailureReason(j);
    const coded = os
      ? t(`printing.reasons.${os}`)
      : j.lastErrorCode && isErrorCode(j.lastErrorCode)
        ? errorText(t, { code: j.lastErrorCode })
        : null;
    return (
      <div className="printing-reason">
        {coded ? <div>{coded}</div> : null}
        {j.lastError ? <div className="mono">{j.lastError}</div> : null}
      </div>
    );
  };

  return (
    <section className="panel printing-panel" aria-labelledby="print-queue-title">
      <header className="panel-head">
        <h2 id="print-queue-title">{t('printing.queue.title')}</h2>
        <div className="seg" role="radiogroup" aria-label={t('printing.queue.filter')}>
          {(Object.keys(QUEUE_FILTERS) as QueueFilter[]).map((f) => (
            <label key={f} className={filter === f ? 'seg-item active' : 'seg-item'}>
              <input type="radio" name="print-filter" checked={filter === f} onChange={() => setFilter(f)} />
              {t(`printing.queue.filters.${f}`)}
            </label>
          ))}
        </div>
      </header>
      <ErrorBanner error={failure} />
      <div className="panel-scroll">
        {jobs && jobs.length === 0 ? (
          <p className="panel-empty">{t('printing.queue.empty')}</p>
        ) : (
          <table className="simple-table printing-table">
            <thead>
              <tr>
                <th>{t('printing.queue.created')}</th>
                <th>{t('printing.queue.printer')}</th>
                <th>{t('printing.queue.document')}</th>
                <th>{t('printing.queue.status')}</th>
                <th className="num">{t('printing.queue.attempts')}</th>
                <th>{t('printing.queue.by')}</th>
                <th>
                  <span className="visually-hidden">{t('printing.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(jobs ?? []).map((j) => {
                const wait = j.status === 'queued' ? secondsUntil(j.nextAttemptAt) : null;
                return (
                  <tr key={j.id} data-status={j.status}>
                    <td className="nowrap">{time(j.createdAt)}</td>
                    <td>
                      {j.printerName}
                      <div className="muted mono">{j.target}</div>
                    </td>
                    <td>
                      {t(`printing.documents.${j.document}`, { defaultValue: j.document })} · {j.description}
                      <div className="muted">
                        {j.format.toUpperCase()} · {formatBytes(j.bytes)}
                        {j.reprintOf ? ` · ${t('printing.queue.reprint')}` : ''}
                      </div>
                    </td>
                    <td>
                      <span className={`chip ${STATUS_TONE[j.status]}`}>{t(`printing.status.${j.status}`)}</span>
                      {wait !== null && j.attempts > 0 ? (
                        <div className="muted">{t('printing.queue.retryIn', { seconds: wait })}</div>
                      ) : null}
                      {j.spoolerJobId ? <div className="muted mono">{j.spoolerJobId}</div> : null}
                      {reason(j)}
                    </td>
                    <td className="num">{j.attempts}</td>
                    <td>{j.actor}</td>
                    <td className="row-actions nowrap">
                      {canRetry(j) ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={busy === j.id}
                          onClick={() => void act(j, 'retry')}
                        >
                          {t('printing.queue.retry')}
                        </button>
                      ) : null}{' '}
                      {canCancel(j) ? (
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          disabled={busy === j.id}
                          onClick={() => void act(j, 'cancel')}
                        >
                          {t('printing.queue.cancel')}
                        </button>
                      ) : null}{' '}
                      {canReprint(j) ? (
                        <button type="button" className="btn btn-small" onClick={() => setReprinting(j)}>
                          {t('printing.queue.reprintAction')}
                        </button>
                      ) : null}{' '}
                      <button type="button" className="btn btn-small" onClick={() => setHistory(j)}>
                        {t('printing.queue.history')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      {history ? <HistoryDialog job={history} time={time} onClose={() => setHistory(null)} /> : null}
      {reprinting ? (
        <ReprintDialog
          job={reprinting}
          onCancel={() => setReprinting(null)}
          onDone={() => {
            setReprinting(null);
            showToast(t('printing.queue.reprintQueued'));
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

/** Who did what to a job, and why (a reprint's reason): the print queue's audit. */
function HistoryDialog({
  job,
  time,
  onClose,
}: {
  job: PrintJobOut;
  time: (iso: string) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<PrintAuditOut[] | null>(null);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  useEffect(() => {
    void oms['printJobs.audit']({ jobId: job.id }).then((r) => (r.ok ? setRows(r.data.rows) : setFailure(r.error)));
  }, [job.id]);
  return (
    <Dialog
      title={t('printing.queue.historyTitle')}
      subtitle={`${job.description} · ${job.printerName}`}
      onCancel={onClose}
      onSubmit={onClose}
      footer={
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('printing.queue.close')}
          </button>
        </div>
      }
    >
      <ErrorBanner error={failure} />
      <table className="simple-table" aria-label={t('printing.queue.historyTitle')}>
        <tbody>
          {(rows ?? []).map((a) => (
            <tr key={a.id}>
              <td className="nowrap">{time(a.at)}</td>
              <td>{t(`printing.audit.${a.action}`, { defaultValue: a.action })}</td>
              <td>{a.actor}</td>
              <td>{typeof a.details?.['reason'] === 'string' ? a.details['reason'] : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}

/** A reprint is a new job with the same bytes; the clerk says why (kept in the audit). */
function ReprintDialog({ job, onCancel, onDone }: { job: PrintJobOut; onCancel: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t('printing.queue.reprintTitle')}
      subtitle={[
        ...new Set([
          t(`printing.documents.${job.document}`, { defaultValue: job.document }),
          job.description,
          job.printerName,
        ]),
      ].join(' · ')}
      keys={t('printing.keys.form')}
      confirm={t('printing.queue.reprintConfirm')}
      reason={{ id: 'reprint-reason', label: t('printing.queue.reprintReason'), required: true, maxLength: 200 }}
      run={(reason) => oms['printJobs.reprint']({ id: job.id, reason })}
      onCancel={onCancel}
      onDone={onDone}
    >
      <p className="dialog-text">{t('printing.queue.reprintText')}</p>
    </ConfirmDialog>
  );
}
