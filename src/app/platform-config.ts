/**
 * Each registered store platform's configuration (src/platforms/registry.ts): its webhook secrets
 * from its `secretVariable` (comma-separated values are several secrets, so a rotation lists the
 * old and the new) and the values of its `settings`. One loop, so a new platform adds no line
 * here.
 */
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';

export interface PlatformConfig {
  /** By platform name; empty: the platform's route answers 404. */
  readonly platformSecrets: Readonly<Record<string, readonly string[]>>;
  /** By platform name, then by variable; undefined when not set. */
  readonly platformSettings: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

/** A comma-separated secret variable as its secrets, each trimmed, blanks dropped. */
export function secretList(value: string | undefined): readonly string[] {
  return (value ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
}

export function parsePlatformConfig(
  get: (name: string) => string | undefined,
  platforms: readonly StorePlatform[] = PLATFORMS,
): PlatformConfig {
  const platformSecrets: Record<string, readonly string[]> = {};
  const platformSettings: Record<string, Record<string, string | undefined>> = {};
  for (const platform of platforms) {
    platformSecrets[platform.name] = secretList(get(platform.secretVariable));
    platformSettings[platform.name] = Object.fromEntries(
      platform.settings.map((setting) => [setting.variable, get(setting.variable)]),
    );
  }
  return { platformSecrets, platformSettings };
}
