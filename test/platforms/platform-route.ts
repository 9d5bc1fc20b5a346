/**
 * A full local runtime (test/support/runtime.ts) to post platform webhooks to, through the
 * composed app's generic platform route, with the JSON answer read back.
 */
import { openTestRuntime } from '../support/runtime.ts';

export type TestRuntime = ReturnType<typeof openTestRuntime>;

export function openPlatformRuntime(env: Record<string, string>, start: number) {
  const rt = openTestRuntime(env, start);
  async function deliver(path: string, body: string, headers: Record<string, string>) {
    const res = await rt.app.request(path, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  return { rt, deliver };
}
