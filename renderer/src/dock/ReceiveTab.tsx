import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AsnDetail, AsnSummary } from '../../../core/api/dock.api.ts';
import type { AppErrorData } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { errorText } from '../i18n/messages.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { formatQty, itemName } from '../inventory/format.ts';
import { Progress } from '../orders/parts.tsx';
import { CloseAsnDialog } from './AsnActions.tsx';
import { formatSscc, formatWhen, isSupervising } from './format.ts';
import {
  checkSubstitute,
  interpretScan,
  loadScannerSettings,
  saveScannerSettings,
  ScanAssembler,
  type CompletedScan,
  type KeyInput,
  type ScannerSettings,
} from './scanner.ts';
import type { DockUser } from './session.ts';
import { beep, isMuted, setMuted } from './sound.ts';
import { AsnStatusChip } from './AsnParts.tsx';
import { ScanText } from './ScanText.tsx';

type Tone = 'ok' | 'dup' | 'error' | 'info';

/**
 * A message kept as key and figures, not as text: the panel and the log read in the language
 * the clerk switches to, and times show in this computer's zone (`at` is an ISO instant).
 */
type Msg = { k: string; p?: Record<string, string | number> } | { s: string } | { e: AppErrorData };

interface Feedback {
  tone: Tone;
  title: Msg;
  text: Msg[];
}

function msgText(t: TFunction, lang: string, m: Msg): string {
  if ('s' in m) return m.s;
  if ('e' in m) return errorText(t, m.e);
  const p = { ...m.p };
  if (typeof p['at'] === 'string') p['at'] = p['at'] ? formatWhen(p['at'], lang) : '—';
  return t(m.k, p);
}

interface LogEntry {
  seq: number;
  at: string;
  scan: string;
  source: CompletedScan['source'];
  tone: Tone;
  title: Msg;
  text: Msg[];
}

const LOG_SIZE = 20;

const storage = (): Storage | null => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
};

const keyOf = (e: globalThis.KeyboardEvent): KeyInput => ({
  key: e.key,
  code: e.code,
  ctrlKey: e.ctrlKey,
  altKey: e.altKey,
  metaKey: e.metaKey,
  isComposing: e.isComposing,
  timeStamp: e.timeStamp,
});

/** Where a key typed anywhere may go on its own (fields, selects, editors keep their keys). */
const editable = (el: Element | null): boolean =>
  el instanceof HTMLInputElement ||
  el instanceof HTMLTextAreaElement ||
  el instanceof HTMLSelectElement ||
  (el instanceof HTMLElement && el.isContentEditable);

/**
 * The scan station (收货): a big scan field that keeps the focus, the current ASN with its
 * progress, big coloured feedback and a beep after every scan, and the last scans. It talks
 * only to this desktop's local API, so it works the same offline; receipts sync later.
 */
export function ReceiveTab({ user, onOpenAsn }: { user: DockUser; onOpenAsn: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [settings, setSettings] = useState<ScannerSettings>(() => loadScannerSettings(storage()));
  const assembler = useRef(new ScanAssembler(settings));
  const [display, setDisplay] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const [current, setCurrent] = useState<AsnDetail | null>(null);
  const currentRef = useRef<AsnDetail | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [open, setOpen] = useState<AsnSummary[]>([]);
  const [muted, setMutedState] = useState(isMuted);
  const [busy, setBusy] = useState(false);
  const [closing, setClosing] = useState(false);
  const [configuring, setConfiguring] = useState(false);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const seq = useRef(0);

  useEffect(() => assembler.current.setSettings(settings), [settings]);

  const focusScan = useCallback(() => {
    requestAnimationFrame(() => {
      if (document.querySelector('.backdrop')) return;
      inputRef.current?.focus();
    });
  }, []);

  useLayoutEffect(() => inputRef.current?.focus(), []);

  const loadOpen = useCallback(async () => {
    const r = await oms['asns.list']({ openOnly: true, limit: 200 });
    if (r.ok) setOpen(r.data.rows);
  }, []);
  useEffect(() => void loadOpen(), [loadOpen]);

  const loadAsn = useCallback(async (id: string): Promise<AsnDetail | null> => {
    const r = await oms['asns.get']({ id });
    if (!r.ok) return null;
    currentRef.current = r.data;
    setCurrent(r.data);
    return r.data;
  }, []);

  const report = useCallback((scan: CompletedScan, tone: Tone, title: Msg, text: Msg[]) => {
    setFeedback({ tone, title, text });
    setLog((prev) =>
      [
        { seq: ++seq.current, at: new Date().toISOString(), scan: scan.text, source: scan.source, tone, title, text },
        ...prev,
      ].slice(0, LOG_SIZE),
    );
    beep(tone === 'ok' ? 'ok' : tone === 'info' ? 'info' : 'error');
  }, []);

  const failed = useCallback(
    (scan: CompletedScan, error: AppErrorData) => {
      if (error.code === 'dock.already-received') {
        const d = error.details ?? {};
        report(scan, 'dup', { k: 'dock.receive.duplicateTitle' }, [
          {
            k: 'dock.receive.duplicate',
            p: {
              at: typeof d['at'] === 'string' ? d['at'] : '',
              by: typeof d['by'] === 'string' ? d['by'] : '—',
              asn: typeof d['asn'] === 'string' ? d['asn'] : '',
              sscc: typeof d['sscc'] === 'string' ? formatSscc(d['sscc']) : '',
            },
          },
        ]);
        return;
      }
      report(scan, 'error', { k: 'dock.receive.refusedTitle' }, [{ e: error }]);
    },
    [report],
  );

  const handleScan = useCallback(
    async (scan: CompletedScan) => {
      const meaning = interpretScan(scan.text, settings);
      const refused: Msg = { k: 'dock.receive.refusedTitle' };
      switch (meaning.kind) {
        case 'error':
          failed(scan, meaning.error);
          return;
        case 'unusable':
          report(scan, 'error', refused, [{ k: 'dock.receive.unusable' }]);
          return;
        case 'asn': {
          const r = await oms['asns.list']({ search: meaning.number, limit: 5 });
          const found = r.ok ? r.data.rows.find((a) => a.number === meaning.number) : undefined;
          if (!found) {
            if (!r.ok) failed(scan, r.error);
            else failed(scan, { code: 'dock.asn-not-found', message: meaning.number });
            return;
          }
          const d = await loadAsn(found.id);
          report(
            scan,
            'info',
            { k: 'dock.receive.currentSet', p: { asn: found.number } },
            d
              ? [
                  {
                    k: 'dock.receive.currentSetText',
                    p: { supplier: d.supplierName, order: d.orderNumber, units: d.unitCount },
                  },
                ]
              : [],
          );
          return;
        }
        case 'sscc': {
          const r = await oms['dock.receiveUnit']({ sscc: meaning.sscc, scan: scan.text });
          if (!r.ok) {
            failed(scan, r.error);
            if (r.error.code === 'dock.already-received' && !currentRef.current) {
              const hit = await oms['asns.list']({ search: meaning.sscc, limit: 1 });
              if (hit.ok && hit.data.rows[0]) await loadAsn(hit.data.rows[0].id);
            }
            return;
          }
          const d = await loadAsn(r.data.asnId);
          const unit = d?.units.find((u) => u.id === r.data.unitId);
          const what: Msg[] =
            unit && d
              ? unit.contents.map((c, i): Msg => {
                  const line = d.lines.find((l) => l.lineNo === c.lineNo);
                  const item = line ? `${line.sku} ${line.itemName}` : `#${c.lineNo}`;
                  return { s: `${i > 0 ? '· ' : ''}${formatQty(c.quantity)} × ${item}` };
                })
              : [{ s: formatQty(r.data.quantity) }];
          report(
            scan,
            'ok',
            {
              k: `dock.receive.unitOk.${unit?.kind ?? 'carton'}`,
              p: { position: r.data.position, count: r.data.unitCount, asn: r.data.asnNumber },
            },
            r.data.excess.length > 0 ? [...what, { k: 'dock.receive.excessNote' }] : what,
          );
          void loadOpen();
          return;
        }
        case 'quantity': {
          const asn = currentRef.current;
          if (!asn) {
            report(scan, 'error', refused, [{ k: 'dock.receive.needAsn' }]);
            return;
          }
          const r = await oms['dock.receiveQuantity']({
            asnId: asn.id,
            gtin: meaning.gtin,
            batch: meaning.batch,
            expiry: meaning.expiry,
            count: meaning.count,
            scan: scan.text,
          });
          if (!r.ok) {
            failed(scan, r.error);
            return;
          }
          const d = await loadAsn(asn.id);
          const line = d?.lines.find((l) => l.gtin !== null && meaning.gtin.endsWith(l.gtin.replace(/^0+/, '')));
          const text: Msg[] = [
            { s: `${formatQty(r.data.quantity)} × ${line ? `${line.sku} ${line.itemName}` : meaning.gtin}` },
          ];
          if (meaning.batch) text.push({ k: 'dock.receive.batchIs', p: { batch: meaning.batch } });
          if (r.data.overReceived > 0)
            text.push({ k: 'dock.receive.overNote', p: { qty: formatQty(r.data.overReceived) } });
          report(scan, 'ok', { k: 'dock.receive.quantityOk', p: { asn: r.data.asnNumber } }, text);
          void loadOpen();
          return;
        }
      }
    },
    [failed, loadAsn, loadOpen, report, settings],
  );

  /** Scans are handled one after another, in the order they were made. */
  const enqueue = useCallback(
    (scan: CompletedScan) => {
      queue.current = queue.current.then(async () => {
        setBusy(true);
        try {
          await handleScan(scan);
        } finally {
          setBusy(false);
        }
      });
    },
    [handleScan],
  );

  const onKey = useCallback(
    (e: globalThis.KeyboardEvent, up: boolean) => {
      const a = assembler.current;
      const out = up ? a.keyup(keyOf(e)) : a.keydown(keyOf(e));
      if (out.consumed) e.preventDefault();
      setDisplay(a.display);
      if (out.scan) enqueue(out.scan);
    },
    [enqueue],
  );

  // Native listeners: the field's own, plus keys typed while nothing editable has the focus
  // (a scan right after clicking a button still lands here).
  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    const down = (e: globalThis.KeyboardEvent) => onKey(e, false);
    const up = (e: globalThis.KeyboardEvent) => onKey(e, true);
    const before = (e: InputEvent) => {
      e.preventDefault();
      if (e.data) {
        assembler.current.insert(e.data, e.timeStamp);
        setDisplay(assembler.current.display);
      }
    };
    const paste = (e: ClipboardEvent) => {
      e.preventDefault();
      assembler.current.insert(e.clipboardData?.getData('text') ?? '', e.timeStamp);
      setDisplay(assembler.current.display);
    };
    const stray = (e: globalThis.KeyboardEvent) => {
      if (e.target === input || document.querySelector('.backdrop')) return;
      if (editable(document.activeElement) || e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) return;
      input.focus();
      onKey(e, false);
    };
    const blur = (e: FocusEvent) => {
      if (e.relatedTarget === null) focusScan();
    };
    input.addEventListener('keydown', down);
    input.addEventListener('keyup', up);
    input.addEventListener('beforeinput', before);
    input.addEventListener('paste', paste);
    input.addEventListener('blur', blur);
    document.addEventListener('keydown', stray);
    return () => {
      input.removeEventListener('keydown', down);
      input.removeEventListener('keyup', up);
      input.removeEventListener('beforeinput', before);
      input.removeEventListener('paste', paste);
      input.removeEventListener('blur', blur);
      document.removeEventListener('keydown', stray);
    };
  }, [onKey, focusScan]);

  const pick = async (id: string) => {
    if (!id) {
      currentRef.current = null;
      setCurrent(null);
    } else await loadAsn(id);
    focusScan();
  };

  const asn = current;
  const linesDone = asn ? asn.lines.filter((l) => l.qtyReceived >= l.quantity).length : 0;
  const supervisor = isSupervising(user.roles);
  const openOptions = useMemo(() => {
    const rows = [...open];
    if (asn && !rows.some((r) => r.id === asn.id)) rows.unshift(asn);
    return rows;
  }, [open, asn]);

  return (
    <div className="dock-receive">
      <div className="scan-bar">
        <label htmlFor="dock-scan" className="scan-label">
          {t('dock.receive.scanLabel')}
        </label>
        <input
          id="dock-scan"
          ref={inputRef}
          className="scan-input mono"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={display}
          onChange={() => undefined}
          placeholder={t('dock.receive.scanPlaceholder')}
          aria-describedby="dock-scan-hint"
          aria-busy={busy}
          data-testid="dock-scan"
        />
        <div className="scan-tools">
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={muted}
            onClick={() => {
              setMuted(!muted);
              setMutedState(!muted);
              focusScan();
            }}
          >
            {muted ? t('dock.receive.soundOff') : t('dock.receive.soundOn')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfiguring(true)}>
            {t('dock.receive.scannerSettings')}
          </button>
        </div>
        <p id="dock-scan-hint" className="muted scan-hint">
          {t('dock.receive.scanHint', { token: settings.gsSubstitute || '—' })}
        </p>
      </div>

      <div
        className={feedback ? `scan-feedback tone-${feedback.tone}` : 'scan-feedback tone-idle'}
        role="status"
        aria-live="assertive"
        data-testid="dock-feedback"
        data-tone={feedback?.tone ?? 'idle'}
      >
        <strong className="scan-feedback-title">
          {feedback ? msgText(t, lang, feedback.title) : t('dock.receive.ready')}
        </strong>
        <span className="scan-feedback-text">
          {feedback ? feedback.text.map((m) => msgText(t, lang, m)).join(' ') : t('dock.receive.readyText')}
        </span>
      </div>

      <div className="dock-receive-body">
        <section className="dock-card current-asn" aria-labelledby="dock-current-title">
          <div className="dock-card-head">
            <h2 id="dock-current-title">{t('dock.receive.current')}</h2>
            <label className="visually-hidden" htmlFor="dock-current-pick">
              {t('dock.receive.pickAsn')}
            </label>
            <select id="dock-current-pick" value={asn?.id ?? ''} onChange={(e) => void pick(e.target.value)}>
              <option value="">{t('dock.receive.pickAsn')}</option>
              {openOptions.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.number} · {a.supplierName} · {a.orderNumber}
                </option>
              ))}
            </select>
          </div>
          {asn ? (
            <>
              <div className="current-head">
                <button type="button" className="link mono current-number" onClick={() => onOpenAsn(asn.id)}>
                  {asn.number}
                </button>
                <AsnStatusChip status={asn.status} />
                <span>{asn.supplierName}</span>
                <span className="muted">
                  {t('dock.fields.order')} <span className="mono">{asn.orderNumber}</span>
                </span>
              </div>
              <dl className="dock-figures" data-testid="dock-progress">
                <div>
                  <dt>{t('dock.receive.units')}</dt>
                  <dd data-testid="dock-units">
                    {asn.unitsReceived}/{asn.unitCount}
                  </dd>
                </div>
                <div>
                  <dt>{t('dock.receive.lines')}</dt>
                  <dd>
                    {linesDone}/{asn.lines.length}
                  </dd>
                </div>
                <div>
                  <dt>{t('dock.receive.qty')}</dt>
                  <dd>
                    {formatQty(asn.qtyReceived)}/{formatQty(asn.qtyAnnounced)}
                  </dd>
                </div>
                <div className="po-progress">
                  <dt>{t('dock.receive.poProgress', { order: asn.orderNumber })}</dt>
                  <dd data-testid="dock-po-progress" data-value={asn.order.progress}>
                    <Progress
                      percent={asn.order.progress}
                      label={t('dock.receive.poProgress', { order: asn.orderNumber })}
                    />
                    <span className="muted">
                      {formatQty(asn.order.qtyReceived)}/{formatQty(asn.order.qtyOrdered)}
                    </span>
                  </dd>
                </div>
              </dl>
              <table className="data-table dock-lines">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('dock.fields.sku')}</th>
                    <th scope="col">{t('dock.fields.item')}</th>
                    <th scope="col">{t('dock.fields.lot')}</th>
                    <th scope="col" className="num">
                      {t('dock.fields.announced')}
                    </th>
                    <th scope="col" className="num">
                      {t('dock.fields.received')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {asn.lines.map((l) => (
                    <tr key={l.lineNo} className={l.qtyReceived >= l.quantity ? 'line-done' : undefined}>
                      <td>{l.lineNo}</td>
                      <td className="mono">{l.sku}</td>
                      <td>{itemName(l.itemName, l.itemNameEn, i18n.language)}</td>
                      <td className="mono">{l.lot || '—'}</td>
                      <td className="num">{formatQty(l.quantity)}</td>
                      <td className="num">{formatQty(l.qtyReceived)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ul className="unit-list" aria-label={t('dock.detail.units')}>
                {asn.units.map((u) => (
                  <li key={u.id} className={u.status === 'received' ? 'unit received' : 'unit'}>
                    <span className="unit-pos">
                      {t(`dock.kinds.${u.kind}`)} {u.position}
                    </span>
                    <span className="mono">{formatSscc(u.sscc, asn.companyPrefix?.length)}</span>
                    <span className="unit-state">
                      {u.status === 'received' && u.receivedAt
                        ? t('dock.receive.unitReceivedAt', {
                            at: formatWhen(u.receivedAt, lang),
                            by: u.receivedBy ?? '—',
                          })
                        : t('dock.receive.unitExpected')}
                    </span>
                  </li>
                ))}
              </ul>
              {supervisor && ['open', 'arrived', 'receiving', 'received'].includes(asn.status) ? (
                <div className="actions">
                  <button type="button" className="btn" onClick={() => setClosing(true)}>
                    {t('dock.actions.closeShort')}
                  </button>
                </div>
              ) : null}
            </>
          ) : (
            <p className="muted">{t('dock.receive.noCurrent')}</p>
          )}
        </section>

        <section className="dock-card scan-log" aria-labelledby="dock-log-title">
          <div className="dock-card-head">
            <h2 id="dock-log-title">{t('dock.receive.log', { count: LOG_SIZE })}</h2>
          </div>
          {log.length === 0 ? (
            <p className="muted">{t('dock.receive.logEmpty')}</p>
          ) : (
            <ol className="scan-log-list" data-testid="dock-log">
              {log.map((e) => (
                <li key={e.seq} className={`scan-log-entry tone-${e.tone}`}>
                  <span className="scan-log-time">{formatWhen(e.at, lang)}</span>
                  <ScanText scan={e.scan} className="scan-log-scan mono" />
                  <span className={e.source === 'scanner' ? 'chip tone-info' : 'chip tone-muted'}>
                    {t(`dock.receive.source.${e.source}`)}
                  </span>
                  <span className="scan-log-text">
                    {[e.title, ...e.text].map((m) => msgText(t, lang, m)).join(' ')}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      {closing && asn ? (
        <CloseAsnDialog
          asn={asn}
          onCancel={() => setClosing(false)}
          onDone={() => {
            setClosing(false);
            void loadAsn(asn.id);
            void loadOpen();
          }}
        />
      ) : null}
      {configuring ? (
        <ScannerSettingsDialog
          settings={settings}
          onCancel={() => setConfiguring(false)}
          onSave={(s) => {
            saveScannerSettings(storage(), s);
            setSettings(s);
            setConfiguring(false);
          }}
        />
      ) : null}
    </div>
  );
}

/** The GS substitute this dock's scanners are programmed with, and the timing that tells scans from typing. */
function ScannerSettingsDialog({
  settings,
  onCancel,
  onSave,
}: {
  settings: ScannerSettings;
  onCancel: () => void;
  onSave: (s: ScannerSettings) => void;
}) {
  const { t } = useTranslation();
  const [token, setToken] = useState(settings.gsSubstitute);
  const [interval, setIntervalText] = useState(String(settings.maxMeanIntervalMs));
  const problem = checkSubstitute(token);
  const ms = Number(interval);
  const badMs = !Number.isInteger(ms) || ms < 1 || ms > 500;
  return (
    <Dialog
      title={t('dock.scanner.title')}
      onCancel={onCancel}
      onSubmit={() => {
        if (problem || badMs) return;
        onSave({ ...settings, gsSubstitute: token, maxMeanIntervalMs: ms });
      }}
      footer={<DialogFooter keys={t('dock.keys.form')} confirm={t('common.save')} saving={false} onCancel={onCancel} />}
    >
      <div className="form-body">
        <div className="field">
          <label htmlFor="dock-gs-token">{t('dock.scanner.substitute')}</label>
          <input
            id="dock-gs-token"
            type="text"
            className="mono"
            value={token}
            aria-invalid={problem ? true : undefined}
            aria-describedby="dock-gs-token-hint"
            onChange={(e) => setToken(e.target.value)}
          />
          {problem ? (
            <p className="field-error">{t(`dock.scanner.${problem}`)}</p>
          ) : (
            <p id="dock-gs-token-hint" className="field-hint">
              {t('dock.scanner.substituteHint')}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="dock-scan-ms">{t('dock.scanner.interval')}</label>
          <input
            id="dock-scan-ms"
            type="text"
            inputMode="numeric"
            value={interval}
            aria-invalid={badMs ? true : undefined}
            onChange={(e) => setIntervalText(e.target.value)}
          />
          <p className="field-hint">{t('dock.scanner.intervalHint', { chars: settings.minScanChars })}</p>
        </div>
      </div>
    </Dialog>
  );
}
