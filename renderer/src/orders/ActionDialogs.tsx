import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData, FieldIssue, Result } from '../../../core/errors.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { Dialog, DialogFooter } from '../inventory/Dialog.tsx';
import { normaliseDate } from '../inventory/freeze.ts';
import { formatQty, itemName, parseQty } from '../inventory/format.ts';
import { issueText } from '../i18n/messages.ts';
import { formatMoney, orderErrorText, type Failure, type Names, type OrderDetail } from './format.ts';
import type { Lookups } from './lookups.ts';
import { FailureList } from './parts.tsx';

/**
 * The submit cycle every order action dialog shares: mark the form tried, stop on a form problem
 * or while a call is out, run the call, and keep a refusal for the banner.
 */
function useAction() {
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const act = async <T,>(blocked: unknown, call: () => Promise<Result<T>>, onOk: (data: T) => void) => {
    if (saving) return;
    setTried(true);
    setFailure(null);
    if (blocked) return;
    setSaving(true);
    const r = await call();
    setSaving(false);
    if (!r.ok) setFailure(r.error);
    else onOk(r.data);
  };
  return { tried, saving, failure, act };
}

/** The translated refusal of the last attempt, if any. */
function FailureBanner({ failure }: { failure: AppErrorData | null }) {
  const { t } = useTranslation();
  if (!failure) return null;
  return (
    <div className="banner banner-error" role="alert">
      <p>{orderErrorText(t, failure)}</p>
    </div>
  );
}

type ReasonKind = 'release' | 'cancel' | 'close' | 'complete';

/**
 * Force-release (with the failed checks and their figures), cancel, close or complete: one
 * reason field (mandatory, except the note of a completion), Enter confirms, Esc cancels.
 */
export function ReasonDialog({
  kind,
  order,
  failures,
  names,
  onCancel,
  onDone,
}: {
  kind: ReasonKind;
  order: Pick<OrderDetail['order'], 'id' | 'number' | 'version'>;
  failures: readonly Failure[];
  names: Names;
  onCancel: () => void;
  onDone: (status: string) => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const { tried, saving, failure, act } = useAction();
  const required = kind !== 'complete';
  const missing = required && !reason.trim();

  const submit = () =>
    act(
      missing,
      async () => {
        const ref = { orderId: order.id, expectedVersion: order.version };
        return kind === 'release'
          ? await oms['orders.release']({ ...ref, reason: reason.trim() })
          : kind === 'cancel'
            ? await oms['orders.cancel']({ ...ref, reason: reason.trim() })
            : kind === 'close'
              ? await oms['orders.close']({ ...ref, reason: reason.trim() })
              : await oms['orders.complete']({ ...ref, note: reason.trim() });
      },
      (data) => onDone(data.status),
    );

  const issue: FieldIssue | null = tried && missing ? { path: 'reason', code: 'reason-required' } : null;
  return (
    <Dialog
      title={t(`orders.${kind === 'release' ? 'release' : 'reasonDialog'}.title`, {
        number: order.number,
        action: t(`orders.actions.${kind}`),
      })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      initialFocus="#ord-reason"
      footer={
        <DialogFooter
          keys={t('orders.keys.confirm')}
          saving={saving}
          onCancel={onCancel}
          danger={kind === 'cancel'}
          confirm={t(`orders.${kind === 'release' ? 'release' : 'reasonDialog'}.confirm.${kind}`)}
        />
      }
    >
      <FailureBanner failure={failure} />
      <div className="form-body">
        {kind === 'release' ? (
          <div className="release-why">
            <p>{t('orders.release.explain', { count: failures.length })}</p>
            <FailureList failures={failures} names={names} />
          </div>
        ) : (
          <p className="dialog-text">{t(`orders.reasonDialog.explain.${kind}`)}</p>
        )}
        <div className="field">
          <div className="label-row">
            <label htmlFor="ord-reason">
              {t(kind === 'complete' ? 'orders.reasonDialog.note' : 'orders.reasonDialog.reason')}
            </label>
            {required ? (
              <span className="req" aria-hidden="true">
                *
              </span>
            ) : null}
          </div>
          <input
            id="ord-reason"
            type="text"
            maxLength={300}
            autoComplete="off"
            value={reason}
            aria-required={required}
            aria-invalid={issue ? true : undefined}
            aria-describedby={issue ? 'ord-reason-error' : 'ord-reason-hint'}
            onChange={(e) => setReason(e.target.value)}
          />
          {issue ? (
            <p id="ord-reason-error" className="field-error">
              {issueText(t, issue)}
            </p>
          ) : (
            <p id="ord-reason-hint" className="field-hint">
              {t(kind === 'release' ? 'orders.release.reasonHint' : 'orders.reasonDialog.reasonHint')}
            </p>
          )}
        </div>
      </div>
    </Dialog>
  );
}

/**
 * Split (拆单): manual — quantities of each line per part (what no part takes becomes the last
 * part), each part optionally from another warehouse; or automatic by the split rules.
 */
export function SplitDialog({
  detail,
  catalog,
  onCancel,
  onDone,
}: {
  detail: OrderDetail;
  catalog: Catalog;
  onCancel: () => void;
  onDone: (children: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const o = detail.order;
  const lines = useMemo(
    () => detail.lines.map((l) => ({ ...l, open: l.qtyOrdered - l.qtyCancelled })).filter((l) => l.open > 0),
    [detail.lines],
  );
  const [mode, setMode] = useState<'manual' | 'auto'>('manual');
  // parts[p][lineNo] = typed quantity
  const [parts, setParts] = useState<Array<{ qty: Record<number, string>; warehouseId: string }>>([
    { qty: {}, warehouseId: '' },
  ]);
  const { tried, saving, failure, act } = useAction();

  const parsed = parts.map((p) =>
    lines.map((l) => {
      const text = p.qty[l.lineNo] ?? '';
      if (!text.trim()) return { lineNo: l.lineNo, quantity: 0, bad: false };
      const q = parseQty(text);
      return { lineNo: l.lineNo, quantity: q ?? 0, bad: q === null || q < 0 };
    }),
  );
  const taken = (lineNo: number) => parsed.reduce((s, p) => s + (p.find((x) => x.lineNo === lineNo)?.quantity ?? 0), 0);
  const rest = lines.map((l) => ({ lineNo: l.lineNo, quantity: l.open - taken(l.lineNo) }));
  const over = rest.filter((r) => r.quantity < 0).map((r) => r.lineNo);
  const emptyParts = parsed.map((p, i) => (p.every((x) => x.quantity === 0) ? i : -1)).filter((i) => i >= 0);
  const restHasAny = rest.some((r) => r.quantity > 0);
  const partCount = parts.length - emptyParts.length + (restHasAny ? 1 : 0);

  const problem: string | null =
    mode === 'auto'
      ? null
      : parsed.some((p) => p.some((x) => x.bad))
        ? t('orders.split.badNumber')
        : over.length > 0
          ? t('orders.split.over', { lines: over.join(', ') })
          : emptyParts.length > 0
            ? t('orders.split.emptyPart', { part: (emptyParts[0] ?? 0) + 1 })
            : partCount < 2
              ? t('orders.split.needTwo')
              : null;

  const submit = () =>
    act(
      problem,
      async () => {
        const ref = { orderId: o.id, expectedVersion: o.version };
        return mode === 'auto'
          ? await oms['orders.split']({ ...ref, mode: 'auto' })
          : await oms['orders.split']({
              ...ref,
              mode: 'manual',
              parts: parsed.map((p, i) => ({
                lines: p.filter((x) => x.quantity > 0).map((x) => ({ lineNo: x.lineNo, quantity: x.quantity })),
                warehouseId: parts[i]?.warehouseId || null,
              })),
            });
      },
      (data) => onDone(data.children.map((c) => c.number).join(', ')),
    );

  const setQty = (part: number, lineNo: number, text: string) =>
    setParts((ps) => ps.map((p, i) => (i === part ? { ...p, qty: { ...p.qty, [lineNo]: text } } : p)));

  return (
    <Dialog
      title={t('orders.split.title', { number: o.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      initialFocus={mode === 'manual' ? '#split-q-0-0' : undefined}
      footer={
        <DialogFooter
          keys={t('orders.split.keys')}
          saving={saving}
          onCancel={onCancel}
          confirm={t('orders.split.confirm', { count: mode === 'auto' ? 2 : partCount })}
        />
      }
    >
      <FailureBanner failure={failure} />
      <div className="form-body">
        <fieldset className="radio-row">
          <legend>{t('orders.split.mode')}</legend>
          {(['manual', 'auto'] as const).map((m) => (
            <label key={m} className="inv-check">
              <input type="radio" name="split-mode" checked={mode === m} onChange={() => setMode(m)} />
              {t(`orders.split.modes.${m}`)}
            </label>
          ))}
        </fieldset>
        {mode === 'auto' ? (
          <p className="dialog-text">{t('orders.split.autoExplain')}</p>
        ) : (
          <>
            <p className="dialog-text muted">{t('orders.split.manualExplain')}</p>
            <div className="split-scroll">
              <table className="data-table split-table" aria-label={t('orders.split.tableLabel')}>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      #
                    </th>
                    <th scope="col">{t('orders.lines.item')}</th>
                    <th scope="col" className="num">
                      {t('orders.split.open')}
                    </th>
                    {parts.map((_, p) => (
                      <th key={p} scope="col" className="num">
                        {t('orders.split.part', { n: p + 1 })}
                        {parts.length > 1 ? (
                          <button
                            type="button"
                            className="btn btn-quiet btn-tiny"
                            aria-label={t('orders.split.removePart', { n: p + 1 })}
                            onClick={() => setParts((ps) => ps.filter((_, i) => i !== p))}
                          >
                            ×
                          </button>
                        ) : null}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      {t('orders.split.rest', { n: parts.length + 1 })}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((l, row) => {
                    const left = rest.find((r) => r.lineNo === l.lineNo)?.quantity ?? 0;
                    return (
                      <tr key={l.lineNo}>
                        <td className="num">{l.lineNo}</td>
                        <th scope="row" className="ellipsis wide">
                          <span className="mono">{l.sku}</span> {itemName(l.itemName, l.itemNameEn, lang)}
                        </th>
                        <td className="num">{formatQty(l.open)}</td>
                        {parts.map((p, col) => {
                          const bad = tried && (parsed[col]?.[row]?.bad || left < 0);
                          return (
                            <td key={col} className="cell-input num">
                              <input
                                id={`split-q-${col}-${row}`}
                                type="text"
                                inputMode="numeric"
                                autoComplete="off"
                                aria-label={t('orders.split.qtyLabel', { n: col + 1, line: l.lineNo, sku: l.sku })}
                                aria-invalid={bad ? true : undefined}
                                value={p.qty[l.lineNo] ?? ''}
                                placeholder="0"
                                onChange={(e) => setQty(col, l.lineNo, e.target.value)}
                              />
                            </td>
                          );
                        })}
                        <td className={left < 0 ? 'num qty-out' : 'num'}>{formatQty(left)}</td>
                      </tr>
                    );
                  })}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={3}>
                      {t('orders.split.warehouse')}
                    </th>
                    {parts.map((p, col) => (
                      <td key={col}>
                        <select
                          aria-label={t('orders.split.warehouseOf', { n: col + 1 })}
                          value={p.warehouseId}
                          onChange={(e) =>
                            setParts((ps) => ps.map((x, i) => (i === col ? { ...x, warehouseId: e.target.value } : x)))
                          }
                        >
                          <option value="">
                            {t('orders.split.sameWarehouse', { code: o.warehouse?.code ?? '—' })}
                          </option>
                          {catalog.warehouses.map((w) => (
                            <option key={w.id} value={w.id}>
                              {w.code} · {w.name}
                            </option>
                          ))}
                        </select>
                      </td>
                    ))}
                    <td className="muted">{o.warehouse?.code ?? ''}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
            <div className="split-foot">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setParts((ps) => [...ps, { qty: {}, warehouseId: '' }])}
                disabled={parts.length >= 10}
              >
                {t('orders.split.addPart')}
              </button>
              {tried && problem ? (
                <p className="field-error" role="alert">
                  {problem}
                </p>
              ) : (
                <p className="muted">{t('orders.split.summary', { count: partCount })}</p>
              )}
            </div>
          </>
        )}
      </div>
    </Dialog>
  );
}

/** Ship (发货): lines × quantities up to what is allocated and not shipped, carrier and tracking number. */
export function ShipDialog({
  detail,
  lookups,
  onCancel,
  onDone,
}: {
  detail: OrderDetail;
  lookups: Lookups;
  onCancel: () => void;
  onDone: (status: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const o = detail.order;
  const lines = detail.lines
    .map((l) => ({ ...l, ready: l.qtyAllocated - l.qtyShipped }))
    .filter((l) => l.qtyOrdered - l.qtyCancelled - l.qtyShipped > 0);
  const [qty, setQty] = useState<Record<number, string>>(() =>
    Object.fromEntries(lines.map((l) => [l.lineNo, l.ready > 0 ? String(l.ready) : ''])),
  );
  const [carrierId, setCarrierId] = useState(o.carrier?.id ?? '');
  const [tracking, setTracking] = useState('');
  const { tried, saving, failure, act } = useAction();

  const parsed = lines.map((l) => {
    const text = qty[l.lineNo] ?? '';
    const q = text.trim() ? parseQty(text) : 0;
    return { lineNo: l.lineNo, quantity: q ?? 0, bad: q === null || (q ?? 0) < 0 || (q ?? 0) > l.ready };
  });
  const chosen = parsed.filter((p) => p.quantity > 0 && !p.bad);
  const problem = parsed.some((p) => p.bad)
    ? t('orders.ship.tooMuch')
    : chosen.length === 0
      ? t('orders.ship.nothing')
      : null;

  const submit = () =>
    act(
      problem,
      async () => {
        return await oms['orders.ship']({
          orderId: o.id,
          expectedVersion: o.version,
          carrierId: carrierId || null,
          trackingNo: tracking,
          lines: chosen.map((p) => ({ lineNo: p.lineNo, quantity: p.quantity })),
        });
      },
      (data) => onDone(data.status),
    );

  return (
    <Dialog
      title={t('orders.ship.title', { number: o.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      footer={
        <DialogFooter
          keys={t('orders.keys.confirm')}
          saving={saving}
          onCancel={onCancel}
          confirm={t('orders.ship.confirm')}
        />
      }
    >
      <FailureBanner failure={failure} />
      <div className="form-body">
        <div className="form-grid">
          <div className="field">
            <div className="label-row">
              <label htmlFor="ship-carrier">{t('orders.fields.carrier')}</label>
            </div>
            <select id="ship-carrier" value={carrierId} onChange={(e) => setCarrierId(e.target.value)}>
              <option value="">—</option>
              {lookups.carriers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} · {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <div className="label-row">
              <label htmlFor="ship-tracking">{t('orders.detail.tracking')}</label>
            </div>
            <input
              id="ship-tracking"
              type="text"
              maxLength={60}
              autoComplete="off"
              value={tracking}
              onChange={(e) => setTracking(e.target.value)}
            />
          </div>
        </div>
        <table className="data-table ship-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">{t('orders.lines.item')}</th>
              <th scope="col" className="num">
                {t('orders.lines.qtyOrdered')}
              </th>
              <th scope="col" className="num">
                {t('orders.lines.qtyShipped')}
              </th>
              <th scope="col" className="num">
                {t('orders.ship.ready')}
              </th>
              <th scope="col" className="num">
                {t('orders.ship.now')}
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => (
              <tr key={l.lineNo}>
                <td className="num">{l.lineNo}</td>
                <th scope="row" className="ellipsis wide">
                  <span className="mono">{l.sku}</span> {itemName(l.itemName, l.itemNameEn, lang)}
                </th>
                <td className="num">{formatQty(l.qtyOrdered)}</td>
                <td className="num">{formatQty(l.qtyShipped)}</td>
                <td className="num">{formatQty(l.ready)}</td>
                <td className="cell-input num">
                  <input
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    aria-label={t('orders.ship.qtyLabel', { line: l.lineNo, sku: l.sku })}
                    aria-invalid={tried && parsed[i]?.bad ? true : undefined}
                    disabled={l.ready <= 0}
                    value={qty[l.lineNo] ?? ''}
                    onChange={(e) => setQty((q) => ({ ...q, [l.lineNo]: e.target.value }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {tried && problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : (
          <p className="muted">{t('orders.ship.value', { value: formatMoney(o.totalMinor, o.currency) })}</p>
        )}
      </div>
    </Dialog>
  );
}

/** Receive (收货): lines × quantities with lot, expiry and whether the goods go to quality hold. */
export function ReceiveDialog({
  detail,
  onCancel,
  onDone,
}: {
  detail: OrderDetail;
  onCancel: () => void;
  onDone: (status: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const o = detail.order;
  const isTransfer = o.type === 'transfer';
  const lines = detail.lines
    .map((l) => ({ ...l, due: (isTransfer ? l.qtyShipped : l.qtyOrdered - l.qtyCancelled) - l.qtyReceived }))
    .filter((l) => l.due > 0);
  const [rows, setRows] = useState<Record<number, { qty: string; lot: string; expiry: string; quality: boolean }>>(() =>
    Object.fromEntries(
      lines.map((l) => [l.lineNo, { qty: String(l.due), lot: l.lot, expiry: '', quality: o.type === 'sales-return' }]),
    ),
  );
  const { tried, saving, failure, act } = useAction();

  const parsed = lines.map((l) => {
    const r = rows[l.lineNo];
    const text = r?.qty ?? '';
    const q = text.trim() ? parseQty(text) : 0;
    const expiry = normaliseDate(r?.expiry ?? '');
    const badExpiry = expiry !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(expiry);
    return {
      lineNo: l.lineNo,
      quantity: q ?? 0,
      lot: r?.lot.trim() ?? '',
      expiry,
      status: r?.quality ? ('quality' as const) : ('available' as const),
      bad: q === null || (q ?? 0) < 0 || (q ?? 0) > l.due,
      badExpiry,
    };
  });
  const chosen = parsed.filter((p) => p.quantity > 0);
  const problem = parsed.some((p) => p.bad)
    ? t('orders.receive.tooMuch')
    : parsed.some((p) => p.badExpiry)
      ? t('validation.date-format')
      : chosen.length === 0
        ? t('orders.receive.nothing')
        : null;

  const set = (lineNo: number, patch: Partial<{ qty: string; lot: string; expiry: string; quality: boolean }>) =>
    setRows((rs) => ({ ...rs, [lineNo]: { qty: '', lot: '', expiry: '', quality: false, ...rs[lineNo], ...patch } }));

  const submit = () =>
    act(
      problem,
      async () => {
        return await oms['orders.receive']({
          orderId: o.id,
          expectedVersion: o.version,
          lines: chosen.map((p) => ({
            lineNo: p.lineNo,
            quantity: p.quantity,
            lot: p.lot,
            expiry: p.expiry,
            status: p.status,
          })),
        });
      },
      (data) => onDone(data.status),
    );

  return (
    <Dialog
      title={t('orders.receive.title', { number: o.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      footer={
        <DialogFooter
          keys={t('orders.keys.confirm')}
          saving={saving}
          onCancel={onCancel}
          confirm={t('orders.receive.confirm')}
        />
      }
    >
      <FailureBanner failure={failure} />
      <div className="form-body">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">{t('orders.lines.item')}</th>
              <th scope="col" className="num">
                {t('orders.receive.due')}
              </th>
              <th scope="col" className="num">
                {t('orders.receive.now')}
              </th>
              {!isTransfer ? (
                <>
                  <th scope="col">{t('orders.detail.lot')}</th>
                  <th scope="col">{t('orders.detail.expiry')}</th>
                </>
              ) : null}
              <th scope="col">{t('orders.receive.quality')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, i) => {
              const r = rows[l.lineNo];
              return (
                <tr key={l.lineNo}>
                  <td className="num">{l.lineNo}</td>
                  <th scope="row" className="ellipsis wide">
                    <span className="mono">{l.sku}</span> {itemName(l.itemName, l.itemNameEn, lang)}
                  </th>
                  <td className="num">{formatQty(l.due)}</td>
                  <td className="cell-input num">
                    <input
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      aria-label={t('orders.receive.qtyLabel', { line: l.lineNo, sku: l.sku })}
                      aria-invalid={tried && parsed[i]?.bad ? true : undefined}
                      value={r?.qty ?? ''}
                      onChange={(e) => set(l.lineNo, { qty: e.target.value })}
                    />
                  </td>
                  {!isTransfer ? (
                    <>
                      <td className="cell-input">
                        <input
                          type="text"
                          autoComplete="off"
                          aria-label={t('orders.receive.lotLabel', { line: l.lineNo })}
                          value={r?.lot ?? ''}
                          onChange={(e) => set(l.lineNo, { lot: e.target.value })}
                        />
                      </td>
                      <td className="cell-input">
                        <input
                          type="text"
                          autoComplete="off"
                          placeholder={t('orders.entry.datePlaceholder')}
                          aria-label={t('orders.receive.expiryLabel', { line: l.lineNo })}
                          aria-invalid={tried && parsed[i]?.badExpiry ? true : undefined}
                          value={r?.expiry ?? ''}
                          onChange={(e) => set(l.lineNo, { expiry: e.target.value })}
                        />
                      </td>
                    </>
                  ) : null}
                  <td>
                    <label className="inv-check">
                      <input
                        type="checkbox"
                        checked={r?.quality ?? false}
                        onChange={(e) => set(l.lineNo, { quality: e.target.checked })}
                      />
                      {t('orders.receive.toQuality')}
                    </label>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {tried && problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}

/**
 * A return (退货) of a delivered sales order or a received purchase order: which lines and how
 * many, into (or out of) which warehouse, refund or exchange (换货, sales only). The new return is
 * linked to the original and submitted at once; its detail opens.
 */
export function ReturnDialog({
  detail,
  catalog,
  onCancel,
  onDone,
}: {
  detail: OrderDetail;
  catalog: Catalog;
  onCancel: () => void;
  onDone: (created: { id: string; number: string; status: string }) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const o = detail.order;
  const isSales = o.type === 'sales';
  const lines = detail.lines
    .map((l) => ({ ...l, returnable: (isSales ? l.qtyShipped : l.qtyReceived) - l.qtyReturned }))
    .filter((l) => l.returnable > 0);
  const [qty, setQty] = useState<Record<number, string>>({});
  const [warehouseId, setWarehouseId] = useState(o.warehouse?.id ?? '');
  const [exchange, setExchange] = useState(false);
  const [note, setNote] = useState('');
  const { tried, saving, failure, act } = useAction();

  const parsed = lines.map((l) => {
    const text = qty[l.lineNo] ?? '';
    const q = text.trim() ? parseQty(text) : 0;
    return { line: l, quantity: q ?? 0, bad: q === null || (q ?? 0) < 0 || (q ?? 0) > l.returnable };
  });
  const chosen = parsed.filter((p) => p.quantity > 0 && !p.bad);
  const problem = parsed.some((p) => p.bad)
    ? t('orders.returns.tooMuch')
    : chosen.length === 0
      ? t('orders.returns.nothing')
      : !warehouseId
        ? t('orders.returns.warehouse')
        : null;

  const submit = () =>
    act(
      problem,
      async () => {
        return await oms['orders.create']({
          submit: true,
          order: {
            type: isSales ? 'sales-return' : 'purchase-return',
            customerId: isSales ? (o.customer?.id ?? null) : null,
            supplierId: isSales ? null : (o.supplier?.id ?? null),
            warehouseId,
            originalOrderId: o.id,
            exchange: isSales && exchange,
            note,
            lines: chosen.map((p) => ({
              itemId: p.line.itemId,
              quantity: p.quantity,
              originalLineNo: p.line.lineNo,
              lot: p.line.lot,
            })),
          },
        });
      },
      (data) => onDone(data),
    );

  return (
    <Dialog
      title={t(isSales ? 'orders.returns.titleSales' : 'orders.returns.titlePurchase', { number: o.number })}
      onCancel={onCancel}
      onSubmit={() => void submit()}
      size="wide"
      initialFocus="#ret-q-0"
      footer={
        <DialogFooter
          keys={t('orders.keys.confirm')}
          saving={saving}
          onCancel={onCancel}
          confirm={t('orders.returns.confirm')}
        />
      }
    >
      <FailureBanner failure={failure} />
      <div className="form-body">
        {lines.length === 0 ? (
          <p className="dialog-text">{t('orders.returns.none')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">{t('orders.lines.item')}</th>
                <th scope="col" className="num">
                  {t(isSales ? 'orders.lines.qtyShipped' : 'orders.lines.qtyReceived')}
                </th>
                <th scope="col" className="num">
                  {t('orders.lines.qtyReturned')}
                </th>
                <th scope="col" className="num">
                  {t('orders.returns.now')}
                </th>
              </tr>
            </thead>
            <tbody>
              {parsed.map(({ line: l, bad }, i) => (
                <tr key={l.lineNo}>
                  <td className="num">{l.lineNo}</td>
                  <th scope="row" className="ellipsis wide">
                    <span className="mono">{l.sku}</span> {itemName(l.itemName, l.itemNameEn, lang)}
                  </th>
                  <td className="num">{formatQty(isSales ? l.qtyShipped : l.qtyReceived)}</td>
                  <td className="num">{formatQty(l.qtyReturned)}</td>
                  <td className="cell-input num">
                    <input
                      id={`ret-q-${i}`}
                      type="text"
                      inputMode="numeric"
                      autoComplete="off"
                      placeholder="0"
                      aria-label={t('orders.returns.qtyLabel', { line: l.lineNo, sku: l.sku, max: l.returnable })}
                      aria-invalid={tried && bad ? true : undefined}
                      value={qty[l.lineNo] ?? ''}
                      onChange={(e) => setQty((q) => ({ ...q, [l.lineNo]: e.target.value }))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="form-grid return-fields">
          <div className="field">
            <div className="label-row">
              <label htmlFor="ret-warehouse">{t(isSales ? 'orders.returns.into' : 'orders.returns.from')}</label>
            </div>
            <select id="ret-warehouse" value={warehouseId} onChange={(e) => setWarehouseId(e.target.value)}>
              <option value="">{t('orders.entry.choose')}</option>
              {catalog.warehouses.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.code} · {w.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <div className="label-row">
              <label htmlFor="ret-note">{t('orders.fields.note')}</label>
            </div>
            <input
              id="ret-note"
              type="text"
              maxLength={500}
              autoComplete="off"
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </div>
          {isSales ? (
            <label className="inv-check span-2">
              <input type="checkbox" checked={exchange} onChange={(e) => setExchange(e.target.checked)} />
              {t('orders.returns.exchange')}
            </label>
          ) : null}
        </div>
        {tried && problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
