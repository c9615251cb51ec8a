import type { ColDef } from 'ag-grid-community';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { Result } from '../../../core/errors.ts';
import { CURRENCIES } from '../../../core/money.ts';
import {
  ADDRESS_KINDS,
  CHANNEL_KINDS,
  carrierFields,
  customerFields,
  itemFields,
  salesChannelFields,
  supplierFields,
  warehouseFields,
  type CarrierRecord,
  type CustomerRecord,
  type ItemRecord,
  type SalesChannelRecord,
  type SupplierRecord,
  type WarehouseRecord,
} from '../../../core/masterdata/schemas.ts';
import { oms } from '../api/client.ts';
import type { MasterView } from '../state/ui.ts';
import { boolCol, enumCol, moneyCol, textCol, updatedCol, type BaseRecord } from './columns.ts';
import { intText, moneyText, text, type FieldSpec, type FormValues, type ScalarField } from './form.ts';

/** Everything the generic list + form need to know about one kind of master data. */
export interface EntitySpec<R extends BaseRecord, S extends z.ZodType> {
  view: MasterView;
  schema: S;
  fields: FieldSpec[];
  columns: (t: TFunction, lang: string) => ColDef<R>[];
  empty: () => FormValues;
  fromRecord: (record: R) => FormValues;
  list: () => Promise<Result<{ rows: R[] }>>;
  create: (fields: z.output<S>) => Promise<Result<R>>;
  update: (id: string, expectedVersion: number, fields: z.output<S>) => Promise<Result<R>>;
  codeOf: (record: R) => string;
  nameOf: (record: R) => string;
}

const LIST = { includeInactive: true, limit: 10_000 } as const;
const GRADES = ['A', 'B', 'C', 'D'] as const;

// ---------- shared field specs ----------
const codeField: ScalarField = {
  key: 'code',
  label: 'fields.code',
  kind: 'text',
  required: true,
  maxLength: 40,
  formatCode: 'code-format',
  hint: 'hints.code',
};
const nameField: ScalarField = { key: 'name', label: 'fields.name', kind: 'text', required: true, maxLength: 200 };
const activeField: ScalarField = { key: 'active', label: 'fields.active', kind: 'checkbox' };
const gradeField: ScalarField = {
  key: 'grade',
  label: 'fields.grade',
  kind: 'select',
  options: GRADES,
  optionPrefix: 'options.grade',
};
const currencyField: ScalarField = {
  key: 'currency',
  label: 'fields.currency',
  kind: 'select',
  options: CURRENCIES,
  optionPrefix: 'options.currency',
};
const contactField: ScalarField = { key: 'contactName', label: 'fields.contactName', kind: 'text', maxLength: 100 };
const phoneField: ScalarField = {
  key: 'phone',
  label: 'fields.phone',
  kind: 'text',
  inputMode: 'tel',
  maxLength: 40,
  formatCode: 'phone-format',
};
const emailField: ScalarField = {
  key: 'email',
  label: 'fields.email',
  kind: 'text',
  inputMode: 'email',
  formatCode: 'email-invalid',
};

const codeCol = <R>(t: TFunction, field: string, label = 'fields.code'): ColDef<R> =>
  textCol<R>(t, field as Extract<keyof R, string>, label, { width: 150, pinned: 'left', sort: 'asc' });

// ---------- items ----------
const uomFieldSpecs: ScalarField[] = [
  {
    key: 'uom',
    label: 'fields.uom',
    kind: 'text',
    required: true,
    maxLength: 12,
    formatCode: 'uom-format',
    upper: true,
  },
  { key: 'factor', label: 'fields.factor', kind: 'int', nullable: false, required: true, hint: 'hints.factor' },
  { key: 'gtin', label: 'fields.uomGtin', kind: 'text', inputMode: 'numeric', formatCode: 'gtin-invalid' },
];

export const itemsSpec: EntitySpec<ItemRecord, typeof itemFields> = {
  view: 'items',
  schema: itemFields,
  fields: [
    {
      key: 'sku',
      label: 'fields.sku',
      kind: 'text',
      required: true,
      maxLength: 40,
      formatCode: 'code-format',
      hint: 'hints.code',
    },
    {
      key: 'gtin',
      label: 'fields.gtin',
      kind: 'text',
      inputMode: 'numeric',
      formatCode: 'gtin-invalid',
      hint: 'hints.gtin',
    },
    { key: 'name', label: 'fields.itemName', kind: 'text', required: true, maxLength: 200 },
    { key: 'nameEn', label: 'fields.nameEn', kind: 'text', maxLength: 200 },
    {
      key: 'baseUom',
      label: 'fields.baseUom',
      kind: 'text',
      required: true,
      maxLength: 12,
      formatCode: 'uom-format',
      upper: true,
    },
    { key: 'productGroup', label: 'fields.productGroup', kind: 'text', maxLength: 60 },
    { key: 'shelfLifeDays', label: 'fields.shelfLifeDays', kind: 'int', nullable: true },
    { key: 'weightGrams', label: 'fields.weightGrams', kind: 'int', nullable: true },
    { key: 'volumeCm3', label: 'fields.volumeCm3', kind: 'int', nullable: true },
    { key: 'lotTracked', label: 'fields.lotTracked', kind: 'checkbox' },
    { key: 'expiryTracked', label: 'fields.expiryTracked', kind: 'checkbox' },
    activeField,
    {
      key: 'uoms',
      label: 'fields.uoms',
      kind: 'rows',
      span: 2,
      fields: uomFieldSpecs,
      newRow: () => ({ uom: '', factor: '', gtin: '' }),
    },
  ],
  columns: (t, lang) => [
    codeCol<ItemRecord>(t, 'sku', 'fields.sku'),
    textCol<ItemRecord>(t, 'name', 'fields.itemName', { flex: 2, minWidth: 180 }),
    textCol<ItemRecord>(t, 'nameEn', 'fields.nameEn', { flex: 1, minWidth: 140 }),
    textCol<ItemRecord>(t, 'gtin', 'fields.gtin', { width: 160 }),
    textCol<ItemRecord>(t, 'baseUom', 'fields.baseUom', { width: 110 }),
    textCol<ItemRecord>(t, 'productGroup', 'fields.productGroup', { width: 140 }),
    boolCol<ItemRecord>(t, 'lotTracked', 'fields.lotTracked'),
    boolCol<ItemRecord>(t, 'expiryTracked', 'fields.expiryTracked'),
    boolCol<ItemRecord>(t, 'active', 'fields.active'),
    updatedCol<ItemRecord>(t, lang),
  ],
  empty: () => ({
    sku: '',
    gtin: '',
    name: '',
    nameEn: '',
    baseUom: 'EA',
    productGroup: '',
    shelfLifeDays: '',
    weightGrams: '',
    volumeCm3: '',
    lotTracked: false,
    expiryTracked: false,
    active: true,
    uoms: [],
  }),
  fromRecord: (r) => ({
    sku: r.sku,
    gtin: text(r.gtin),
    name: r.name,
    nameEn: text(r.nameEn),
    baseUom: r.baseUom,
    productGroup: text(r.productGroup),
    shelfLifeDays: intText(r.shelfLifeDays),
    weightGrams: intText(r.weightGrams),
    volumeCm3: intText(r.volumeCm3),
    lotTracked: r.lotTracked,
    expiryTracked: r.expiryTracked,
    active: r.active,
    uoms: r.uoms.map((u) => ({ uom: u.uom, factor: String(u.factor), gtin: text(u.gtin) })),
  }),
  list: () => oms['items.list'](LIST),
  create: (fields) => oms['items.create'](fields),
  update: (id, expectedVersion, fields) => oms['items.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.sku,
  nameOf: (r) => r.name,
};

// ---------- customers ----------
export const customersSpec: EntitySpec<CustomerRecord, typeof customerFields> = {
  view: 'customers',
  schema: customerFields,
  fields: [
    codeField,
    nameField,
    gradeField,
    currencyField,
    {
      key: 'creditLimitMinor',
      label: 'fields.creditLimit',
      kind: 'money',
      currencyKey: 'currency',
      hint: 'hints.creditLimit',
    },
    contactField,
    phoneField,
    emailField,
    activeField,
    {
      key: 'addresses',
      label: 'fields.addresses',
      kind: 'rows',
      span: 2,
      fields: [
        {
          key: 'kind',
          label: 'fields.addressKind',
          kind: 'select',
          options: ADDRESS_KINDS,
          optionPrefix: 'options.addressKind',
        },
        { key: 'line1', label: 'fields.line1', kind: 'text', required: true, maxLength: 300, span: 2 },
        { key: 'city', label: 'fields.city', kind: 'text', maxLength: 80 },
        { key: 'region', label: 'fields.province', kind: 'text', maxLength: 80 },
        { key: 'postcode', label: 'fields.postcode', kind: 'text', maxLength: 20 },
        { key: 'country', label: 'fields.country', kind: 'text', maxLength: 2, upper: true },
        { key: 'isDefault', label: 'fields.isDefault', kind: 'checkbox' },
      ],
      newRow: () => ({
        kind: 'shipping',
        line1: '',
        city: '',
        region: '',
        postcode: '',
        country: 'CN',
        isDefault: false,
      }),
    },
  ],
  columns: (t, lang) => [
    codeCol<CustomerRecord>(t, 'code'),
    textCol<CustomerRecord>(t, 'name', 'fields.name', { flex: 2, minWidth: 200 }),
    textCol<CustomerRecord>(t, 'grade', 'fields.grade', { width: 100 }),
    moneyCol<CustomerRecord>(t, 'creditLimitMinor', 'fields.creditLimit'),
    textCol<CustomerRecord>(t, 'currency', 'fields.currency', { width: 110 }),
    textCol<CustomerRecord>(t, 'contactName', 'fields.contactName', { width: 140 }),
    textCol<CustomerRecord>(t, 'phone', 'fields.phone', { width: 150 }),
    textCol<CustomerRecord>(t, 'email', 'fields.email', { flex: 1, minWidth: 180 }),
    boolCol<CustomerRecord>(t, 'active', 'fields.active'),
    updatedCol<CustomerRecord>(t, lang),
  ],
  empty: () => ({
    code: '',
    name: '',
    grade: 'C',
    currency: 'CNY',
    creditLimitMinor: '',
    contactName: '',
    phone: '',
    email: '',
    active: true,
    addresses: [],
  }),
  fromRecord: (r) => ({
    code: r.code,
    name: r.name,
    grade: r.grade,
    currency: r.currency,
    creditLimitMinor: moneyText(r.creditLimitMinor, r.currency),
    contactName: text(r.contactName),
    phone: text(r.phone),
    email: text(r.email),
    active: r.active,
    addresses: r.addresses.map((a) => ({
      kind: a.kind,
      line1: a.line1,
      city: text(a.city),
      region: text(a.region),
      postcode: text(a.postcode),
      country: a.country,
      isDefault: a.isDefault,
    })),
  }),
  list: () => oms['customers.list'](LIST),
  create: (fields) => oms['customers.create'](fields),
  update: (id, expectedVersion, fields) => oms['customers.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.code,
  nameOf: (r) => r.name,
};

// ---------- suppliers ----------
export const suppliersSpec: EntitySpec<SupplierRecord, typeof supplierFields> = {
  view: 'suppliers',
  schema: supplierFields,
  fields: [
    codeField,
    nameField,
    gradeField,
    currencyField,
    {
      key: 'gs1CompanyPrefix',
      label: 'fields.gs1CompanyPrefix',
      kind: 'text',
      inputMode: 'numeric',
      maxLength: 12,
      formatCode: 'gs1-prefix-format',
      hint: 'hints.gs1CompanyPrefix',
    },
    {
      key: 'asnTolerancePct',
      label: 'fields.asnTolerancePct',
      kind: 'int',
      nullable: false,
      hint: 'hints.asnTolerancePct',
    },
    contactField,
    phoneField,
    emailField,
    activeField,
  ],
  columns: (t, lang) => [
    codeCol<SupplierRecord>(t, 'code'),
    textCol<SupplierRecord>(t, 'name', 'fields.name', { flex: 2, minWidth: 200 }),
    textCol<SupplierRecord>(t, 'grade', 'fields.grade', { width: 100 }),
    textCol<SupplierRecord>(t, 'currency', 'fields.currency', { width: 110 }),
    textCol<SupplierRecord>(t, 'gs1CompanyPrefix', 'fields.gs1CompanyPrefix', { width: 170 }),
    textCol<SupplierRecord>(t, 'contactName', 'fields.contactName', { width: 140 }),
    textCol<SupplierRecord>(t, 'phone', 'fields.phone', { width: 150 }),
    textCol<SupplierRecord>(t, 'email', 'fields.email', { flex: 1, minWidth: 180 }),
    boolCol<SupplierRecord>(t, 'active', 'fields.active'),
    updatedCol<SupplierRecord>(t, lang),
  ],
  empty: () => ({
    code: '',
    name: '',
    grade: 'C',
    currency: 'CNY',
    gs1CompanyPrefix: '',
    asnTolerancePct: '10',
    contactName: '',
    phone: '',
    email: '',
    active: true,
  }),
  fromRecord: (r) => ({
    code: r.code,
    name: r.name,
    grade: r.grade,
    currency: r.currency,
    gs1CompanyPrefix: text(r.gs1CompanyPrefix),
    asnTolerancePct: intText(r.asnTolerancePct),
    contactName: text(r.contactName),
    phone: text(r.phone),
    email: text(r.email),
    active: r.active,
  }),
  list: () => oms['suppliers.list'](LIST),
  create: (fields) => oms['suppliers.create'](fields),
  update: (id, expectedVersion, fields) => oms['suppliers.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.code,
  nameOf: (r) => r.name,
};

// ---------- warehouses ----------
export const warehousesSpec: EntitySpec<WarehouseRecord, typeof warehouseFields> = {
  view: 'warehouses',
  schema: warehouseFields,
  fields: [
    codeField,
    nameField,
    { key: 'region', label: 'fields.region', kind: 'text', maxLength: 60 },
    { key: 'address', label: 'fields.address', kind: 'text', maxLength: 300, span: 2 },
    {
      key: 'allowNegativeStock',
      label: 'fields.allowNegativeStock',
      kind: 'checkbox',
      hint: 'hints.allowNegativeStock',
    },
    activeField,
  ],
  columns: (t, lang) => [
    codeCol<WarehouseRecord>(t, 'code'),
    textCol<WarehouseRecord>(t, 'name', 'fields.name', { flex: 1, minWidth: 200 }),
    textCol<WarehouseRecord>(t, 'region', 'fields.region', { width: 140 }),
    textCol<WarehouseRecord>(t, 'address', 'fields.address', { flex: 2, minWidth: 220 }),
    boolCol<WarehouseRecord>(t, 'allowNegativeStock', 'fields.allowNegativeStock'),
    boolCol<WarehouseRecord>(t, 'active', 'fields.active'),
    updatedCol<WarehouseRecord>(t, lang),
  ],
  empty: () => ({ code: '', name: '', region: '', address: '', allowNegativeStock: false, active: true }),
  fromRecord: (r) => ({
    code: r.code,
    name: r.name,
    region: text(r.region),
    address: text(r.address),
    allowNegativeStock: r.allowNegativeStock,
    active: r.active,
  }),
  list: () => oms['warehouses.list'](LIST),
  create: (fields) => oms['warehouses.create'](fields),
  update: (id, expectedVersion, fields) => oms['warehouses.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.code,
  nameOf: (r) => r.name,
};

// ---------- carriers ----------
export const carriersSpec: EntitySpec<CarrierRecord, typeof carrierFields> = {
  view: 'carriers',
  schema: carrierFields,
  fields: [
    codeField,
    nameField,
    phoneField,
    {
      key: 'trackingUrlTemplate',
      label: 'fields.trackingUrlTemplate',
      kind: 'text',
      inputMode: 'url',
      maxLength: 300,
      span: 2,
      hint: 'hints.trackingUrlTemplate',
    },
    activeField,
  ],
  columns: (t, lang) => [
    codeCol<CarrierRecord>(t, 'code'),
    textCol<CarrierRecord>(t, 'name', 'fields.name', { flex: 1, minWidth: 200 }),
    textCol<CarrierRecord>(t, 'phone', 'fields.phone', { width: 160 }),
    textCol<CarrierRecord>(t, 'trackingUrlTemplate', 'fields.trackingUrlTemplate', { flex: 2, minWidth: 220 }),
    boolCol<CarrierRecord>(t, 'active', 'fields.active'),
    updatedCol<CarrierRecord>(t, lang),
  ],
  empty: () => ({ code: '', name: '', phone: '', trackingUrlTemplate: '', active: true }),
  fromRecord: (r) => ({
    code: r.code,
    name: r.name,
    phone: text(r.phone),
    trackingUrlTemplate: text(r.trackingUrlTemplate),
    active: r.active,
  }),
  list: () => oms['carriers.list'](LIST),
  create: (fields) => oms['carriers.create'](fields),
  update: (id, expectedVersion, fields) => oms['carriers.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.code,
  nameOf: (r) => r.name,
};

// ---------- sales channels ----------
export const salesChannelsSpec: EntitySpec<SalesChannelRecord, typeof salesChannelFields> = {
  view: 'salesChannels',
  schema: salesChannelFields,
  fields: [
    codeField,
    nameField,
    {
      key: 'kind',
      label: 'fields.channelKind',
      kind: 'select',
      options: CHANNEL_KINDS,
      optionPrefix: 'options.channelKind',
    },
    activeField,
  ],
  columns: (t, lang) => [
    codeCol<SalesChannelRecord>(t, 'code'),
    textCol<SalesChannelRecord>(t, 'name', 'fields.name', { flex: 1, minWidth: 220 }),
    enumCol<SalesChannelRecord>(t, 'kind', 'fields.channelKind', 'options.channelKind', { width: 180 }),
    boolCol<SalesChannelRecord>(t, 'active', 'fields.active'),
    updatedCol<SalesChannelRecord>(t, lang),
  ],
  empty: () => ({ code: '', name: '', kind: 'manual', active: true }),
  fromRecord: (r) => ({ code: r.code, name: r.name, kind: r.kind, active: r.active }),
  list: () => oms['salesChannels.list'](LIST),
  create: (fields) => oms['salesChannels.create'](fields),
  update: (id, expectedVersion, fields) => oms['salesChannels.update']({ id, expectedVersion, fields }),
  codeOf: (r) => r.code,
  nameOf: (r) => r.name,
};
