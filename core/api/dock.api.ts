import { z } from 'zod';
import * as d from '../dock/schemas.ts';
import { labelData } from '../labels/data.ts';
import { command, query, type Endpoint } from './endpoint.ts';

/** A purchase line a supplier can still announce, with what it may announce. */
export const purchaseLineOut = z.object({
  orderId: z.string(),
  orderNumber: z.string(),
  orderVersion: z.number(),
  supplierId: z.string(),
  supplierName: z.string(),
  warehouseId: z.string(),
  warehouseName: z.string(),
  requestedDate: z.string().nullable(),
  lineNo: z.number(),
  itemId: z.string(),
  sku: z.string(),
  itemName: z.string(),
  itemNameEn: z.string().nullable(),
  gtin: z.string().nullable(),
  lotTracked: z.boolean(),
  expiryTracked: z.boolean(),
  ordered: z.number(),
  received: z.number(),
  announced: z.number(),
  /** Still announceable on a new ASN, tolerance included. */
  allowed: z.number(),
  tolerancePct: z.number(),
});
export type PurchaseLineOut = z.output<typeof purchaseLineOut>;

export const asnSummary = z.object({
  id: z.string(),
  number: z.string(),
  status: z.enum(d.ASN_STATUSES),
  supplierId: z.string(),
  supplierName: z.string(),
  warehouseId: z.string(),
  warehouseName: z.string(),
  orderId: z.string(),
  orderNumber: z.string(),
  shipDate: z.string(),
  expectedDate: z.string().nullable(),
  unitCount: z.number(),
  unitsReceived: z.number(),
  qtyAnnounced: z.number(),
  qtyReceived: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
  version: z.number(),
  /** Created here and not yet confirmed by the server. */
  provisional: z.boolean(),
});
export type AsnSummary = z.output<typeof asnSummary>;

const appointmentOut = z.object({
  id: z.string(),
  asnId: z.string().nullable(),
  asnNumber: z.string().nullable(),
  supplierId: z.string(),
  supplierName: z.string(),
  warehouseId: z.string(),
  warehouseName: z.string(),
  dock: z.string(),
  slotStart: z.string(),
  slotEnd: z.string(),
  status: z.enum(d.APPOINTMENT_STATUSES),
  note: z.string().nullable(),
  createdBy: z.string(),
  version: z.number(),
});
export type AppointmentOut = z.output<typeof appointmentOut>;

export const asnDetail = asnSummary.extend({
  /** The supplier's GS1 company prefix: how its SSCCs are grouped for reading. */
  companyPrefix: z.string().nullable(),
  carrierRef: z.string().nullable(),
  note: z.string().nullable(),
  arrivedAt: z.string().nullable(),
  lines: z.array(
    z.object({
      lineNo: z.number(),
      orderLineNo: z.number(),
      itemId: z.string(),
      sku: z.string(),
      itemName: z.string(),
      itemNameEn: z.string().nullable(),
      gtin: z.string().nullable(),
      quantity: z.number(),
      lot: z.string(),
      expiry: z.string(),
      qtyReceived: z.number(),
    }),
  ),
  units: z.array(
    z.object({
      id: z.string(),
      sscc: z.string(),
      kind: z.enum(d.UNIT_KINDS),
      position: z.number(),
      grossWeightGrams: z.number().nullable(),
      status: z.enum(['expected', 'received']),
      receivedAt: z.string().nullable(),
      receivedBy: z.string().nullable(),
      contents: z.array(z.object({ lineNo: z.number(), quantity: z.number() })),
    }),
  ),
  receipts: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['unit', 'quantity']),
      unitId: z.string().nullable(),
      lineNo: z.number().nullable(),
      scan: z.string(),
      quantity: z.number(),
      actor: z.string(),
      at: z.string(),
    }),
  ),
  discrepancies: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(d.DISCREPANCY_KINDS),
      lineNo: z.number().nullable(),
      unitId: z.string().nullable(),
      expected: z.number(),
      received: z.number(),
      note: z.string().nullable(),
      approvedBy: z.string().nullable(),
      actor: z.string(),
      at: z.string(),
    }),
  ),
  appointments: z.array(appointmentOut),
  /** The purchase order's progress, for the dock screen. */
  order: z.object({ status: z.string(), qtyOrdered: z.number(), qtyReceived: z.number(), progress: z.number() }),
});
export type AsnDetail = z.output<typeof asnDetail>;

const asnResult = z.object({ status: z.enum(d.ASN_STATUSES) });

export const receiveUnitResult = z.object({
  asnId: z.string(),
  asnNumber: z.string(),
  unitId: z.string(),
  position: z.number(),
  quantity: z.number(),
  status: z.enum(d.ASN_STATUSES),
  unitsReceived: z.number(),
  unitCount: z.number(),
  excess: z.array(z.object({ lineNo: z.number(), quantity: z.number() })),
});

export const receiveQuantityResult = z.object({
  asnId: z.string(),
  asnNumber: z.string(),
  quantity: z.number(),
  overReceived: z.number(),
  status: z.enum(d.ASN_STATUSES),
});

export const dockApi = {
  'dock.purchaseLines': query(
    z.object({ supplierId: z.uuid().optional(), orderId: z.uuid().optional() }),
    z.object({ rows: z.array(purchaseLineOut) }),
  ),
  'asns.list': query(
    z.object({
      status: z.enum(d.ASN_STATUSES).optional(),
      supplierId: z.uuid().optional(),
      warehouseId: z.uuid().optional(),
      /** ASN, purchase order or SSCC number, or its beginning. */
      search: z.string().trim().max(40).optional(),
      /** Open for the dock: arrived or being received, or announced and not yet arrived. */
      openOnly: z.boolean().optional(),
      limit: z.number().int().min(1).max(500).default(200),
    }),
    z.object({ rows: z.array(asnSummary) }),
  ),
  'asns.get': query(z.object({ id: z.uuid() }), asnDetail),
  'asns.labelData': query(
    z.object({ asnId: z.uuid(), unitIds: z.array(z.uuid()).max(999).optional() }),
    z.object({ labels: z.array(labelData) }),
  ),
  'asns.create': command(
    'createAsn',
    d.createAsnFields,
    z.object({ id: z.string(), number: z.string(), ssccs: z.array(z.string()) }),
  ),
  'asns.cancel': command('cancelAsn', d.cancelAsnFields, asnResult),
  'asns.arrive': command('arriveAsn', d.arriveAsnFields, asnResult),
  'asns.close': command(
    'closeAsn',
    d.closeAsnFields,
    asnResult.extend({ shortages: z.number(), missingUnits: z.number() }),
  ),
  'dock.receiveUnit': command('receiveUnit', d.receiveUnitFields, receiveUnitResult),
  'dock.receiveQuantity': command('receiveQuantity', d.receiveQuantityFields, receiveQuantityResult),
  'appointments.list': query(
    z.object({
      warehouseId: z.uuid().optional(),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
    }),
    z.object({ rows: z.array(appointmentOut) }),
  ),
  'appointments.book': command('bookAppointment', d.bookAppointmentFields, z.object({ id: z.string() })),
  'appointments.setStatus': command(
    'setAppointmentStatus',
    d.setAppointmentStatusFields,
    z.object({ status: z.enum(d.APPOINTMENT_STATUSES) }),
  ),
} as const satisfies Record<string, Endpoint>;
