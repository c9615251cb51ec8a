import { z } from 'zod';
import { isoDate, quantity } from '../inventory/schemas.ts';

/**
 * Dock arguments (issue 6), shared by the supplier's ASN form, the dock screen, the API boundary
 * and the commands. Quantities are integers in the item's base unit.
 */

export const ASN_STATUSES = ['open', 'arrived', 'receiving', 'received', 'closed', 'cancelled'] as const;
export type AsnStatus = (typeof ASN_STATUSES)[number];

export const UNIT_KINDS = ['carton', 'pallet'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const APPOINTMENT_STATUSES = ['requested', 'confirmed', 'arrived', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const DISCREPANCY_KINDS = ['shortage', 'overage', 'damaged', 'missing-unit'] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .default(null);
const lotText = z
  .string()
  .trim()
  .max(20)
  .regex(/^[!-~]*$/, { error: 'lot-format' })
  .default('');
const expiry = z.union([z.literal(''), isoDate]).default('');
/** An ISO date-time with an offset, e.g. 2026-11-26T09:00:00+08:00 or …Z. */
const slotTime = z.iso.datetime({ offset: true, error: 'datetime-format' });

export const appointmentInput = z
  .object({
    dock: z.string().trim().min(1).max(20),
    slotStart: slotTime,
    slotEnd: slotTime,
    note: text(300),
  })
  .refine((a) => Date.parse(a.slotEnd) > Date.parse(a.slotStart), {
    path: ['slotEnd'],
    params: { code: 'slot-order' },
  });

/** What the supplier clerk fills in: which purchase lines, and how they are packed. */
export const createAsnFields = z
  .object({
    orderId: z.uuid(),
    supplierId: z.uuid(),
    shipDate: isoDate,
    expectedDate: z
      .union([z.literal(''), isoDate])
      .nullable()
      .default(null)
      .transform((v) => (v === '' ? null : v)),
    carrierRef: text(60),
    note: text(300),
    lines: z
      .array(z.object({ orderLineNo: z.number().int().min(1), quantity, lot: lotText, expiry }))
      .min(1)
      .max(200),
    /** Handling units; `contents[].line` is the 1-based position in `lines`. */
    units: z
      .array(
        z.object({
          kind: z.enum(UNIT_KINDS).default('carton'),
          grossWeightGrams: z.number().int().min(1).max(10_000_000).nullable().default(null),
          contents: z
            .array(z.object({ line: z.number().int().min(1), quantity }))
            .min(1)
            .max(200),
        }),
      )
      .min(1)
      .max(999),
    appointment: appointmentInput.nullable().default(null),
  })
  .superRefine((a, ctx) => {
    const packed = new Map<number, number>();
    a.units.forEach((u, i) =>
      u.contents.forEach((c, j) => {
        if (c.line > a.lines.length)
          ctx.addIssue({ code: 'custom', path: ['units', i, 'contents', j, 'line'], params: { code: 'unknown-line' } });
        packed.set(c.line, (packed.get(c.line) ?? 0) + c.quantity);
      }),
    );
    a.lines.forEach((l, i) => {
      if ((packed.get(i + 1) ?? 0) !== l.quantity)
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'quantity'],
          params: { code: 'packing-mismatch', packed: packed.get(i + 1) ?? 0 },
        });
    });
  });
export type CreateAsnFields = z.output<typeof createAsnFields>;

const asnRef = { asnId: z.uuid(), expectedVersion: z.number().int().min(1).optional() };
export const cancelAsnFields = z.object({ ...asnRef, reason: z.string().trim().min(1).max(300) });
export const arriveAsnFields = z.object(asnRef);
export const closeAsnFields = z.object({ ...asnRef, note: text(300) });

/** One scan of a handling unit's SSCC label: the whole unit is received. */
export const receiveUnitFields = z.object({
  sscc: z.string().regex(/^\d{18}$/),
  /** The raw scan as the scanner sent it, kept for the audit. */
  scan: z.string().max(200),
});

/** One scan of a GTIN + batch label: a quantity of one ASN line is received. */
export const receiveQuantityFields = z.object({
  asnId: z.uuid(),
  gtin: z.string().regex(/^\d{14}$/),
  batch: z.string().max(20).default(''),
  expiry,
  /** In trade items of that GTIN (a carton GTIN counts cartons). */
  count: quantity,
  scan: z.string().max(200),
});

export const bookAppointmentFields = z.object({
  asnId: z.uuid().nullable().default(null),
  supplierId: z.uuid(),
  warehouseId: z.uuid(),
  appointment: appointmentInput,
});

export const setAppointmentStatusFields = z.object({
  appointmentId: z.uuid(),
  expectedVersion: z.number().int().min(1).optional(),
  status: z.enum(APPOINTMENT_STATUSES),
});

export const saveLabelTemplateFields = z.object({
  id: z.uuid().optional(),
  expectedVersion: z.number().int().min(1).optional(),
  name: z.string().trim().min(1).max(80),
  /** The template model (core/labels/template.ts), checked by the command. */
  body: z.unknown(),
  active: z.boolean().default(true),
});
