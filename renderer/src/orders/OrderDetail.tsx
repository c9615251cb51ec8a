import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../core/errors.ts';
import type { OrderAction } from '../../../core/orders/schemas.ts';
import { oms } from '../api/client.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { formatQty, itemName } from '../inventory/format.ts';
import { formatDateTime } from '../masterdata/columns.ts';
import { useUi } from '../state/ui.ts';
import { ReasonDialog, ReceiveDialog, ReturnDialog, ShipDialog, SplitDialog } from './ActionDialogs.tsx';
import {
  doneField,
  exceptionText,
  failuresOf,
  formatMoney,
  formatPercentBp,
  isBackordered,
  orderErrorText,
  partyOf,
  USES_CUSTOMER,
  type OrderDetail as Detail,
  type OrderSummary,
} from './format.ts';
import { namesOf, type Lookups } from './lookups.ts';
import { FailureList, HoldChips, Progress, StatusChip } from './parts.tsx';
import { useOrdersUi } from './store.ts';

type Dialog = 'release' | 'cancel' | 'close' | 'complete' | 'split' | 'ship' | 'receive' | 'return' | null;

/** Action buttons in the order a clerk reads them; the primary one first. */
const ACTION_ORDER: OrderAction[] = [
  'submit',
  'release',
  'recheck',
  'ship',
  'receive',
  'split',
  'complete',
  'close',
  'cancel',
];

/** The document: header, lines, checks, history, stock, shipments, family and exceptions, with its actions. */
export function OrderDetail({ orderId, catalog, lookups }: { orderId: string; catalog: Catalog; lookups: Lookups }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const showToast = useUi((s) => s.showToast);
  const back = useOrdersUi((s) => s.back);
  const open = useOrdersUi((s) => s.open);
  const changed = useOrdersUi((s) => s.changed);
  const changes = useOrdersUi((s) => s.changes);
  const notice = useOrdersUi((s) => s.notice);
  const clearNotice = useOrdersUi((s) => s.clearNotice);
  const trail = useOrdersUi((s) => s.trail);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [actionError, setActionError] = useState<AppErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const headRef = useRef<HTMLHeadingElement>(null);
  const names = useMemo(() => namesOf(catalog, lang), [catalog, lang]);

  const load = useCallback(async () => {
    const r = await oms['orders.get']({ id: orderId });
    if (r.ok) {
      setDetail(r.data);
      setError(null);
    } else setError(r.error);
  }, [orderId]);

  useEffect(() => {
    void load();
  }, [load, changes]);

  useEffect(() => {
    setActionError(null);
    headRef.current?.focus();
  }, [orderId]);

  // Esc goes back to the list (or the document before) when no dialog is open.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || dialog !== null) return;
      if (document.querySelector('.backdrop')) return;
      event.preventDefault();
      back();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [back, dialog]);

  if (!detail) {
    return (
      <div className="ord-detail">
        <div className="ord-detail-bar">
          <button type="button" className="btn" onClick={back}>
            {t('orders.detail.back')}
          </button>
        </div>
        {error ? (
          <div className="banner banner-error" role="alert">
            <p>{orderErrorText(t, error)}</p>
          </div>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </div>
    );
  }

  const o = detail.order;
  const version = o.version;
  const failures = failuresOf(detail.checks);

  const run = async (action: 'submit' | 'recheck') => {
    setBusy(true);
    setActionError(null);
    const r = await oms[action === 'submit' ? 'orders.submit' : 'orders.recheck']({
      orderId,
      expectedVersion: version,
    });
    setBusy(false);
    if (!r.ok) {
      setActionError(r.error);
      return;
    }
    showToast(
      t(r.data.status === 'held' ? 'orders.detail.stillHeld' : 'orders.detail.nowStatus', {
        number: o.number,
        status: t(`orders.statuses.${r.data.status}`),
        count: r.data.failures.length,
      }),
    );
    changed();
  };

  const onAction = (a: OrderAction) => {
    setActionError(null);
    clearNotice();
    if (a === 'submit' || a === 'recheck') void run(a);
    else setDialog(a);
  };

  const done = (text: string) => {
    setDialog(null);
    showToast(text);
    changed();
  };

  const party = partyOf(o);
  // Delivered goods can come back: a return linked to this order.
  const canReturn =
    (o.type === 'sales' || o.type === 'purchase') &&
    o.status !== 'cancelled' &&
    detail.lines.some((l) => (o.type === 'sales' ? l.qtyShipped : l.qtyReceived) > l.qtyReturned);
  const lineQty = (n: number) => (n === 0 ? <span className="zero">0</span> : formatQty(n));
  const quantities = [
    'qtyOrdered',
    'qtyAllocated',
    'qtyShipped',
    'qtyReceived',
    'qtyInvoiced',
    'qtyReturned',
    'qtyCancelled',
  ] as const;
  const warehouseCode = (id: string | null) => (id ? (catalog.warehouseById.get(id)?.code ?? '') : '');
  const carrierName = (id: string | null) => (id ? (lookups.carriers.find((c) => c.id === id)?.name ?? '') : '');
  const lineOf = (lineNo: number) => detail.lines.find((l) => l.lineNo === lineNo);
  const family: OrderSummary[] = [...(detail.parent ? [detail.parent] : []), ...detail.children];
  const openExceptions = detail.exceptions.filter((e) => e.status === 'open');
  // A forced release after the last check run: the failures above were overridden, by whom and why.
  const lastRun = detail.checks[0]?.at ?? '';
  const released = [...detail.events].reverse().find((e) => e.action === 'release' && e.at >= lastRun);

  const field = (label: string, value: ReactNode) => (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{value === '' || value === null || value === undefined ? <span className="muted">—</span> : value}</dd>
    </div>
  );

  const docLink = (s: OrderSummary) => (
    <button type="button" className="link mono" onClick={() => open(s.id)}>
      {s.number}
    </button>
  );

  return (
    <div className="ord-detail" aria-labelledby="ord-detail-title">
      <div className="ord-detail-bar">
        <button type="button" className="btn" onClick={back} aria-keyshortcuts="Escape">
          {trail.length > 1 ? t('orders.detail.backTo') : t('orders.detail.back')}
        </button>
        <h2 id="ord-detail-title" tabIndex={-1} ref={headRef}>
          <span className="muted ord-type">{t(`orders.types.${o.type}`)}</span>
          <span className="mono">{o.number}</span>
        </h2>
        <StatusChip status={o.status} />
        <HoldChips checks={o.holdChecks} />
        {isBackordered(o) ? <span className="chip chip-warn">{t('orders.backorder')}</span> : null}
        {detail.provisional ? (
          <span className="chip chip-warn" data-testid="order-provisional" title={t('orders.detail.provisionalHint')}>
            {t('orders.detail.provisional')}
          </span>
        ) : null}
        <span className="inv-spacer" />
        <div className="actions" role="group" aria-label={t('orders.detail.actions')}>
          {ACTION_ORDER.filter((a) => detail.actions.includes(a)).map((a, i) => (
            <button
              key={a}
              type="button"
              className={i === 0 ? 'btn btn-primary' : a === 'cancel' ? 'btn btn-danger' : 'btn'}
              disabled={busy}
              onClick={() => onAction(a)}
            >
              {t(`orders.actions.${a}`)}
            </button>
          ))}
          {canReturn ? (
            <button type="button" className="btn" disabled={busy} onClick={() => setDialog('return')}>
              {t('orders.returns.open')}
            </button>
          ) : null}
        </div>
      </div>

      {notice && notice.orderId === orderId ? (
        <div
          className={notice.status === 'held' ? 'banner banner-warn' : 'banner banner-good'}
          role="status"
          aria-label={t('orders.detail.result')}
        >
          <p>
            <strong>
              {t(notice.status === 'held' ? 'orders.entry.resultHeld' : 'orders.entry.resultOk', {
                number: notice.number,
                status: t(`orders.statuses.${notice.status}`),
                count: notice.failures.length,
              })}
            </strong>
          </p>
          <FailureList failures={notice.failures} names={names} />
        </div>
      ) : null}
      {actionError ? (
        <div className="banner banner-error" role="alert">
          <p>{orderErrorText(t, actionError)}</p>
        </div>
      ) : null}

      <div className="ord-detail-body">
        <section className="panel ord-header" aria-labelledby="ord-sec-header">
          <div className="panel-head">
            <h3 id="ord-sec-header">{t('orders.detail.header')}</h3>
          </div>
          <dl className="kv-grid">
            {o.type !== 'transfer'
              ? field(
                  t(USES_CUSTOMER.has(o.type) ? 'orders.columns.customer' : 'orders.columns.supplier'),
                  party ? `${party.code} · ${party.name}` : '',
                )
              : null}
            {field(
              t(o.type === 'transfer' ? 'orders.fields.fromWarehouse' : 'orders.columns.warehouse'),
              o.warehouse ? `${o.warehouse.code} · ${o.warehouse.name}` : t('orders.byRules'),
            )}
            {o.type === 'transfer'
              ? field(
                  t('orders.fields.toWarehouse'),
                  o.toWarehouse ? `${o.toWarehouse.code} · ${o.toWarehouse.name}` : '',
                )
              : null}
            {field(t('orders.fields.carrier'), o.carrier ? `${o.carrier.code} · ${o.carrier.name}` : '')}
            {o.type === 'sales' ? field(t('orders.columns.channel'), o.channel?.name ?? '') : null}
            {field(t('orders.columns.externalRef'), o.externalRef ?? '')}
            {field(t('orders.columns.orderedAt'), o.orderedAt)}
            {field(t('orders.columns.requestedDate'), o.requestedDate ?? '')}
            {field(t('orders.columns.promisedDate'), o.promisedDate ?? '')}
            {o.autoCancelDate ? field(t('orders.fields.autoCancelDate'), o.autoCancelDate) : null}
            {o.shipToRegion ? field(t('orders.fields.region'), o.shipToRegion) : null}
            {field(t('orders.fields.createdBy'), `${o.createdBy} · ${formatDateTime(o.createdAt, lang)}`)}
            {o.note ? field(t('orders.fields.note'), o.note) : null}
          </dl>
          <dl className="totals">
            {field(t('orders.fields.net'), formatMoney(o.netMinor, o.currency))}
            {field(t('orders.fields.tax'), formatMoney(o.taxMinor, o.currency))}
            <div className="kv total">
              <dt>{t('orders.fields.total')}</dt>
              <dd>{formatMoney(o.totalMinor, o.currency)}</dd>
            </div>
            {detail.childProgress
              ? field(
                  t('orders.detail.combinedShort'),
                  <Progress percent={detail.childProgress.progress} label={t('orders.detail.combinedLabel')} />,
                )
              : field(t('orders.columns.progress'), <Progress percent={o.progress} />)}
          </dl>
        </section>

        {family.length > 0 || detail.childProgress ? (
          <section className="panel ord-family" aria-labelledby="ord-sec-family">
            <div className="panel-head">
              <h3 id="ord-sec-family">{t('orders.detail.family')}</h3>
              {detail.childProgress ? (
                <span className="combined">
                  {t('orders.detail.combined', {
                    done: formatQty(detail.childProgress.qtyDone),
                    due: formatQty(detail.childProgress.qtyOrdered),
                  })}
                  <Progress percent={detail.childProgress.progress} label={t('orders.detail.combinedLabel')} />
                </span>
              ) : null}
            </div>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('orders.detail.relation')}</th>
                  <th scope="col">{t('orders.columns.number')}</th>
                  <th scope="col">{t('orders.columns.status')}</th>
                  <th scope="col">{t('orders.columns.warehouse')}</th>
                  <th scope="col" className="num">
                    {t('orders.columns.lines')}
                  </th>
                  <th scope="col">{t('orders.columns.progress')}</th>
                  <th scope="col" className="num">
                    {t('orders.columns.total')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {family.map((s) => (
                  <tr key={s.id}>
                    <td>{t(s.id === detail.parent?.id ? 'orders.detail.parent' : 'orders.detail.child')}</td>
                    <td>{docLink(s)}</td>
                    <td>
                      <StatusChip status={s.status} />
                    </td>
                    <td className="mono">{s.warehouse?.code ?? ''}</td>
                    <td className="num">{s.lineCount}</td>
                    <td>
                      <Progress percent={s.progress} />
                    </td>
                    <td className="num">{formatMoney(s.totalMinor, s.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}

        {detail.checks.length > 0 ? (
          <section
            className={
              detail.related.length > 0 || openExceptions.length > 0 ? 'panel ord-checks' : 'panel ord-checks span-all'
            }
            aria-labelledby="ord-sec-checks"
          >
            <div className="panel-head">
              <h3 id="ord-sec-checks">{t('orders.detail.checks')}</h3>
              <span className="muted">{formatDateTime(detail.checks[0]?.at ?? null, lang)}</span>
            </div>
            <div className="panel-body">
              <ul className="check-results">
                {detail.checks.map((c) => (
                  <li key={c.check} className={c.passed ? 'check-pass' : 'check-fail'}>
                    <span className="check-mark" aria-hidden="true">
                      {c.passed ? '✓' : '✕'}
                    </span>
                    {t(`orders.checks.${c.check}`)}: {t(c.passed ? 'orders.detail.passed' : 'orders.detail.failed')}
                  </li>
                ))}
              </ul>
              <FailureList failures={failures} names={names} />
              {released ? (
                <p className="released-note">
                  {t('orders.detail.releasedBy', {
                    who: released.actor,
                    at: formatDateTime(released.at, lang),
                    reason: released.reason ?? '',
                  })}
                </p>
              ) : null}
            </div>
          </section>
        ) : null}

        {detail.related.length > 0 ? (
          <section className="panel ord-related" aria-labelledby="ord-sec-related">
            <div className="panel-head">
              <h3 id="ord-sec-related">{t('orders.detail.related')}</h3>
            </div>
            <table className="data-table">
              <tbody>
                {detail.related.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {t(
                        s.id === o.originalOrderId
                          ? 'orders.detail.original'
                          : s.id === o.relatedOrderId
                            ? 'orders.detail.exchangeOf'
                            : `orders.types.${s.type}`,
                      )}
                    </td>
                    <td>{docLink(s)}</td>
                    <td>
                      <StatusChip status={s.status} />
                    </td>
                    <td className="num">{formatMoney(s.totalMinor, s.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}

        {openExceptions.length > 0 ? (
          <section className="panel ord-exceptions" aria-labelledby="ord-sec-exceptions">
            <div className="panel-head">
              <h3 id="ord-sec-exceptions">{t('orders.detail.exceptions')}</h3>
            </div>
            <ul className="plain-list">
              {openExceptions.map((e) => (
                <li key={e.id}>
                  <span className="chip chip-warn">
                    {t(`orders.exceptions.kinds.${e.kind}`, { defaultValue: e.kind })}
                  </span>{' '}
                  {exceptionText(t, e)} <span className="muted">{formatDateTime(e.createdAt, lang)}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section className="panel ord-lines" aria-labelledby="ord-sec-lines">
          <div className="panel-head">
            <h3 id="ord-sec-lines">{t('orders.detail.lines', { count: detail.lines.length })}</h3>
          </div>
          <div className="panel-scroll">
            <table className="data-table sticky" aria-labelledby="ord-sec-lines">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">{t('orders.lines.item')}</th>
                  <th scope="col">{t('orders.columns.warehouse')}</th>
                  {quantities.map((q) => (
                    <th key={q} scope="col" className="num">
                      {t(`orders.lines.${q}`)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    {t('orders.lines.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.lines.discount')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.lines.tax')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.lines.total')}
                  </th>
                  <th scope="col">{t('orders.lines.promised')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.lines.map((l) => (
                  <tr key={l.lineNo}>
                    <td className="num">{l.lineNo}</td>
                    <th scope="row" className="ellipsis wide" title={`${l.sku} ${l.itemName}`}>
                      <span className="mono">{l.sku}</span> {itemName(l.itemName, l.itemNameEn, lang)}
                      {l.lot ? <span className="muted"> · {t('orders.lines.lot', { lot: l.lot })}</span> : null}
                    </th>
                    <td className="mono">{warehouseCode(l.warehouseId)}</td>
                    {quantities.map((q) => (
                      <td key={q} className={q === doneField(o.type) ? 'num strong' : 'num'}>
                        {lineQty(l[q])}
                      </td>
                    ))}
                    <td className="num">{formatMoney(l.unitPriceMinor, o.currency)}</td>
                    <td className="num">{l.discountMinor ? formatMoney(l.discountMinor, o.currency) : ''}</td>
                    <td className="num">
                      <span className="muted rate">{formatPercentBp(l.taxRateBp)}%</span>{' '}
                      {formatMoney(l.taxMinor, o.currency)}
                    </td>
                    <td className="num strong">{formatMoney(l.totalMinor, o.currency)}</td>
                    <td className="nowrap">
                      {l.promisedDate ?? <span className="muted">—</span>}
                      {l.promiseSupply ? (
                        <span className="muted supply" title={l.promiseSupply}>
                          {' '}
                          · {t('orders.lines.dependsOn', { supply: supplyLabel(t, l.promiseSupply) })}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section className="panel ord-history" aria-labelledby="ord-sec-history">
          <div className="panel-head">
            <h3 id="ord-sec-history">{t('orders.detail.history')}</h3>
          </div>
          <table className="data-table" aria-labelledby="ord-sec-history">
            <thead>
              <tr>
                <th scope="col">{t('orders.history.at')}</th>
                <th scope="col">{t('orders.history.who')}</th>
                <th scope="col">{t('orders.history.action')}</th>
                <th scope="col">{t('orders.history.change')}</th>
                <th scope="col">{t('orders.history.why')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.events.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap tabular">{formatDateTime(e.at, lang)}</td>
                  <td>{e.actor}</td>
                  <td>{t(`orders.events.${e.action}`, { defaultValue: e.action })}</td>
                  <td className="nowrap">
                    {e.fromStatus && e.fromStatus !== e.toStatus ? (
                      <>
                        <StatusChip status={e.fromStatus} /> → <StatusChip status={e.toStatus} />
                      </>
                    ) : (
                      <StatusChip status={e.toStatus} />
                    )}
                  </td>
                  <td className="wrap">{e.reason ?? eventNote(t, e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        {detail.reservations.length > 0 ? (
          <section className="panel ord-reservations" aria-labelledby="ord-sec-res">
            <div className="panel-head">
              <h3 id="ord-sec-res">{t('orders.detail.reservations')}</h3>
            </div>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('orders.detail.lineNo')}
                  </th>
                  <th scope="col">{t('orders.lines.item')}</th>
                  <th scope="col">{t('orders.columns.warehouse')}</th>
                  <th scope="col">{t('orders.detail.lot')}</th>
                  <th scope="col">{t('orders.detail.expiry')}</th>
                  <th scope="col" className="num">
                    {t('orders.detail.quantity')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {detail.reservations.map((r, i) => (
                  <tr key={i}>
                    <td className="num">{r.lineNo}</td>
                    <td className="mono">{lineOf(r.lineNo)?.sku ?? ''}</td>
                    <td className="mono">{warehouseCode(r.warehouseId)}</td>
                    <td className="mono">{r.lot || '—'}</td>
                    <td className="tabular">{r.expiry || '—'}</td>
                    <td className="num">{formatQty(r.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}

        {detail.fulfilments.length > 0 ? (
          <section className="panel ord-fulfilments" aria-labelledby="ord-sec-ful">
            <div className="panel-head">
              <h3 id="ord-sec-ful">{t('orders.detail.fulfilments')}</h3>
            </div>
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('orders.history.at')}</th>
                  <th scope="col">{t('orders.detail.kind')}</th>
                  <th scope="col">{t('orders.columns.warehouse')}</th>
                  <th scope="col">{t('orders.fields.carrier')}</th>
                  <th scope="col">{t('orders.detail.tracking')}</th>
                  <th scope="col">{t('orders.detail.what')}</th>
                  <th scope="col">{t('orders.history.who')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.fulfilments.map((f) => (
                  <tr key={f.id}>
                    <td className="nowrap tabular">{formatDateTime(f.at, lang)}</td>
                    <td>{t(`orders.detail.fulfilment.${f.kind}`, { defaultValue: f.kind })}</td>
                    <td className="mono">{warehouseCode(f.warehouseId)}</td>
                    <td>{carrierName(f.carrierId)}</td>
                    <td className="mono">{f.trackingNo ?? ''}</td>
                    <td className="wrap">
                      {f.lines
                        .map((l) =>
                          t('orders.detail.fulfilmentLine', {
                            line: l.lineNo,
                            sku: lineOf(l.lineNo)?.sku ?? '',
                            qty: formatQty(l.quantity),
                            lot: l.lot ? ` (${l.lot})` : '',
                          }),
                        )
                        .join(t('orders.listSeparator'))}
                    </td>
                    <td>{f.actor}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : null}
      </div>

      {dialog === 'release' ? (
        <ReasonDialog
          kind="release"
          order={o}
          failures={failures}
          names={names}
          onCancel={() => setDialog(null)}
          onDone={(status) =>
            done(t('orders.release.done', { number: o.number, status: t(`orders.statuses.${status}`) }))
          }
        />
      ) : null}
      {dialog === 'cancel' || dialog === 'close' || dialog === 'complete' ? (
        <ReasonDialog
          kind={dialog}
          order={o}
          failures={[]}
          names={names}
          onCancel={() => setDialog(null)}
          onDone={(status) =>
            done(t('orders.detail.nowStatus', { number: o.number, status: t(`orders.statuses.${status}`) }))
          }
        />
      ) : null}
      {dialog === 'split' ? (
        <SplitDialog
          detail={detail}
          catalog={catalog}
          onCancel={() => setDialog(null)}
          onDone={(children) => done(t('orders.split.done', { number: o.number, children }))}
        />
      ) : null}
      {dialog === 'ship' ? (
        <ShipDialog
          detail={detail}
          lookups={lookups}
          onCancel={() => setDialog(null)}
          onDone={(status) =>
            done(t('orders.detail.nowStatus', { number: o.number, status: t(`orders.statuses.${status}`) }))
          }
        />
      ) : null}
      {dialog === 'return' ? (
        <ReturnDialog
          detail={detail}
          catalog={catalog}
          onCancel={() => setDialog(null)}
          onDone={(created) => {
            setDialog(null);
            changed();
            open(created.id, { orderId: created.id, number: created.number, status: created.status, failures: [] });
          }}
        />
      ) : null}
      {dialog === 'receive' ? (
        <ReceiveDialog
          detail={detail}
          onCancel={() => setDialog(null)}
          onDone={(status) =>
            done(t('orders.detail.nowStatus', { number: o.number, status: t(`orders.statuses.${status}`) }))
          }
        />
      ) : null}
    </div>
  );
}

/** "purchase:<id>:2" → "purchase order line 2": what a promise date depends on. */
function supplyLabel(t: TFunction, ref: string): string {
  const [kind = '', , line = ''] = ref.split(':');
  const known = kind === 'purchase' || kind === 'transfer' || kind === 'stock-transfer';
  return t(`orders.supply.${known ? kind : 'other'}`, { line });
}

/** A short text for events without a typed reason (a split's children, an assignment). */
function eventNote(t: TFunction, details: unknown): string {
  if (typeof details !== 'object' || details === null) return '';
  const d = details as Record<string, unknown>;
  if (Array.isArray(d['children'])) return t('orders.history.children', { list: d['children'].join(', ') });
  if (typeof d['parentNumber'] === 'string') return t('orders.history.fromParent', { number: d['parentNumber'] });
  if (Array.isArray(d['failures']))
    return t('orders.history.failed', {
      checks: [
        ...new Set((d['failures'] as Array<{ check?: string }>).map((f) => t(`orders.checks.${f.check ?? ''}`))),
      ].join(', '),
    });
  if (Array.isArray(d['forced']))
    return t('orders.history.forced', {
      checks: (d['forced'] as string[]).map((c) => t(`orders.checks.${c}`)).join(', '),
    });
  return '';
}
