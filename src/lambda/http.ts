/**
 * The HTTP app behind the Lambda Function URL (payload format 2.0): webhooks, shopper links, the
 * owner API and pages. The app is built once per container, on the first request, because the
 * base of links is the Function URL that request came in on (unless CR_PUBLIC_URL names one).
 */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { type Env, memo, publicUrlFor } from './aws-env.ts';
import { type AwsRuntime, createAwsRuntime } from './aws-runtime.ts';

export type RuntimeFor = (publicUrl: string | undefined) => AwsRuntime;
type Handle = ReturnType<typeof handle>;

/** The handler over any way of building the runtime; `handler` below is the deployed one. */
export function createHttpHandler(runtimeFor: RuntimeFor, env: Env = process.env) {
  let first: string | undefined;
  const handler = memo(async (): Promise<Handle> => handle(await runtimeFor(first).app()));
  // A Function URL sends API Gateway payload v2 (`version: "2.0"`), one of hono's LambdaEvents.
  return async (event: LambdaEvent, context?: LambdaContext) => {
    first ??= publicUrlFor(env, event as { requestContext?: { domainName?: string } });
    return (await handler())(event, context);
  };
}

export const handler = createHttpHandler((publicUrl) =>
  createAwsRuntime(process.env, publicUrl === undefined ? {} : { publicUrl }),
);
