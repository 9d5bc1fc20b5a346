/**
 * What a month costs on AWS, line by line, from usage counts and a dated price table. Money is
 * computed exactly: prices are parsed into integer picodollars and each line is rounded once,
 * to whole micro-dollars, so the lines add up to the total to the last digit. The usage comes
 * from a real month's counts or from an estimate (cost-estimate.ts).
 */
import type { PricePoint, PriceTable } from './aws-prices.ts';

export interface UsageCounts {
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  /**
   * GB-seconds of cold starts' INIT phase: AWS bills it like duration since August 2025 (managed
   * runtimes, zip packages), so a cold start costs its module init on top of the invocation.
   */
  readonly lambdaInitGbSeconds: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  /** Average GB held in the tables over the month. */
  readonly storageGb: number;
  readonly schedulerInvocations: number;
  readonly emailsSent: number;
  /** GB of logs written this month; also charged one month of storage. */
  readonly logGb: number;
  readonly recoveredOrders: number;
}

export const AwsService = {
  lambda: 'Lambda',
  dynamodb: 'DynamoDB',
  scheduler: 'EventBridge Scheduler',
  ses: 'SES',
  logs: 'CloudWatch Logs',
  secrets: 'Secrets Manager',
  alarms: 'CloudWatch alarms',
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

export interface CostLine {
  readonly service: AwsService;
  readonly item: string;
  /** Used this month, in `unit`s. */
  readonly quantity: number;
  readonly unit: string;
  /** Dollars per `per` units, as in the price table. */
  readonly unitPrice: string;
  readonly per: number;
  /** Part of `quantity` covered by the free tier (0 without it). */
  readonly freeQuantity: number;
  readonly costMicros: number;
  /** Dollars, 4 decimals. */
  readonly cost: string;
}

export interface CostBreakdown {
  readonly region: string;
  readonly pricesAsKnownOn: string;
  readonly freeTier: boolean;
  readonly lines: readonly CostLine[];
  readonly totalMicros: number;
  readonly total: string;
  readonly recoveredOrders: number;
  /** null when nothing was recovered: a cost per zero orders is not a number. */
  readonly costPerRecoveredOrder: string | null;
  /** The stack's own monthly lines, whatever the volume (secrets, alarms, backups): apart. */
  readonly fixedLines: readonly CostLine[];
  readonly fixedTotalMicros: number;
  readonly fixedTotal: string;
}

/** What the deployed stack holds that costs by the month (infra/secrets.ts, infra/alarms.ts). */
export interface StackShape {
  /** One JSON secret holds the webhook, link, owner, Shopify and Google values. */
  readonly secrets: number;
  /** Metrics the stack's alarms read: CloudWatch bills each one. */
  readonly alarmMetrics: number;
}

/** infra/operations.test.ts counts both in the synthesized stack and fails when they differ. */
export const DEFAULT_STACK: StackShape = { secrets: 1, alarmMetrics: 9 };

const PICO_PER_DOLLAR = 1_000_000_000_000n;
const MICRO_PER_UNIT = 1_000_000n;

/** "0.0000133334" dollars -> 13_333_400n picodollars, without a float. */
export function dollarsToPico(usd: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(usd);
  if (!match) throw new RangeError(`price "${usd}" is not a decimal dollar amount`);
  return BigInt(match[1] ?? '0') * PICO_PER_DOLLAR + BigInt((match[2] ?? '').padEnd(12, '0'));
}

/** Quantities may be fractional (GB-seconds); a millionth of a unit is far below any price. */
function toMicroUnits(quantity: number): bigint {
  if (!(quantity >= 0) || !Number.isFinite(quantity)) {
    throw new RangeError(`usage quantity ${quantity} is not a non-negative number`);
  }
  return Number.isInteger(quantity)
    ? BigInt(quantity) * MICRO_PER_UNIT
    : BigInt(Math.round(quantity * 1e6));
}

/** Micro-dollars for `quantity` units at `price`, rounded half up once. */
export function lineCostMicros(quantity: number, price: PricePoint): number {
  const numerator = toMicroUnits(quantity) * dollarsToPico(price.usd);
  // micro-units x picodollars = 1e-18 dollar-units; a micro-dollar is 1e12 of those per unit.
  const denominator = BigInt(price.per) * MICRO_PER_UNIT * 1_000_000n;
  return Number((numerator + denominator / 2n) / denominator);
}

/** 143249 micro-dollars -> "0.1432" (4 decimals, half up). */
export function formatDollars(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const tenThousandths = Math.floor((Math.abs(micros) + 50) / 100);
  const whole = Math.floor(tenThousandths / 10_000);
  return `${sign}${whole}.${String(tenThousandths % 10_000).padStart(4, '0')}`;
}

interface LineSpec {
  readonly service: AwsService;
  readonly item: string;
  readonly quantity: number;
  readonly price: PricePoint;
  readonly free: number;
}

function line(spec: LineSpec): CostLine {
  const freeQuantity = Math.min(spec.quantity, Math.max(0, spec.free));
  const costMicros = lineCostMicros(spec.quantity - freeQuantity, spec.price);
  return {
    service: spec.service,
    item: spec.item,
    quantity: spec.quantity,
    unit: spec.price.unit,
    unitPrice: spec.price.usd,
    per: spec.price.per,
    freeQuantity,
    costMicros,
    cost: formatDollars(costMicros),
  };
}

type Row = readonly [AwsService, string, number, PricePoint, number | undefined];

function lineSpecs(u: UsageCounts, p: PriceTable, freeTier: boolean): LineSpec[] {
  const f = freeTier ? (p.freeTier ?? {}) : {};
  // CloudWatch's 5 GB allowance covers ingestion and storage together: ingestion uses it first.
  const logsFree = f.logsGb ?? 0;
  const { lambda, dynamodb: ddb, scheduler, ses, cloudwatchLogs: logs } = p;
  const S = AwsService;
  const rows: Row[] = [
    [S.lambda, 'requests', u.lambdaInvocations, lambda.requests, f.lambdaRequests],
    [S.lambda, 'compute (arm64)', u.lambdaGbSeconds, lambda.gbSecondsArm64, f.lambdaGbSeconds],
    // One free allowance of GB-seconds covers duration and INIT together: duration uses it first.
    [
      S.lambda,
      'cold-start INIT (arm64)',
      u.lambdaInitGbSeconds,
      lambda.gbSecondsArm64,
      Math.max(0, (f.lambdaGbSeconds ?? 0) - u.lambdaGbSeconds),
    ],
    [S.dynamodb, 'writes (on-demand)', u.dynamoWrites, ddb.writeRequestUnits, 0],
    [S.dynamodb, 'reads (on-demand)', u.dynamoReads, ddb.readRequestUnits, 0],
    [S.dynamodb, 'storage', u.storageGb, ddb.storageGbMonth, f.dynamodbStorageGb],
    [
      S.scheduler,
      'wake-ups',
      u.schedulerInvocations,
      scheduler.invocations,
      f.schedulerInvocations,
    ],
    [S.ses, 'reminder emails', u.emailsSent, ses.outboundEmails, f.sesEmails],
    [S.logs, 'ingestion', u.logGb, logs.ingestedGb, logsFree],
    [S.logs, 'storage', u.logGb, logs.storedGbMonth, Math.max(0, logsFree - u.logGb)],
  ];
  return rows.map(([service, item, quantity, price, free]) => ({
    service,
    item,
    quantity,
    price,
    free: free ?? 0,
  }));
}

function fixedSpecs(
  u: UsageCounts,
  p: PriceTable,
  stack: StackShape,
  freeTier: boolean,
): LineSpec[] {
  const f = freeTier ? (p.freeTier ?? {}) : {};
  return [
    {
      service: AwsService.secrets,
      item: 'secrets',
      quantity: stack.secrets,
      price: p.fixed.secretMonth,
      free: 0,
    },
    {
      service: AwsService.alarms,
      item: 'alarm metrics',
      quantity: stack.alarmMetrics,
      price: p.fixed.alarmMetricMonth,
      free: f.alarmMetrics ?? 0,
    },
    // Point-in-time recovery is on for every table; it is billed on the tables' size.
    {
      service: AwsService.dynamodb,
      item: 'point-in-time recovery',
      quantity: u.storageGb,
      price: p.fixed.pitrGbMonth,
      free: 0,
    },
  ];
}

export function costForMonth(
  counts: UsageCounts,
  prices: PriceTable,
  opts: { readonly freeTier: boolean; readonly stack?: StackShape },
): CostBreakdown {
  const lines = lineSpecs(counts, prices, opts.freeTier).map(line);
  const totalMicros = lines.reduce((sum, l) => sum + l.costMicros, 0);
  const fixedLines = fixedSpecs(counts, prices, opts.stack ?? DEFAULT_STACK, opts.freeTier).map(
    line,
  );
  const fixedTotalMicros = fixedLines.reduce((sum, l) => sum + l.costMicros, 0);
  const orders = counts.recoveredOrders;
  return {
    fixedLines,
    fixedTotalMicros,
    fixedTotal: formatDollars(fixedTotalMicros),
    region: prices.region,
    pricesAsKnownOn: prices.asKnownOn,
    freeTier: opts.freeTier,
    lines,
    totalMicros,
    total: formatDollars(totalMicros),
    recoveredOrders: orders,
    costPerRecoveredOrder: orders > 0 ? formatDollars(Math.round(totalMicros / orders)) : null,
  };
}
