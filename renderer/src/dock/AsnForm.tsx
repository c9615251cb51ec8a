import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PurchaseLineOut } from '../../../core/api/dock.api.ts';
import { UNIT_KINDS, type UnitKind } from '../../../core/dock/schemas.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import { issueText } from '../i18n/messages.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { formatQty, itemName, localToday } from '../inventory/format.ts';
import {
  announcedLines,
  checkAsnDraft,
  formatSscc,
  groupByOrder,
  packedByLine,
  parseCount,
  serverIssues,
  splitLine,
  type AsnDraft,
  type FormLine,
  type FormUnit,
  type Issues,
} from './format.ts';
import type { DockUser } from './session.ts';
import { ErrorBanner } from '../app/ErrorBanner.tsx';

const emptyDraft = (): AsnDraft => ({
  orderId: '',
  supplierId: '',
  shipDate: localToday(),
  expectedDate: '',
  carrierRef: '',
  note: '',
  lines: [],
  units: [],
  appointment: { on: false, dock: '', start: '', end: '' },
});

function IssueText({ issue, id }: { issue: FieldIssue | undefined; id?: string }) {
  const { t } = useTranslation();
  if (!issue) return null;
  return (
    <p id={id} className="field-error">
      {issueText(t, issue)}
    </p>
  );
}

/**
 * A new ASN (送货单) for one open purchase order: what is shipped per line (within what may
 * still be announced), lot and expiry, the packing into cartons or pallets (each gets an SSCC
 * when saved), and optionally a dock appointment. Packing that does not add up is refused here.
 */
export function AsnForm({
  user,
  onCancel,
  onOpen,
  onCreated,
}: {
  user: DockUser;
  onCancel: () => void;
  onOpen: (asnId: string) => void;
  onCreated: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [rows, setRows] = useState<PurchaseLineOut[] | null>(null);
  const [draft, setDraft] = useState<AsnDraft>(emptyDraft);
  const [issues, setIssues] = useState<Issues>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<{ id: string; number: string; ssccs: string[] } | null>(null);
  // After a first attempt the form's own checks follow every edit (a fixed field clears at once).
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (tried) setIssues(checkAsnDraft(draft).issues);
  }, [draft, tried]);

  useEffect(() => {
    let alive = true;
    void oms['dock.purchaseLines'](user.supplierId ? { supplierId: user.supplierId } : {}).then((r) => {
      if (!alive) return;
      if (!r.ok) return setFailure(r.error);
      setRows(r.data.rows);
    });
    return () => {
      alive = false;
    };
  }, [user.supplierId]);

  const orders = useMemo(() => groupByOrder(rows ?? []), [rows]);

  const chooseOrder = (orderId: string) => {
    const group = orders.find((o) => o.orderId === orderId);
    setIssues({});
    setFailure(null);
    setDraft((d) => ({
      ...d,
      orderId,
      supplierId: group?.lines[0]?.supplierId ?? '',
      lines: (group?.lines ?? []).map((line): FormLine => ({ line, qty: '', lot: '', expiry: '', per: '' })),
      units: [],
    }));
  };

  // One open purchase order: it is the one.
  useEffect(() => {
    if (orders.length === 1 && draft.orderId === '') chooseOrder(orders[0]!.orderId);
    // Only when the lines arrive.
  }, [orders]);

  const setLine = (lineNo: number, patch: Partial<FormLine>) =>
    setDraft((d) => ({ ...d, lines: d.lines.map((l) => (l.line.lineNo === lineNo ? { ...l, ...patch } : l)) }));
  const setUnit = (i: number, patch: (u: FormUnit) => FormUnit) =>
    setDraft((d) => ({ ...d, units: d.units.map((u, j) => (j === i ? patch(u) : u)) }));

  const chosen = announcedLines(draft);
  const packed = packedByLine(draft.units);

  const split = (l: FormLine) => {
    const q = parseCount(l.qty);
    const per = parseCount(l.per);
    if (q === null || per === null || per === 0) {
      setIssues((x) => ({ ...x, [`line.${l.line.lineNo}.per`]: { path: 'per', code: 'whole-number' } }));
      return;
    }
    setIssues((x) => {
      const next = { ...x };
      delete next[`line.${l.line.lineNo}.per`];
      return next;
    });
    setDraft((d) => ({ ...d, units: splitLine(d.units, l.line.lineNo, q, per) }));
  };

  const submit = async () => {
    if (saving) return;
    setFailure(null);
    setTried(true);
    const { input, issues: found } = checkAsnDraft(draft);
    setIssues(found);
    if (!input) {
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.asn-form [aria-invalid="true"], .asn-form .field-error')?.focus(),
      );
      return;
    }
    setSaving(true);
    const r = await oms['asns.create'](input);
    setSaving(false);
    if (!r.ok) {
      setFailure(r.error);
      setIssues(serverIssues(r.error.details?.fields, draft));
      return;
    }
    setCreated(r.data);
    onCreated();
  };

  if (created)
    return (
      <Dialog
        title={t('dock.form.createdTitle', { asn: created.number })}
        onCancel={onCancel}
        footer={
          <div className="actions">
            <button type="button" className="btn" onClick={onCancel}>
              {t('common.close')}
            </button>
            <button type="button" className="btn btn-primary" onClick={() => onOpen(created.id)}>
              {t('dock.form.openAsn')}
            </button>
          </div>
        }
      >
        <div className="form-body asn-created" data-testid="asn-created">
          <p>
            {t('dock.form.createdText', { asn: created.number, count: created.ssccs.length })}{' '}
            <strong className="mono" data-testid="asn-created-number">
              {created.number}
            </strong>
          </p>
          <ol className="sscc-list">
            {created.ssccs.map((s) => (
              <li key={s} className="mono" data-sscc={s}>
                {formatSscc(s)}
              </li>
            ))}
          </ol>
          <p className="muted">{t('dock.form.printHint')}</p>
        </div>
      </Dialog>
    );

  const group = orders.find((o) => o.orderId === draft.orderId);
  const first = group?.lines[0];

  return (
    <Dialog
      title={t('dock.form.title')}
      subtitle={first ? `${first.supplierName} → ${first.warehouseName}` : undefined}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      initialFocus="#asn-order"
      footer={
        <DialogFooter
          keys={t('dock.keys.form')}
          confirm={t('dock.form.create')}
          saving={saving}
          onCancel={onCancel}
          disabled={!group}
        />
      }
    >
      <div className="asn-form">
        <ErrorBanner error={failure} />
        <div className="form-body">
          {rows === null ? (
            <p className="muted">{t('common.loading')}</p>
          ) : orders.length === 0 ? (
            <p className="muted" data-testid="asn-no-lines">
              {t('dock.form.noOpenLines')}
            </p>
          ) : (
            <>
              <div className="form-grid asn-head-grid">
                <div className="field span-2">
                  <label htmlFor="asn-order">{t('dock.form.order')}</label>
                  <select id="asn-order" value={draft.orderId} onChange={(e) => chooseOrder(e.target.value)}>
                    <option value="">{t('dock.form.pickOrder')}</option>
                    {orders.map((o) => (
                      <option key={o.orderId} value={o.orderId}>
                        {o.lines[0]!.orderNumber} · {o.lines[0]!.supplierName} · {o.lines[0]!.warehouseName}
                        {o.lines[0]!.requestedDate ? ` · ${o.lines[0]!.requestedDate}` : ''}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="asn-ship">{t('dock.fields.shipDate')}</label>
                  <input
                    id="asn-ship"
                    type="date"
                    value={draft.shipDate}
                    aria-invalid={issues['shipDate'] ? true : undefined}
                    onChange={(e) => setDraft((d) => ({ ...d, shipDate: e.target.value }))}
                  />
                  <IssueText issue={issues['shipDate']} />
                </div>
                <div className="field">
                  <label htmlFor="asn-expected">{t('dock.fields.expectedDate')}</label>
                  <input
                    id="asn-expected"
                    type="date"
                    value={draft.expectedDate}
                    aria-invalid={issues['expectedDate'] ? true : undefined}
                    onChange={(e) => setDraft((d) => ({ ...d, expectedDate: e.target.value }))}
                  />
                  <IssueText issue={issues['expectedDate']} />
                </div>
                <div className="field">
                  <label htmlFor="asn-carrier">{t('dock.fields.carrierRef')}</label>
                  <input
                    id="asn-carrier"
                    type="text"
                    maxLength={60}
                    value={draft.carrierRef}
                    onChange={(e) => setDraft((d) => ({ ...d, carrierRef: e.target.value }))}
                  />
                </div>
                <div className="field">
                  <label htmlFor="asn-note">{t('dock.fields.note')}</label>
                  <input
                    id="asn-note"
                    type="text"
                    maxLength={300}
                    value={draft.note}
                    onChange={(e) => setDraft((d) => ({ ...d, note: e.target.value }))}
                  />
                </div>
              </div>

              {group ? (
                <>
                  <h3 className="asn-section">{t('dock.form.lines')}</h3>
                  <IssueText issue={issues['lines']} />
                  <div className="asn-lines-wrap">
                    <table className="data-table asn-lines">
                      <thead>
                        <tr>
                          <th scope="col">#</th>
                          <th scope="col">{t('dock.fields.item')}</th>
                          <th scope="col" className="num">
                            {t('dock.fields.ordered')}
                          </th>
                          <th scope="col" className="num">
                            {t('dock.fields.received')}
                          </th>
                          <th scope="col" className="num">
                            {t('dock.fields.announcedBefore')}
                          </th>
                          <th scope="col" className="num">
                            {t('dock.fields.allowed')}
                          </th>
                          <th scope="col">{t('dock.fields.shipQty')}</th>
                          <th scope="col">{t('dock.fields.lot')}</th>
                          <th scope="col">{t('dock.fields.expiry')}</th>
                          <th scope="col">{t('dock.form.splitHead')}</th>
                          <th scope="col" className="num">
                            {t('dock.form.packed')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {draft.lines.map((l) => {
                          const n = l.line.lineNo;
                          const q = parseCount(l.qty);
                          const p = packed.get(n) ?? 0;
                          const mismatch = (q ?? 0) !== p;
                          const id = (f: string) => `asn-l${n}-${f}`;
                          return (
                            <tr key={n} data-line={n}>
                              <td>{n}</td>
                              <td>
                                <span className="mono">{l.line.sku}</span>
                                <span className="cell-sub">
                                  {itemName(l.line.itemName, l.line.itemNameEn, i18n.language)}
                                </span>
                              </td>
                              <td className="num">{formatQty(l.line.ordered)}</td>
                              <td className="num">{formatQty(l.line.received)}</td>
                              <td className="num">{formatQty(l.line.announced)}</td>
                              <td className="num">{formatQty(l.line.allowed)}</td>
                              <td className="cell-input">
                                <label htmlFor={id('qty')} className="visually-hidden">
                                  {t('dock.form.qtyOf', { sku: l.line.sku })}
                                </label>
                                <input
                                  id={id('qty')}
                                  type="text"
                                  inputMode="numeric"
                                  className="num"
                                  autoComplete="off"
                                  value={l.qty}
                                  aria-invalid={issues[`line.${n}.qty`] ? true : undefined}
                                  onChange={(e) => setLine(n, { qty: e.target.value })}
                                />
                                <IssueText issue={issues[`line.${n}.qty`]} />
                              </td>
                              <td className="cell-input">
                                <label htmlFor={id('lot')} className="visually-hidden">
                                  {t('dock.form.lotOf', { sku: l.line.sku })}
                                </label>
                                <input
                                  id={id('lot')}
                                  type="text"
                                  className="mono"
                                  maxLength={20}
                                  autoComplete="off"
                                  placeholder={l.line.lotTracked ? t('dock.form.required') : ''}
                                  value={l.lot}
                                  aria-invalid={issues[`line.${n}.lot`] ? true : undefined}
                                  onChange={(e) => setLine(n, { lot: e.target.value })}
                                />
                                <IssueText issue={issues[`line.${n}.lot`]} />
                              </td>
                              <td className="cell-input">
                                <label htmlFor={id('expiry')} className="visually-hidden">
                                  {t('dock.form.expiryOf', { sku: l.line.sku })}
                                </label>
                                <input
                                  id={id('expiry')}
                                  type="date"
                                  value={l.expiry}
                                  required={l.line.expiryTracked}
                                  aria-invalid={issues[`line.${n}.expiry`] ? true : undefined}
                                  onChange={(e) => setLine(n, { expiry: e.target.value })}
                                />
                                <IssueText issue={issues[`line.${n}.expiry`]} />
                              </td>
                              <td className="cell-input split-cell">
                                <label htmlFor={id('per')} className="visually-hidden">
                                  {t('dock.form.perOf', { sku: l.line.sku })}
                                </label>
                                <input
                                  id={id('per')}
                                  type="text"
                                  inputMode="numeric"
                                  className="num per-input"
                                  autoComplete="off"
                                  placeholder={t('dock.form.perPlaceholder')}
                                  value={l.per}
                                  aria-invalid={issues[`line.${n}.per`] ? true : undefined}
                                  onChange={(e) => setLine(n, { per: e.target.value })}
                                  onKeyDown={(e) => {
                                    // Enter here splits (instead of saving the form).
                                    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
                                      e.preventDefault();
                                      e.stopPropagation();
                                      split(l);
                                    }
                                  }}
                                />
                                <button type="button" className="btn btn-small" onClick={() => split(l)}>
                                  {t('dock.form.split')}
                                </button>
                              </td>
                              <td className={mismatch && (q ?? 0) + p > 0 ? 'num packed bad' : 'num packed'}>
                                <span data-testid={`packed-${n}`}>
                                  {formatQty(p)}/{formatQty(q ?? 0)}
                                </span>
                                <IssueText issue={issues[`line.${n}.packed`]} />
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>

                  <h3 className="asn-section">
                    {t('dock.form.packing')}{' '}
                    <span className="muted">{t('dock.form.unitCount', { count: draft.units.length })}</span>
                  </h3>
                  <IssueText issue={issues['units']} />
                  {draft.units.length > 0 ? (
                    <table className="data-table asn-units">
                      <thead>
                        <tr>
                          <th scope="col">#</th>
                          <th scope="col">{t('dock.fields.kind')}</th>
                          {chosen.map((l) => (
                            <th key={l.line.lineNo} scope="col" className="num">
                              <span className="mono">{l.line.sku}</span>
                            </th>
                          ))}
                          <th scope="col">
                            <span className="visually-hidden">{t('common.remove')}</span>
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {draft.units.map((u, i) => (
                          <tr key={i}>
                            <td>{i + 1}</td>
                            <td className="cell-input">
                              <label htmlFor={`asn-u${i}-kind`} className="visually-hidden">
                                {t('dock.form.kindOf', { n: i + 1 })}
                              </label>
                              <select
                                id={`asn-u${i}-kind`}
                                value={u.kind}
                                onChange={(e) => setUnit(i, (x) => ({ ...x, kind: e.target.value as UnitKind }))}
                              >
                                {UNIT_KINDS.map((k) => (
                                  <option key={k} value={k}>
                                    {t(`dock.kinds.${k}`)}
                                  </option>
                                ))}
                              </select>
                              <IssueText issue={issues[`unit.${i}`]} />
                            </td>
                            {chosen.map((l) => (
                              <td key={l.line.lineNo} className="cell-input">
                                <label htmlFor={`asn-u${i}-l${l.line.lineNo}`} className="visually-hidden">
                                  {t('dock.form.unitQtyOf', { n: i + 1, sku: l.line.sku })}
                                </label>
                                <input
                                  id={`asn-u${i}-l${l.line.lineNo}`}
                                  type="text"
                                  inputMode="numeric"
                                  className="num"
                                  autoComplete="off"
                                  value={u.qty[l.line.lineNo] ?? ''}
                                  onChange={(e) => {
                                    const v = e.target.value;
                                    setUnit(i, (x) => ({ ...x, qty: { ...x.qty, [l.line.lineNo]: v } }));
                                  }}
                                />
                              </td>
                            ))}
                            <td>
                              <button
                                type="button"
                                className="btn btn-small btn-quiet"
                                aria-label={t('dock.form.removeUnit', { n: i + 1 })}
                                onClick={() => setDraft((d) => ({ ...d, units: d.units.filter((_, j) => j !== i) }))}
                              >
                                ×
                              </button>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : (
                    <p className="muted">{t('dock.form.noUnits')}</p>
                  )}
                  <div className="actions-left">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setDraft((d) => ({ ...d, units: [...d.units, { kind: 'carton', qty: {} }] }))}
                    >
                      {t('dock.form.addUnit')}
                    </button>
                  </div>

                  <h3 className="asn-section">{t('dock.form.appointment')}</h3>
                  <label className="field-check">
                    <input
                      type="checkbox"
                      checked={draft.appointment.on}
                      onChange={(e) =>
                        setDraft((d) => ({ ...d, appointment: { ...d.appointment, on: e.target.checked } }))
                      }
                    />
                    {t('dock.form.bookSlot')}
                  </label>
                  {draft.appointment.on ? (
                    <div className="form-grid">
                      <div className="field">
                        <label htmlFor="asn-dock">{t('dock.fields.dock')}</label>
                        <input
                          id="asn-dock"
                          type="text"
                          maxLength={20}
                          value={draft.appointment.dock}
                          aria-invalid={issues['appointment.dock'] ? true : undefined}
                          onChange={(e) =>
                            setDraft((d) => ({ ...d, appointment: { ...d.appointment, dock: e.target.value } }))
                          }
                        />
                        <IssueText issue={issues['appointment.dock']} />
                      </div>
                      <div className="field">
                        <label htmlFor="asn-slot-start">{t('dock.fields.slotStart')}</label>
                        <input
                          id="asn-slot-start"
                          type="datetime-local"
                          value={draft.appointment.start}
                          aria-invalid={issues['appointment.start'] ? true : undefined}
                          onChange={(e) =>
                            setDraft((d) => ({ ...d, appointment: { ...d.appointment, start: e.target.value } }))
                          }
                        />
                        <IssueText issue={issues['appointment.start']} />
                      </div>
                      <div className="field">
                        <label htmlFor="asn-slot-end">{t('dock.fields.slotEnd')}</label>
                        <input
                          id="asn-slot-end"
                          type="datetime-local"
                          value={draft.appointment.end}
                          aria-invalid={issues['appointment.end'] ? true : undefined}
                          onChange={(e) =>
                            setDraft((d) => ({ ...d, appointment: { ...d.appointment, end: e.target.value } }))
                          }
                        />
                        <IssueText issue={issues['appointment.end']} />
                      </div>
                    </div>
                  ) : null}
                </>
              ) : null}
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}
