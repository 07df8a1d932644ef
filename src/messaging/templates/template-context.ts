import type { ExtraKind } from '../../customers/product-extra.entity';

/**
 * What a template can see. Every root name is optional: a module fills the ones its messages
 * need, and a template that uses a missing one renders it empty. Dates may be `Date` objects
 * or ISO-8601 strings (context stored as JSON comes back as strings); the `date` helper takes
 * both. Amounts are numbers in the currency's major unit.
 */
export interface TemplateContext {
  customer?: CustomerContext;
  /** The customer's B2B account, or the account a sales message is about. */
  account?: AccountContext;
  /** The event that triggered the message. */
  event?: EventContext;
  order?: OrderContext;
  /** product-extras: what to offer, best first. */
  extras?: ExtraContext[];
  /** reinforcing-promotions: the customer's personal code. */
  promotion?: PromotionContext;
  /** post-purchase: the one-click answer links and, once answered, the answer. */
  checkIn?: CheckInContext;
  /** sales-touchpoints: the task a message is about. */
  task?: TaskContext;
  /** sales-touchpoints: a digest of tasks for one sales rep. */
  tasks?: TaskContext[];
  /** Filled from COMPANY_NAME and COMPANY_POSTAL_ADDRESS when left out. */
  company?: CompanyContext;
  /** Absent for service messages to staff (case notices, task digests). */
  unsubscribeUrl?: string;
  preferencesUrl?: string;
}

/** The names a template may start a path with; anything else is refused when saved. */
export const CONTEXT_ROOT_NAMES = [
  'customer',
  'account',
  'event',
  'order',
  'extras',
  'promotion',
  'checkIn',
  'task',
  'tasks',
  'company',
  'unsubscribeUrl',
  'preferencesUrl',
] as const satisfies readonly (keyof TemplateContext)[];

export type DateValue = Date | string;

export interface CustomerContext {
  /** The shop's external id. */
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** BCP 47, e.g. `de-DE`; `money` and `date` format in it (en-US when unset). */
  locale: string | null;
  /** IANA zone, e.g. `Europe/Berlin`; `date` shows times in it (UTC when unset). */
  timezone: string | null;
  attributes: Record<string, unknown>;
  ordersCount?: number;
  totalSpent?: number;
  lastOrderAt?: DateValue | null;
  valueTier?: string | null;
  accountId?: string | null;
}

export interface AccountContext {
  id: string;
  name: string;
  ownerEmail: string;
  ownerName: string | null;
  attributes: Record<string, unknown>;
}

export interface EventContext {
  id: string;
  type: string;
  occurredAt: DateValue;
  properties: Record<string, unknown>;
}

export interface OrderItemContext {
  sku: string;
  /** The product's name, or the SKU when the catalogue does not know it. */
  name: string;
  quantity: number;
  unitPrice: number;
  url?: string | null;
}

export interface OrderContext {
  id: string;
  total: number;
  currency: string;
  placedAt?: DateValue | null;
  deliveredAt?: DateValue | null;
  couponCode?: string | null;
  items: OrderItemContext[];
}

export interface ExtraContext {
  sku: string;
  name: string;
  kind: ExtraKind;
  price: number;
  currency: string;
  url: string | null;
}

export interface PromotionContext {
  code: string;
  discountPercent: number;
  expiresAt: DateValue;
}

export interface CheckInContext {
  /** One click: "all good". */
  goodUrl: string;
  /** One click: "I have a problem" (opens a page for a comment). */
  problemUrl: string;
  /** The check-in page itself. */
  url: string;
  /** Set once the customer answered (case notices). */
  answer?: 'good' | 'problem';
  comment?: string | null;
  answeredAt?: DateValue | null;
}

export interface TaskContext {
  title: string;
  dueAt: DateValue;
  url?: string | null;
  accountName?: string | null;
  customerName?: string | null;
  /** The sales rep the task is for (digests, reminders and escalations). */
  assigneeName?: string | null;
  assigneeEmail?: string | null;
  /** Set once done (value summaries). */
  outcome?: string | null;
  notes?: string | null;
  /** What the account got, in the sales rep's words. */
  valueDelivered?: string | null;
  completedAt?: DateValue | null;
}

export interface CompanyContext {
  name: string;
  postalAddress: string;
}

/** A customer as the API returns it (CustomersService.get), as templates see it. */
export function customerContext(view: {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  ordersCount: number;
  totalSpent: number;
  lastOrderAt: Date | null;
  valueTier: string | null;
  accountId: string | null;
}): CustomerContext {
  return {
    id: view.id,
    email: view.email,
    firstName: view.firstName,
    lastName: view.lastName,
    locale: view.locale,
    timezone: view.timezone,
    attributes: view.attributes,
    ordersCount: view.ordersCount,
    totalSpent: view.totalSpent,
    lastOrderAt: view.lastOrderAt,
    valueTier: view.valueTier,
    accountId: view.accountId,
  };
}

/**
 * A complete, realistic context: what previews use when no customer is given and what the
 * tests render every default template with. A fresh object each call, so callers may change it.
 */
export function sampleContext(baseUrl = 'http://localhost:3000'): Required<TemplateContext> {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    customer: {
      id: 'sample-customer',
      email: 'jane.doe@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      locale: 'en-US',
      timezone: 'America/New_York',
      attributes: { loyaltyLevel: 'gold' },
      ordersCount: 4,
      totalSpent: 2384.5,
      lastOrderAt: '2026-05-02T14:12:00Z',
      valueTier: 'high',
      accountId: 'sample-account',
    },
    account: {
      id: 'sample-account',
      name: 'Northwind Traders',
      ownerEmail: 'sam.rivera@example.com',
      ownerName: 'Sam Rivera',
      attributes: { segment: 'mid-market' },
    },
    event: {
      id: 'sample-event',
      type: 'order.delivered',
      occurredAt: '2026-05-04T16:30:00Z',
      properties: { orderId: 'SO-10428' },
    },
    order: {
      id: 'SO-10428',
      total: 1548.99,
      currency: 'USD',
      placedAt: '2026-05-02T14:12:00Z',
      deliveredAt: '2026-05-04T16:30:00Z',
      couponCode: null,
      items: [
        {
          sku: 'LAPTOP-14-PRO',
          name: 'Aero 14 Pro laptop',
          quantity: 1,
          unitPrice: 1499,
          url: 'https://shop.example.com/p/laptop-14-pro',
        },
        {
          sku: 'USB-C-HUB',
          name: 'USB-C travel hub',
          quantity: 1,
          unitPrice: 49.99,
          url: 'https://shop.example.com/p/usb-c-hub',
        },
      ],
    },
    extras: [
      {
        sku: 'SLEEVE-14',
        name: 'Felt sleeve for 14" laptops',
        kind: 'accessory',
        price: 39,
        currency: 'USD',
        url: 'https://shop.example.com/p/sleeve-14',
      },
      {
        sku: 'CARE-3Y',
        name: '3-year accident protection',
        kind: 'warranty',
        price: 149,
        currency: 'USD',
        url: 'https://shop.example.com/p/care-3y',
      },
    ],
    promotion: {
      code: 'JANE-15-7KQ2',
      discountPercent: 15,
      expiresAt: '2026-05-31T23:59:59Z',
    },
    checkIn: {
      goodUrl: `${base}/c/sample-token?answer=good`,
      problemUrl: `${base}/c/sample-token?answer=problem`,
      url: `${base}/c/sample-token`,
      answer: 'problem',
      comment: 'The hub gets very hot after a few minutes.\nIs that normal?',
      answeredAt: '2026-05-07T09:05:00Z',
    },
    task: {
      title: 'Quarterly value review with Northwind Traders',
      dueAt: '2026-05-15T15:00:00Z',
      url: `${base}/v1/tasks/sample-task`,
      accountName: 'Northwind Traders',
      customerName: 'Jane Doe',
      outcome: 'completed',
      notes: 'Walked through the new reporting features with the finance team.',
      valueDelivered: 'Order processing time down from 3 days to 1 since January.',
      completedAt: '2026-05-14T16:20:00Z',
    },
    tasks: [
      {
        title: 'Quarterly value review',
        dueAt: '2026-05-15T15:00:00Z',
        url: `${base}/v1/tasks/sample-task`,
        accountName: 'Northwind Traders',
        customerName: 'Jane Doe',
        assigneeName: 'Sam Rivera',
        assigneeEmail: 'sam.rivera@example.com',
      },
      {
        title: 'Call about the renewal',
        dueAt: '2026-05-18T13:00:00Z',
        url: `${base}/v1/tasks/sample-task-2`,
        accountName: 'Contoso Ltd',
        customerName: 'Ravi Patel',
        assigneeName: 'Sam Rivera',
        assigneeEmail: 'sam.rivera@example.com',
      },
    ],
    company: {
      name: 'Retention Mix Demo Shop',
      postalAddress: '1 Example Street, 00000 Example City',
    },
    unsubscribeUrl: `${base}/u/sample-token`,
    preferencesUrl: `${base}/u/sample-token`,
  };
}
