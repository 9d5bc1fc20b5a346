/**
 * A dated AWS price table for us-east-1, for the monthly cost lines and `cart-recovery cost`.
 *
 * Figures as known on 2026-11-23, taken from the public list prices on these pages:
 *   - AWS Lambda pricing                      https://aws.amazon.com/lambda/pricing/
 *   - Amazon DynamoDB on-demand pricing       https://aws.amazon.com/dynamodb/pricing/on-demand/
 *   - Amazon EventBridge pricing (Scheduler)  https://aws.amazon.com/eventbridge/pricing/
 *   - Amazon SES pricing                      https://aws.amazon.com/ses/pricing/
 *   - Amazon CloudWatch pricing               https://aws.amazon.com/cloudwatch/pricing/
 * Prices change (DynamoDB on-demand halved in November 2024). Check these figures against the
 * pages before relying on them; the date travels with every estimate so a stale table shows.
 *
 * Prices are decimal strings in US dollars so they reach the cost arithmetic without a float.
 * Only the first tier of tiered prices is listed: a small store never leaves it.
 */

export interface PricePoint {
  /** Dollars per `per` units, as a decimal string. */
  readonly usd: string;
  readonly per: number;
  /** Singular unit name: "request", "GB-second". */
  readonly unit: string;
}

export interface PriceTable {
  readonly region: string;
  /** YYYY-MM-DD the figures were taken. */
  readonly asKnownOn: string;
  readonly sources: readonly { readonly name: string; readonly url: string }[];
  readonly lambda: { readonly requests: PricePoint; readonly gbSecondsArm64: PricePoint };
  readonly dynamodb: {
    readonly writeRequestUnits: PricePoint;
    readonly readRequestUnits: PricePoint;
    readonly storageGbMonth: PricePoint;
  };
  readonly scheduler: { readonly invocations: PricePoint };
  readonly ses: { readonly outboundEmails: PricePoint };
  readonly cloudwatchLogs: { readonly ingestedGb: PricePoint; readonly storedGbMonth: PricePoint };
  /** The stack's fixed monthly lines: whatever the volume, they are there. */
  readonly fixed: {
    readonly secretMonth: PricePoint;
    readonly alarmMetricMonth: PricePoint;
    /** DynamoDB continuous backups (point-in-time recovery), per GB of table data. */
    readonly pitrGbMonth: PricePoint;
  };
  /** Monthly free allowances; applied only when asked (new accounts, or the always-free ones). */
  readonly freeTier?: FreeTier;
}

export interface FreeTier {
  /** Always free: 1M requests and 400,000 GB-seconds a month (x86 and arm64 together). */
  readonly lambdaRequests?: number;
  readonly lambdaGbSeconds?: number;
  /** Always free: 25 GB-month of table storage (the 25 WCU/RCU apply to provisioned mode only). */
  readonly dynamodbStorageGb?: number;
  /** Always free: 14 million scheduled invocations a month. */
  readonly schedulerInvocations?: number;
  /** First 12 months only: 3,000 message charges a month. */
  readonly sesEmails?: number;
  /** Always free: 5 GB a month of log ingestion and storage together. */
  readonly logsGb?: number;
  /** Always free: 10 alarm metrics a month. */
  readonly alarmMetrics?: number;
}

const MILLION = 1_000_000;

export const AWS_PRICES_US_EAST_1: PriceTable = {
  region: 'us-east-1',
  asKnownOn: '2026-11-23',
  sources: [
    { name: 'AWS Lambda pricing', url: 'https://aws.amazon.com/lambda/pricing/' },
    {
      name: 'Amazon DynamoDB on-demand pricing',
      url: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    },
    {
      name: 'Amazon EventBridge pricing (Scheduler)',
      url: 'https://aws.amazon.com/eventbridge/pricing/',
    },
    { name: 'Amazon SES pricing', url: 'https://aws.amazon.com/ses/pricing/' },
    { name: 'Amazon CloudWatch pricing', url: 'https://aws.amazon.com/cloudwatch/pricing/' },
    { name: 'AWS Secrets Manager pricing', url: 'https://aws.amazon.com/secrets-manager/pricing/' },
  ],
  lambda: {
    requests: { usd: '0.20', per: MILLION, unit: 'request' },
    // arm64 (Graviton), first 7.5 billion GB-seconds a month.
    gbSecondsArm64: { usd: '0.0000133334', per: 1, unit: 'GB-second' },
  },
  dynamodb: {
    writeRequestUnits: { usd: '0.625', per: MILLION, unit: 'write request unit' },
    readRequestUnits: { usd: '0.125', per: MILLION, unit: 'read request unit' },
    storageGbMonth: { usd: '0.25', per: 1, unit: 'GB-month' },
  },
  scheduler: { invocations: { usd: '1.00', per: MILLION, unit: 'invocation' } },
  ses: { outboundEmails: { usd: '0.10', per: 1000, unit: 'email' } },
  cloudwatchLogs: {
    ingestedGb: { usd: '0.50', per: 1, unit: 'GB ingested' },
    storedGbMonth: { usd: '0.03', per: 1, unit: 'GB-month stored' },
  },
  fixed: {
    secretMonth: { usd: '0.40', per: 1, unit: 'secret-month' },
    alarmMetricMonth: { usd: '0.10', per: 1, unit: 'alarm metric-month' },
    pitrGbMonth: { usd: '0.20', per: 1, unit: 'GB-month' },
  },
  freeTier: {
    lambdaRequests: 1_000_000,
    lambdaGbSeconds: 400_000,
    dynamodbStorageGb: 25,
    schedulerInvocations: 14_000_000,
    sesEmails: 3_000,
    logsGb: 5,
    alarmMetrics: 10,
  },
};
