import { z } from 'zod';
import { CURRENCIES } from '../money.ts';
import { isValidGtin } from '../gs1.ts';

/**
 * Master data rules, shared by every boundary (forms, IPC, HTTP, commands, import).
 * Field error codes (`custom` issues) are translation keys under `validation.`.
 */

export const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'code-format' });
export const name = z.string().trim().min(1).max(200);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null);

export const gtin = z
  .string()
  .trim()
  .refine(isValidGtin, { params: { code: 'gtin-invalid' } });
export const optionalGtin = z
  .union([z.literal(''), gtin])
  .nullable()
  .default(null)
  .transform((v) => (v === '' || v === null ? null : v));
export const email = z
  .union([z.literal(''), z.email({ error: 'email-invalid' })])
  .nullable()
  .default(null)
  .transform((v) => (v === '' || v === null ? null : v));
export const phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^[0-9+()\-\s]*$/, { error: 'phone-format' })
  .transform((v) => (v === '' ? null : v))
  .nullable()
  .default(null);

export const currency = z.enum(CURRENCIES);
export const grade = z.enum(['A', 'B', 'C', 'D']);
/** Non-negative integer minor units, within the range a double holds exactly. */
export const amountMinor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positiveInt = z.number().int().min(1).max(2_000_000_000);
const optionalMeasure = z.number().int().min(0).max(2_000_000_000).nullable().default(null);

export const uom = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .regex(/^[A-Za-z0-9]+$/, { error: 'uom-format' });

export const recordMeta = {
  id: z.uuid(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
};

// ---------- items ----------
export const itemUomFields = z.object({
  uom,
  /** How many base units one of this unit holds (a carton of 24 → 24). */
  factor: positiveInt,
  gtin: optionalGtin,
});

export const itemFields = z
  .object({
    sku: code,
    gtin: optionalGtin,
    name,
    nameEn: optionalText(200),
    baseUom: uom,
    uoms: z.array(itemUomFields).max(20).default([]),
    productGroup: optionalText(60),
    lotTracked: z.boolean().default(false),
    expiryTracked: z.boolean().default(false),
    shelfLifeDays: z.number().int().min(1).max(36_500).nullable().default(null),
    weightGrams: optionalMeasure,
    volumeCm3: optionalMeasure,
    active: z.boolean().default(true),
  })
  .superRefine((item, ctx) => {
    const seen = new Set<string>([item.baseUom.toUpperCase()]);
    item.uoms.forEach((u, i) => {
      const key = u.uom.toUpperCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['uoms', i, 'uom'], params: { code: 'uom-duplicate' } });
      seen.add(key);
    });
    if (item.expiryTracked && !item.lotTracked)
      ctx.addIssue({ code: 'custom', path: ['expiryTracked'], params: { code: 'expiry-needs-lot' } });
  });
export type ItemFields = z.output<typeof itemFields>;
export type ItemInput = z.input<typeof itemFields>;

// ---------- warehouses & locations ----------
export const warehouseFields = z.object({
  code,
  name,
  region: optionalText(60),
  address: optionalText(300),
  /** Lets available stock go below zero here; off unless an administrator says so. */
  allowNegativeStock: z.boolean().default(false),
  active: z.boolean().default(true),
});
export type WarehouseFields = z.output<typeof warehouseFields>;

export const LOCATION_KINDS = ['storage', 'dock', 'staging', 'quality', 'returns'] as const;
export const locationFields = z.object({
  warehouseId: z.uuid(),
  code,
  kind: z.enum(LOCATION_KINDS).default('storage'),
  active: z.boolean().default(true),
});
export type LocationFields = z.output<typeof locationFields>;

// ---------- customers ----------
export const ADDRESS_KINDS = ['billing', 'shipping'] as const;
export const addressFields = z.object({
  kind: z.enum(ADDRESS_KINDS),
  line1: z.string().trim().min(1).max(300),
  city: optionalText(80),
  region: optionalText(80),
  postcode: optionalText(20),
  country: z.string().trim().length(2).default('CN'),
  isDefault: z.boolean().default(false),
});

export const customerFields = z.object({
  code,
  name,
  grade: grade.default('C'),
  creditLimitMinor: amountMinor.default(0),
  currency: currency.default('CNY'),
  contactName: optionalText(100),
  phone,
  email,
  addresses: z.array(addressFields).max(20).default([]),
  active: z.boolean().default(true),
});
export type CustomerFields = z.output<typeof customerFields>;
export type CustomerInput = z.input<typeof customerFields>;

// ---------- suppliers ----------
export const supplierFields = z.object({
  code,
  name,
  grade: grade.default('C'),
  /** GS1 company prefix used to build SSCCs on this supplier's labels: 6–12 digits. */
  gs1CompanyPrefix: z
    .union([z.literal(''), z.string().regex(/^\d{6,12}$/, { error: 'gs1-prefix-format' })])
    .nullable()
    .default(null)
    .transform((v) => (v === '' || v === null ? null : v)),
  /** How far above a purchase line's open quantity this supplier's ASNs may announce, in percent. */
  asnTolerancePct: z.number().int().min(0).max(100).default(10),
  currency: currency.default('CNY'),
  contactName: optionalText(100),
  phone,
  email,
  active: z.boolean().default(true),
});
export type SupplierFields = z.output<typeof supplierFields>;

// ---------- carriers ----------
export const carrierFields = z.object({
  code,
  name,
  phone,
  trackingUrlTemplate: optionalText(300),
  active: z.boolean().default(true),
});
export type CarrierFields = z.output<typeof carrierFields>;

// ---------- sales channels ----------
export const CHANNEL_KINDS = ['online-shop', 'mobile', 'retail-store', 'distributor', 'open-api', 'manual'] as const;
export const salesChannelFields = z.object({
  code,
  name,
  kind: z.enum(CHANNEL_KINDS).default('manual'),
  active: z.boolean().default(true),
});
export type SalesChannelFields = z.output<typeof salesChannelFields>;

// ---------- users & roles ----------
export const ROLES = ['administrator', 'warehouse-clerk', 'supplier-clerk', 'finance-clerk', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

// ---------- records (what queries return) ----------
const withMeta = <T extends z.ZodRawShape>(shape: T) => z.object({ ...shape, ...recordMeta });

export const itemRecord = withMeta({
  sku: z.string(),
  gtin: z.string().nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  baseUom: z.string(),
  uoms: z.array(z.object({ uom: z.string(), factor: z.number(), gtin: z.string().nullable() })),
  productGroup: z.string().nullable(),
  lotTracked: z.boolean(),
  expiryTracked: z.boolean(),
  shelfLifeDays: z.number().nullable(),
  weightGrams: z.number().nullable(),
  volumeCm3: z.number().nullable(),
  active: z.boolean(),
});
export type ItemRecord = z.output<typeof itemRecord>;

export const warehouseRecord = withMeta({ ...warehouseFields.shape });
export type WarehouseRecord = z.output<typeof warehouseRecord>;
export const locationRecord = withMeta({ ...locationFields.shape });
export type LocationRecord = z.output<typeof locationRecord>;
export const customerRecord = withMeta({ ...customerFields.shape });
export type CustomerRecord = z.output<typeof customerRecord>;
export const supplierRecord = withMeta({ ...supplierFields.shape });
export type SupplierRecord = z.output<typeof supplierRecord>;
export const carrierRecord = withMeta({ ...carrierFields.shape });
export type CarrierRecord = z.output<typeof carrierRecord>;
export const salesChannelRecord = withMeta({ ...salesChannelFields.shape });
export type SalesChannelRecord = z.output<typeof salesChannelRecord>;

/** Update = the full set of fields + identity + the version the clerk edited (optimistic lock). */
export const updateOf = <T extends z.ZodType>(fields: T) =>
  z.object({ id: z.uuid(), expectedVersion: z.number().int().min(1), fields });

export const listInput = z
  .object({
    search: z.string().trim().max(100).optional(),
    includeInactive: z.boolean().optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .default({});
export type ListInput = z.output<typeof listInput>;
export const byId = z.object({ id: z.uuid() });
