import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportReport, ImportStatus } from '../../../core/api/orderImport.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { formatQty } from '../inventory/format.ts';
import { useUi } from '../state/ui.ts';
import { importIssueText, orderErrorText } from './format.ts';
import { Progress } from './parts.tsx';
import { useOrdersUi } from './store.ts';

type Mode = 'all-or-nothing' | 'valid-rows';
interface LoadedFile {
  name: string;
  format: 'csv' | 'xlsx';
  content: string;
  size: number;
}

/** An XLSX workbook as base64, in slices (a large file would overflow the argument list). */
function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return btoa(binary);
}

const TERMINAL = new Set<ImportStatus['state']>(['done', 'refused', 'failed']);

/**
 * Batch import (批量导入) of sales orders from CSV or XLSX: the file is read here (CSV as text,
 * XLSX as base64), validated as a whole into a row-by-row report, then imported all-or-nothing
 * or valid rows only, with progress from the import job.
 */
export function ImportTab() {
  const { t } = useTranslation();
  const showToast = useUi((s) => s.showToast);
  const setTab = useOrdersUi((s) => s.setTab);
  const changed = useOrdersUi((s) => s.changed);
  const [file, setFile] = useState<LoadedFile | null>(null);
  const [readError, setReadError] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [mode, setMode] = useState<Mode>('all-or-nothing');
  const [busy, setBusy] = useState<'validating' | 'starting' | null>(null);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [status, setStatus] = useState<ImportStatus | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const reportRef = useRef<HTMLHeadingElement>(null);

  const reset = () => {
    setReport(null);
    setStatus(null);
    setFailure(null);
  };

  const choose = async (f: File | undefined) => {
    reset();
    setReadError(false);
    setFile(null);
    if (!f) return;
    const format = /\.xlsx$/i.test(f.name) ? 'xlsx' : 'csv';
    try {
      const content = format === 'xlsx' ? toBase64(await f.arrayBuffer()) : await f.text();
      setFile({ name: f.name, format, content, size: f.size });
    } catch {
      setReadError(true);
    }
  };

  const validate = async () => {
    if (!file || busy) return;
    reset();
    setBusy('validating');
    const r = await oms['orders.import.validate']({ format: file.format, content: file.content, fileName: file.name });
    setBusy(null);
    if (!r.ok) {
      setFailure(r.error);
      return;
    }
    setReport(r.data);
    setMode(r.data.invalidOrders > 0 && r.data.validOrders > 0 ? 'valid-rows' : 'all-or-nothing');
    requestAnimationFrame(() => reportRef.current?.focus());
  };

  const start = async () => {
    if (!file || busy) return;
    setFailure(null);
    setBusy('starting');
    const r = await oms['orders.import.start']({
      format: file.format,
      content: file.content,
      fileName: file.name,
      mode,
    });
    setBusy(null);
    if (!r.ok) {
      setFailure(r.error);
      return;
    }
    setStatus({
      importId: r.data.importId,
      state: 'validating',
      mode,
      totalOrders: report?.orders ?? 0,
      processedOrders: 0,
      createdOrders: 0,
      report: null,
      error: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    });
  };

  // Polls the job until it ends.
  const importId = status?.importId ?? null;
  const running = status !== null && !TERMINAL.has(status.state);
  useEffect(() => {
    if (!importId || !running) return;
    let alive = true;
    const timer = window.setInterval(() => {
      void oms['orders.import.status']({ importId }).then((r) => {
        if (!alive) return;
        if (!r.ok) {
          setFailure(r.error);
          return;
        }
        setStatus(r.data);
        if (r.data.report) setReport(r.data.report);
        if (TERMINAL.has(r.data.state)) {
          changed();
          if (r.data.state === 'done')
            showToast(
              t('orders.import.doneToast', { count: r.data.createdOrders, formatted: formatQty(r.data.createdOrders) }),
            );
        }
      });
    }, 400);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [importId, running, changed, showToast, t]);

  const percent =
    status && status.totalOrders > 0
      ? Math.floor((status.processedOrders * 100) / status.totalOrders)
      : status?.state === 'done'
        ? 100
        : 0;
  const canStart =
    report !== null &&
    (mode === 'valid-rows' ? report.validOrders > 0 : report.invalidOrders === 0 && report.orders > 0);

  return (
    <div className="inv-tab import-tab">
      <section className="panel import-step" aria-labelledby="imp-file-title">
        <div className="panel-head">
          <h2 id="imp-file-title">{t('orders.import.step1')}</h2>
        </div>
        <div className="panel-body import-file">
          <div className="field">
            <div className="label-row">
              <label htmlFor="imp-file">{t('orders.import.file')}</label>
            </div>
            <div className="file-pick">
              <input
                ref={inputRef}
                id="imp-file"
                type="file"
                className="visually-hidden"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                onChange={(e) => void choose(e.target.files?.[0])}
              />
              <label htmlFor="imp-file" className="btn">
                {t('orders.import.chooseFile')}
              </label>
              <span className={file ? 'file-name' : 'file-name muted'}>
                {file
                  ? t('orders.import.chosen', {
                      name: file.name,
                      format: file.format.toUpperCase(),
                      size: formatQty(Math.ceil(file.size / 1024)),
                    })
                  : t('orders.import.noFile')}
              </span>
            </div>
            <p className="field-hint">{t('orders.import.fileHint')}</p>
            {readError ? <p className="field-error">{t('orders.import.readError')}</p> : null}
          </div>
          <div className="actions">
            <button
              type="button"
              className="btn btn-primary"
              disabled={!file || busy !== null || running}
              onClick={() => void validate()}
            >
              {busy === 'validating' ? t('orders.import.validating') : t('orders.import.validate')}
            </button>
          </div>
        </div>
      </section>

      {failure ? (
        <div className="banner banner-error" role="alert">
          <p>{orderErrorText(t, failure)}</p>
        </div>
      ) : null}

      {report ? (
        <section className="panel import-report" aria-labelledby="imp-report-title">
          <div className="panel-head">
            <h2 id="imp-report-title" tabIndex={-1} ref={reportRef}>
              {t('orders.import.report')}
            </h2>
            <span className={report.invalidRows > 0 ? 'chip tone-bad' : 'chip tone-good'}>
              {report.invalidRows > 0
                ? t('orders.import.problems', { count: report.invalidRows })
                : t('orders.import.allValid')}
            </span>
          </div>
          <dl className="import-figures">
            <div>
              <dt>{t('orders.import.rows')}</dt>
              <dd>{formatQty(report.rows)}</dd>
            </div>
            <div>
              <dt>{t('orders.import.orders')}</dt>
              <dd>{formatQty(report.orders)}</dd>
            </div>
            <div>
              <dt>{t('orders.import.validOrders')}</dt>
              <dd className="good">{formatQty(report.validOrders)}</dd>
            </div>
            <div>
              <dt>{t('orders.import.invalidOrders')}</dt>
              <dd className={report.invalidOrders > 0 ? 'bad' : ''}>{formatQty(report.invalidOrders)}</dd>
            </div>
            <div>
              <dt>{t('orders.import.validRows')}</dt>
              <dd>{formatQty(report.validRows)}</dd>
            </div>
            <div>
              <dt>{t('orders.import.invalidRows')}</dt>
              <dd className={report.invalidRows > 0 ? 'bad' : ''}>{formatQty(report.invalidRows)}</dd>
            </div>
          </dl>
          {report.issues.length > 0 ? (
            <div className="panel-scroll import-issues">
              <table className="data-table sticky" aria-label={t('orders.import.issuesLabel')}>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      {t('orders.import.row')}
                    </th>
                    <th scope="col">{t('orders.import.column')}</th>
                    <th scope="col">{t('orders.import.problem')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.issues.map((i, k) => (
                    <tr key={k}>
                      <td className="num">{i.row}</td>
                      <td className="mono">{i.column ?? '—'}</td>
                      <td>{importIssueText(t, i)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {report.truncated ? (
                <p className="muted">{t('orders.import.truncated', { count: report.issues.length })}</p>
              ) : null}
            </div>
          ) : null}

          {status === null ? (
            <div className="import-start">
              <fieldset className="radio-row">
                <legend>{t('orders.import.mode')}</legend>
                {(['all-or-nothing', 'valid-rows'] as const).map((m) => (
                  <label key={m} className="inv-check">
                    <input type="radio" name="imp-mode" checked={mode === m} onChange={() => setMode(m)} />
                    {t(`orders.import.modes.${m}`, {
                      count: m === 'valid-rows' ? report.validOrders : report.orders,
                    })}
                  </label>
                ))}
              </fieldset>
              <p className="muted">{t(`orders.import.modeHint.${mode}`)}</p>
              <button
                type="button"
                className="btn btn-primary"
                disabled={!canStart || busy !== null}
                onClick={() => void start()}
              >
                {busy === 'starting' ? t('orders.import.starting') : t('orders.import.start')}
              </button>
              {!canStart ? <p className="field-hint">{t(`orders.import.cannotStart.${mode}`)}</p> : null}
            </div>
          ) : null}
        </section>
      ) : null}

      {status ? (
        <section className="panel import-progress" aria-labelledby="imp-progress-title">
          <div className="panel-head">
            <h2 id="imp-progress-title">{t(`orders.import.states.${status.state}`)}</h2>
          </div>
          <div className="panel-body">
            <Progress percent={percent} label={t('orders.import.progressLabel')} />
            <p aria-live="polite">
              {t('orders.import.progress', {
                processed: formatQty(status.processedOrders),
                total: formatQty(status.totalOrders),
                created: formatQty(status.createdOrders),
              })}
            </p>
            {status.error ? (
              <p className="field-error" role="alert">
                {orderErrorText(t, { code: status.error.code as AppErrorData['code'], message: status.error.message })}
              </p>
            ) : null}
            {TERMINAL.has(status.state) ? (
              <div className="import-summary">
                <p>
                  <strong>
                    {t(`orders.import.summary.${status.state}`, {
                      count: status.createdOrders,
                      formatted: formatQty(status.createdOrders),
                    })}
                  </strong>
                </p>
                <div className="actions">
                  <button type="button" className="btn btn-primary" onClick={() => setTab('sales')}>
                    {t('orders.import.showOrders')}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    onClick={() => {
                      reset();
                      setFile(null);
                      if (inputRef.current) inputRef.current.value = '';
                      inputRef.current?.focus();
                    }}
                  >
                    {t('orders.import.another')}
                  </button>
                </div>
              </div>
            ) : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
