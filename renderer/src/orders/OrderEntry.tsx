import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { atpOutput } from '../../../core/api/orders.api.ts';
import type { AppErrorData, FieldIssue } from '../../../core/errors.ts';
import { CURRENCIES, type Currency } from '../../../core/money.ts';
import type { OrderType } from '../../../core/orders/schemas.ts';
import { oms } from '../api/client.ts';
import { handleDialogKey } from '../app/dialogKeys.ts';
import type { Catalog } from '../inventory/catalog.ts';
import { normaliseDate } from '../inventory/freeze.ts';
import { formatQty, itemName, parseQty } from '../inventory/format.ts';
import { useDebounced } from '../inventory/useDebounced.ts';
import { issueText } from '../i18n/messages.ts';
import { Combobox } from './Combobox.tsx';
import {
  buildOrder,
  isBlank,
  lineMoney,
  newLine,
  serverIssues,
  totalsOf,
  type EntryHeader,
  type EntryLine,
  type ItemHit,
  type Issues,
} from './entry.ts';
import { failuresOf, formatMoney, isCurrency, orderErrorText, todayLocal, USES_CUSTOMER } from './format.ts';
import type { Lookups } from './lookups.ts';
import { PartyPicker } from './PartyPicker.tsx';
import { useOrdersUi } from './store.ts';

type Atp = z.output<typeof atpOutput>;

let lineSeq = 0;
const lineKey = () => `l${(lineSeq += 1)}`;

/**
 * Keyboard order entry (新建订单). Enter moves to the next field (and from the last field of a
 * line to a new line), Ctrl+Enter saves and submits, Esc cancels. Items by SKU prefix, name or a
 * scanned GTIN; each line shows live availability and the promise date; money is exact.
 */
export function OrderEntry({
  type,
  catalog,
  lookups,
  onClose,
}: {
  type: OrderType;
  catalog: Catalog;
  lookups: Lookups;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const titleId = `${useId().replaceAll(':', '')}-title`;
  const open = useOrdersUi((s) => s.open);
  const changed = useOrdersUi((s) => s.changed);
  const [header, setHeader] = useState<EntryHeader>({
    type,
    party: null,
    partyText: '',
    warehouseId: '',
    toWarehouseId: '',
    channelId: '',
    externalRef: '',
    requestedDate: '',
    currency: 'CNY',
    note: '',
  });
  const [lines, setLines] = useState<EntryLine[]>(() => [newLine(lineKey())]);
  const [tried, setTried] = useState(false);
  const [server, setServer] = useState<Issues>({});
  const [failure, setFailure] = useState<AppErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const [notFound, setNotFound] = useState<ReadonlySet<string>>(new Set());
  const dialogRef = useRef<HTMLDivElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const focusAfter = useRef<string | null>(null);
  /** Saved: the detail that opens takes the focus, not the control that opened the form. */
  const saved = useRef(false);

  const built = useMemo(() => buildOrder(header, lines), [header, lines]);
  const totals = useMemo(() => totalsOf(lines, header.currency), [lines, header.currency]);

  const issueOf = (path: string): FieldIssue | undefined => {
    if (server[path]) return server[path];
    const issue = built.issues[path];
    if (!issue) return undefined;
    if (tried) return issue;
    // Before the first save, only what a lookup could not find (said at once).
    return notFound.has(path) ? issue : undefined;
  };

  // The first field takes the focus; focus returns where it was on close.
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialogRef.current?.querySelector<HTMLElement>('[data-entry]')?.focus();
    return () => {
      if (!saved.current && before?.isConnected) requestAnimationFrame(() => before.focus());
    };
  }, []);

  // A field asked for after a render (a new line's item field).
  useEffect(() => {
    if (!focusAfter.current) return;
    const el = document.getElementById(focusAfter.current);
    focusAfter.current = null;
    el?.focus();
  });

  const fields = () => Array.from(dialogRef.current?.querySelectorAll<HTMLElement>('[data-entry]') ?? []);

  const focusNext = (from: HTMLElement) => {
    const all = fields();
    const next = all[all.indexOf(from) + 1];
    if (next) {
      next.focus();
      if (next instanceof HTMLInputElement) next.select();
    }
  };

  const setH = <K extends keyof EntryHeader>(key: K, value: EntryHeader[K]) => {
    setHeader((h) => ({ ...h, [key]: value }));
    setServer((s) => {
      const { [key === 'party' || key === 'partyText' ? 'party' : key]: _drop, ...rest } = s;
      return rest;
    });
    setFailure(null);
  };

  const setLine = (i: number, patch: Partial<EntryLine>) => {
    setLines((ls) => ls.map((l, k) => (k === i ? { ...l, ...patch } : l)));
    setServer((s) => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith(`lines.${i}.`))));
    setFailure(null);
  };

  const addLineAfter = (i: number) => {
    const key = lineKey();
    setLines((ls) => {
      const tax = ls[i]?.tax ?? '';
      return [...ls.slice(0, i + 1), newLine(key, tax), ...ls.slice(i + 1)];
    });
    focusAfter.current = `entry-item-${i + 1}`;
  };

  const removeLine = (i: number) => {
    setLines((ls) => (ls.length === 1 ? [newLine(lineKey())] : ls.filter((_, k) => k !== i)));
    focusAfter.current = `entry-item-${Math.max(0, i - 1)}`;
  };

  const save = async (submit: boolean) => {
    if (saving) return;
    setTried(true);
    setFailure(null);
    setServer({});
    if (!built.order) {
      requestAnimationFrame(() => dialogRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setSaving(true);
    const r = await oms['orders.create']({ submit, order: built.order });
    if (!r.ok) {
      setSaving(false);
      setFailure(r.error);
      setServer(serverIssues(r.error.details?.fields, type, lines));
      requestAnimationFrame(() =>
        dialogRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .banner-error')?.focus(),
      );
      return;
    }
    // What the checks said: the detail opens with the result on top.
    const d = await oms['orders.get']({ id: r.data.id });
    setSaving(false);
    saved.current = true;
    changed();
    onClose();
    open(r.data.id, {
      orderId: r.data.id,
      number: r.data.number,
      status: r.data.status,
      failures: d.ok ? failuresOf(d.data.checks) : [],
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save(true);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey) {
      const target = event.target;
      if (!(target instanceof HTMLElement) || !target.hasAttribute('data-entry')) return;
      if (target.getAttribute('role') === 'combobox') return; // it handles Enter itself
      event.preventDefault();
      if (target instanceof HTMLInputElement && target.dataset['entry'] === 'date')
        setH('requestedDate', normaliseDate(target.value));
      const lastOfLine = target.dataset['entry'] === 'tax';
      const at = Number(target.dataset['line'] ?? -1);
      if (lastOfLine && at === lines.length - 1) {
        if (!isBlank(lines[at] ?? newLine('x'))) addLineAfter(at);
        else submitRef.current?.focus();
        return;
      }
      focusNext(target);
      return;
    }
    handleDialogKey(event, dialogRef.current, null, onClose);
  };

  const field = (
    path: string,
    label: string,
    input: (common: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode,
    options: { required?: boolean; hint?: string; className?: string } = {},
  ) => {
    const id = `entry-${path}`;
    const issue = issueOf(path);
    const describedBy = issue ? `${id}-error` : options.hint ? `${id}-hint` : undefined;
    return (
      <div className={options.className ? `field ${options.className}` : 'field'}>
        <div className="label-row">
          <label htmlFor={id}>{label}</label>
          {options.required ? (
            <span className="req" aria-hidden="true">
              *
            </span>
          ) : null}
        </div>
        {input({
          id,
          ...(issue ? { 'aria-invalid': true as const } : {}),
          ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        })}
        {issue ? (
          <p id={`${id}-error`} className="field-error">
            {issueText(t, issue)}
          </p>
        ) : options.hint ? (
          <p id={`${id}-hint`} className="field-hint">
            {options.hint}
          </p>
        ) : null}
      </div>
    );
  };

  const partyKind = USES_CUSTOMER.has(type) ? 'customers' : 'suppliers';
  const needsParty = type !== 'transfer';
  const linesIssue = issueOf('lines');

  const cellIssue = (i: number, f: string) => issueOf(`lines.${i}.${f}`);
  const cellProps = (i: number, f: string, label: string) => {
    const issue = cellIssue(i, f);
    return {
      id: `entry-${f}-${i}`,
      'aria-label': t('orders.entry.cellLabel', { field: label, line: i + 1 }),
      ...(issue ? { 'aria-invalid': true as const, 'aria-describedby': `entry-${f}-${i}-error` } : {}),
    };
  };
  const cellError = (i: number, f: string) => {
    const issue = cellIssue(i, f);
    return issue ? (
      <p id={`entry-${f}-${i}-error`} className="field-error">
        {issueText(t, issue)}
      </p>
    ) : null;
  };

  return (
    <div className="backdrop">
      <div
        ref={dialogRef}
        className="dialog dialog-entry"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={onKeyDown}
      >
        <div className="dialog-frame">
          <header className="dialog-head">
            <h2 id={titleId}>{t(`orders.entry.title.${type}`)}</h2>
            <span className="dialog-sub">{t('orders.entry.keys')}</span>
          </header>
          {failure ? (
            <div className="banner banner-error" role="alert" tabIndex={-1}>
              <p>{orderErrorText(t, failure)}</p>
            </div>
          ) : null}
          <div className="dialog-scroll entry-body">
            <div className="entry-head">
              {needsParty
                ? field(
                    'party',
                    t(partyKind === 'customers' ? 'orders.columns.customer' : 'orders.columns.supplier'),
                    (common) => (
                      <PartyPicker
                        id={common.id}
                        kind={partyKind}
                        text={header.partyText}
                        picked={header.party}
                        onText={(text) => {
                          setH('partyText', text);
                          if (header.party && text !== header.party.label) setH('party', null);
                          setNotFound((s) => {
                            const n = new Set(s);
                            n.delete('party');
                            return n;
                          });
                        }}
                        onPick={(p) => {
                          setHeader((h) => ({
                            ...h,
                            party: p,
                            partyText: p.label,
                            currency: p.currency && isCurrency(p.currency) ? p.currency : h.currency,
                          }));
                          setServer(({ party: _p, ...rest }) => rest);
                          const el = document.getElementById(common.id);
                          if (el) focusNext(el);
                        }}
                        onAdvance={() => {
                          const el = document.getElementById(common.id);
                          if (el) focusNext(el);
                        }}
                        inputProps={{
                          'data-entry': 'party',
                          placeholder: t('orders.entry.partyPlaceholder'),
                          ...(common['aria-invalid'] ? { 'aria-invalid': true } : {}),
                          ...(common['aria-describedby'] ? { 'aria-describedby': common['aria-describedby'] } : {}),
                        }}
                      />
                    ),
                    { required: true, className: 'span-2' },
                  )
                : null}
              {field(
                'warehouseId',
                t(type === 'transfer' ? 'orders.fields.fromWarehouse' : 'orders.columns.warehouse'),
                (common) => (
                  <select
                    {...common}
                    data-entry="warehouse"
                    value={header.warehouseId}
                    onChange={(e) => setH('warehouseId', e.target.value)}
                  >
                    <option value="">{type === 'sales' ? t('orders.entry.byRules') : t('orders.entry.choose')}</option>
                    {catalog.warehouses.map((w) => (
                      <option key={w.id} value={w.id}>
                        {w.code} · {w.name}
                      </option>
                    ))}
                  </select>
                ),
                { required: type !== 'sales' },
              )}
              {type === 'transfer'
                ? field(
                    'toWarehouseId',
                    t('orders.fields.toWarehouse'),
                    (common) => (
                      <select
                        {...common}
                        data-entry="to"
                        value={header.toWarehouseId}
                        onChange={(e) => setH('toWarehouseId', e.target.value)}
                      >
                        <option value="">{t('orders.entry.choose')}</option>
                        {catalog.warehouses.map((w) => (
                          <option key={w.id} value={w.id}>
                            {w.code} · {w.name}
                          </option>
                        ))}
                      </select>
                    ),
                    { required: true },
                  )
                : null}
              {type === 'sales'
                ? field('channelId', t('orders.columns.channel'), (common) => (
                    <select
                      {...common}
                      data-entry="channel"
                      value={header.channelId}
                      onChange={(e) => setH('channelId', e.target.value)}
                    >
                      <option value="">{t('orders.entry.noChannel')}</option>
                      {lookups.channels.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.code} · {c.name}
                        </option>
                      ))}
                    </select>
                  ))
                : null}
              {type !== 'transfer'
                ? field('externalRef', t('orders.columns.externalRef'), (common) => (
                    <input
                      {...common}
                      data-entry="ref"
                      type="text"
                      maxLength={80}
                      autoComplete="off"
                      spellCheck={false}
                      value={header.externalRef}
                      onChange={(e) => setH('externalRef', e.target.value)}
                    />
                  ))
                : null}
              {field('requestedDate', t('orders.columns.requestedDate'), (common) => (
                <input
                  {...common}
                  data-entry="date"
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={t('orders.entry.datePlaceholder')}
                  value={header.requestedDate}
                  onChange={(e) => setH('requestedDate', e.target.value)}
                  onBlur={(e) => setH('requestedDate', normaliseDate(e.target.value))}
                />
              ))}
              {type !== 'transfer'
                ? field('currency', t('orders.fields.currency'), (common) => (
                    <select
                      {...common}
                      data-entry="currency"
                      value={header.currency}
                      onChange={(e) => setH('currency', e.target.value as Currency)}
                    >
                      {CURRENCIES.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  ))
                : null}
            </div>

            <table className="data-table entry-lines" aria-label={t('orders.entry.lines')}>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">{t('orders.entry.item')}</th>
                  <th scope="col" className="num">
                    {t('orders.entry.qty')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.entry.price', { currency: header.currency })}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.entry.discount')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.entry.taxRate')}
                  </th>
                  <th scope="col" className="num">
                    {t('orders.lines.total')}
                  </th>
                  <th scope="col">{t('orders.entry.availability')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((l, i) => {
                  const money = lineMoney(l, header.currency);
                  return (
                    <tr key={l.key}>
                      <td className="num">{i + 1}</td>
                      <td className="entry-item">
                        <ItemField
                          index={i}
                          line={l}
                          warehouseId={header.warehouseId}
                          inputProps={cellProps(i, 'item', t('orders.entry.item'))}
                          onText={(text) => {
                            setLine(i, { itemText: text, ...(l.item && text !== l.item.sku ? { item: null } : {}) });
                            setNotFound((s) => {
                              const n = new Set(s);
                              n.delete(`lines.${i}.item`);
                              return n;
                            });
                          }}
                          onPick={(hit) => {
                            setLine(i, { item: hit, itemText: hit.sku });
                            const el = document.getElementById(`entry-item-${i}`);
                            if (el) focusNext(el);
                          }}
                          onNotFound={() => setNotFound((s) => new Set(s).add(`lines.${i}.item`))}
                          onAdvance={() => {
                            const el = document.getElementById(`entry-item-${i}`);
                            if (el) focusNext(el);
                          }}
                          onEmptyEnter={() => {
                            if (i === lines.length - 1 && lines.some((x) => !isBlank(x))) submitRef.current?.focus();
                          }}
                        />
                        {l.item ? (
                          <span className="entry-item-name" title={l.item.name}>
                            {itemName(l.item.name, l.item.nameEn, lang)}
                          </span>
                        ) : null}
                        {cellError(i, 'item')}
                      </td>
                      <td className="cell-input num">
                        <input
                          {...cellProps(i, 'qty', t('orders.entry.qty'))}
                          data-entry="qty"
                          data-line={i}
                          type="text"
                          inputMode="numeric"
                          autoComplete="off"
                          value={l.qty}
                          onChange={(e) => setLine(i, { qty: e.target.value })}
                        />
                        {cellError(i, 'qty')}
                      </td>
                      <td className="cell-input num">
                        <input
                          {...cellProps(i, 'price', t('orders.entry.priceShort'))}
                          data-entry="price"
                          data-line={i}
                          type="text"
                          inputMode="decimal"
                          autoComplete="off"
                          placeholder="0.00"
                          value={l.price}
                          onChange={(e) => setLine(i, { price: e.target.value })}
                        />
                        {cellError(i, 'price')}
                      </td>
                      <td className="cell-input num">
                        <input
                          {...cellProps(i, 'discount', t('orders.entry.discount'))}
                          data-entry="discount"
                          data-line={i}
                          type="text"
                          inputMode="decimal"
                          autoComplete="off"
                          placeholder="0"
                          value={l.discount}
                          onChange={(e) => setLine(i, { discount: e.target.value })}
                        />
                        {cellError(i, 'discount')}
                      </td>
                      <td className="cell-input num narrow">
                        <input
                          {...cellProps(i, 'tax', t('orders.entry.taxRate'))}
                          data-entry="tax"
                          data-line={i}
                          type="text"
                          inputMode="decimal"
                          autoComplete="off"
                          placeholder="0"
                          value={l.tax}
                          onChange={(e) => setLine(i, { tax: e.target.value })}
                        />
                        {cellError(i, 'tax')}
                      </td>
                      <td className="num strong">{money ? formatMoney(money.totalMinor, header.currency) : ''}</td>
                      <td className="entry-atp">
                        {l.item && (type === 'sales' || type === 'transfer') ? (
                          <Availability item={l.item} qtyText={l.qty} warehouseId={header.warehouseId} />
                        ) : l.item ? (
                          <span className="muted">
                            {t('orders.entry.free', { qty: formatQty(l.item.free), uom: l.item.baseUom })}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        <button
                          type="button"
                          className="btn btn-quiet btn-tiny"
                          aria-label={t('orders.entry.removeLine', { line: i + 1 })}
                          tabIndex={-1}
                          onClick={() => removeLine(i)}
                        >
                          ×
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="entry-foot">
              <button type="button" className="btn btn-small" onClick={() => addLineAfter(lines.length - 1)}>
                {t('orders.entry.addLine')}
              </button>
              {linesIssue ? <p className="field-error">{issueText(t, linesIssue)}</p> : null}
              <span className="inv-spacer" />
              <dl className="entry-totals" aria-live="polite">
                <div>
                  <dt>{t('orders.fields.net')}</dt>
                  <dd>{formatMoney(totals.netMinor, header.currency)}</dd>
                </div>
                <div>
                  <dt>{t('orders.fields.tax')}</dt>
                  <dd>{formatMoney(totals.taxMinor, header.currency)}</dd>
                </div>
                <div className="total">
                  <dt>{t('orders.fields.total')}</dt>
                  <dd data-testid="entry-total">{formatMoney(totals.totalMinor, header.currency)}</dd>
                </div>
              </dl>
            </div>
            {field(
              'note',
              t('orders.fields.note'),
              (common) => (
                <input
                  {...common}
                  type="text"
                  maxLength={500}
                  autoComplete="off"
                  value={header.note}
                  onChange={(e) => setH('note', e.target.value)}
                />
              ),
              { className: 'entry-note' },
            )}
          </div>
          <footer className="dialog-foot">
            <span className="muted">{t('orders.entry.keysLong')}</span>
            <div className="actions">
              <button type="button" className="btn" onClick={onClose}>
                {t('common.cancel')}
              </button>
              <button type="button" className="btn" disabled={saving} onClick={() => void save(false)}>
                {t('orders.entry.saveDraft')}
              </button>
              <button
                ref={submitRef}
                type="button"
                className="btn btn-primary"
                disabled={saving}
                aria-keyshortcuts="Control+Enter"
                onClick={() => void save(true)}
              >
                {saving ? t('common.saving') : t('orders.entry.saveSubmit')}
                <kbd aria-hidden="true">Ctrl+Enter</kbd>
              </button>
            </div>
          </footer>
        </div>
      </div>
    </div>
  );
}

/** The item of a line: SKU prefix, name, or a GTIN scanned by a keyboard-wedge scanner. */
function ItemField({
  index,
  line,
  warehouseId,
  inputProps,
  onText,
  onPick,
  onNotFound,
  onAdvance,
  onEmptyEnter,
}: {
  index: number;
  line: EntryLine;
  warehouseId: string;
  inputProps: Record<string, unknown>;
  onText: (text: string) => void;
  onPick: (hit: ItemHit) => void;
  onNotFound: () => void;
  onAdvance: () => void;
  onEmptyEnter: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const search = async (text: string) => {
    const r = await oms['orders.itemLookup']({ text, limit: 10, ...(warehouseId ? { warehouseId } : {}) });
    if (!r.ok) return null;
    if (r.data.rows.length === 0) onNotFound();
    return r.data.rows;
  };
  return (
    <Combobox<ItemHit>
      id={`entry-item-${index}`}
      text={line.itemText}
      onText={onText}
      picked={line.item !== null && line.item.sku === line.itemText}
      search={search}
      optionKey={(o) => o.id}
      exact={(o, q) => o.matchedBy === 'gtin' || o.sku.toLowerCase() === q.toLowerCase()}
      renderOption={(o) => (
        <>
          <span className="mono">{o.sku}</span> <span>{itemName(o.name, o.nameEn, lang)}</span>
          <span className="muted combo-meta">{t('orders.entry.free', { qty: formatQty(o.free), uom: o.baseUom })}</span>
        </>
      )}
      onPick={onPick}
      onAdvance={onAdvance}
      onEmptyEnter={onEmptyEnter}
      inputProps={{
        ...(inputProps as Record<string, string>),
        'data-entry': 'item',
        'data-line': String(index),
        placeholder: t('orders.entry.itemPlaceholder'),
      }}
      emptyText={t('orders.entry.noItem')}
    />
  );
}

/** Live availability and the promise date of one line (debounced `orders.atp`). */
function Availability({ item, qtyText, warehouseId }: { item: ItemHit; qtyText: string; warehouseId: string }) {
  const { t } = useTranslation();
  const qty = parseQty(qtyText);
  const key = useDebounced(`${item.id}|${qty ?? ''}|${warehouseId}`, 300);
  const [atp, setAtp] = useState<{ key: string; data: Atp } | null>(null);

  useEffect(() => {
    const [itemId, q, wh] = key.split('|');
    const quantity = Number(q);
    if (!itemId || !q || !Number.isSafeInteger(quantity) || quantity < 1) return;
    let alive = true;
    void oms['orders.atp']({ itemId, quantity, ...(wh ? { warehouseId: wh } : {}) }).then((r) => {
      if (alive && r.ok) setAtp({ key, data: r.data });
    });
    return () => {
      alive = false;
    };
  }, [key]);

  if (qty === null || qty < 1)
    return <span className="muted">{t('orders.entry.free', { qty: formatQty(item.free), uom: item.baseUom })}</span>;
  if (!atp || atp.key !== key) return <span className="muted">{t('common.loading')}</span>;
  const today = todayLocal();
  const rows = atp.data.warehouses;
  // With a warehouse: that one. Without: the one that can promise earliest (rules assign it).
  const best = warehouseId
    ? rows[0]
    : [...rows].sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999') || b.free - a.free)[0];
  if (!best) return null;
  const enough = best.free >= qty;
  return (
    <span className={enough ? 'atp atp-ok' : best.date ? 'atp atp-later' : 'atp atp-none'}>
      <span>
        {warehouseId
          ? t('orders.entry.freeIn', { qty: formatQty(best.free), code: best.warehouseCode })
          : t('orders.entry.bestIn', { qty: formatQty(best.free), code: best.warehouseCode })}
      </span>
      <span className="atp-date">
        {best.date === null
          ? t('orders.entry.noPromise')
          : best.date <= today
            ? t('orders.entry.promiseToday', { date: best.date })
            : t('orders.entry.promiseOn', { date: best.date })}
      </span>
      {best.dependsOn && best.date && best.date > today ? (
        <span className="muted">{t('orders.entry.fromSupply')}</span>
      ) : null}
    </span>
  );
}
