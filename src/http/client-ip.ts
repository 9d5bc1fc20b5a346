/**
 * Who is calling: the connection's peer, or the client a trusted proxy forwarded for
 * (CR_TRUST_PROXY). Read by the snippet lane's and the owner sign-in's rate limits.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { type Cidr, forwardedClient } from '../domain/client-address.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** CR_TRUST_PROXY: set on every request by the app (trustProxies), read by clientIp. */
    trustedProxies: readonly Cidr[];
  }
}

/** Middleware the app runs first: tells clientIp which proxies' X-Forwarded-For to believe. */
export function trustProxies(trusted: readonly Cidr[]): MiddlewareHandler {
  return async (c, next) => {
    c.set('trustedProxies', trusted);
    await next();
  };
}

/**
 * The caller's address: the connection's peer (Node socket, or the Lambda Function URL's source
 * address), or, when that peer is a proxy named in CR_TRUST_PROXY, the client it forwarded for.
 * Canonical text (IPv4-mapped IPv6 as IPv4); 'unknown' when the runtime gives no address.
 */
export function clientIp(c: Context): string {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestContext?: { http?: { sourceIp?: string } };
      }
    | undefined;
  const peer =
    env?.incoming?.socket?.remoteAddress ?? env?.requestContext?.http?.sourceIp ?? 'unknown';
  const trusted: readonly Cidr[] = c.get('trustedProxies') ?? [];
  return forwardedClient(peer, c.req.header('x-forwarded-for'), trusted);
}
