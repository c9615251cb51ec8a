import { z } from 'zod';

const party = z.object({
  name: z.string().min(1).max(120),
  /** Address lines as printed, top to bottom. */
  address: z.array(z.string().max(120)).max(4),
  /** GLN of the party (AI 410 for the ship-to), when known. */
  gln: z
    .string()
    .regex(/^\d{13}$/)
    .nullable(),
  /** Postcode (AI 420 for the ship-to), when known. */
  postcode: z.string().max(20).nullable(),
});

/**
 * What one logistic label carries: one handling unit of an ASN. Templates bind their fields to
 * these names (`sscc`, `from.name`, `content.gtin`…); the ASN and handling-unit records of the
 * dock produce it, and `oms label render --data` reads it from a JSON file.
 */
export const labelData = z.object({
  /** AI 00: 18 digits with a valid check digit. */
  sscc: z.string().regex(/^\d{18}$/),
  from: party,
  to: party,
  /** AI 400: the customer's (our) purchase order number. */
  purchaseOrder: z.string().max(30).nullable(),
  asnNumber: z.string().max(40),
  /** Ship date, YYYY-MM-DD. */
  shipDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Handling unit kind and its position in the delivery ("carton 2 of 5"). */
  unit: z.object({
    kind: z.enum(['carton', 'pallet']),
    index: z.number().int().min(1),
    count: z.number().int().min(1),
  }),
  /**
   * What the unit contains when it holds one trade item: AI 02 (GTIN of contents) + 37 (count),
   * 10 (batch), 17 (expiry). Null for a mixed unit (the label then carries the SSCC only).
   */
  content: z
    .object({
      gtin: z.string().regex(/^\d{14}$/),
      count: z.number().int().min(1).max(99_999_999),
      batch: z.string().max(20).nullable(),
      /** YYYY-MM-DD. */
      expiry: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullable(),
      itemCode: z.string().max(40),
      /** Item name as the clerk knows it: Chinese and/or English. */
      itemName: z.string().max(120),
    })
    .nullable(),
  /** Gross weight in grams (AI 3301 when printed), when known. */
  grossWeightGrams: z.number().int().min(0).nullable(),
});

export type LabelData = z.output<typeof labelData>;
