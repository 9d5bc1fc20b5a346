/** Placeholder so the CDK stack can bundle; the real entry point replaces this body. */
export async function handler(_event: unknown): Promise<never> {
  throw new Error('not wired yet: nightly-export');
}
