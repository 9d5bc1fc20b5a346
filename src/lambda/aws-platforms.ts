/**
 * The store platforms' secrets on AWS: a variable wins (config read it), else the field of the
 * stack's one JSON secret that src/platforms/secret-fields.ts names. One loop over the registry,
 * so a new platform adds no line here.
 */
import type { Config } from '../app/config.ts';
import { secretList } from '../app/platform-config.ts';
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import { settingField } from '../platforms/secret-fields.ts';
import type { AppSecretSource } from './secrets.ts';

export interface PlatformSecrets {
  readonly platforms: Readonly<Record<string, readonly string[]>>;
  readonly platformSettings: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

async function settingsOf(
  platform: StorePlatform,
  config: Pick<Config, 'platformSettings'>,
  appSecrets: Pick<AppSecretSource, 'platformSecret'>,
): Promise<Record<string, string | undefined>> {
  const settings = { ...config.platformSettings[platform.name] };
  for (const setting of platform.settings) {
    if (!setting.secret || settings[setting.variable] !== undefined) continue;
    const field = { field: settingField(setting.variable), variable: setting.variable };
    settings[setting.variable] = await appSecrets.platformSecret(field);
  }
  return settings;
}

export async function platformSecretsOnAws(
  config: Pick<Config, 'platformSecrets' | 'platformSettings'>,
  appSecrets: Pick<AppSecretSource, 'platformSecret'>,
  platforms: readonly StorePlatform[] = PLATFORMS,
): Promise<PlatformSecrets> {
  const read = await Promise.all(
    platforms.map(async (platform) => {
      const given = config.platformSecrets[platform.name] ?? [];
      const secrets =
        given.length > 0
          ? given
          : secretList(
              await appSecrets.platformSecret({
                field: platform.name,
                variable: platform.secretVariable,
              }),
            );
      return [platform.name, secrets, await settingsOf(platform, config, appSecrets)] as const;
    }),
  );
  return {
    platforms: Object.fromEntries(read.map(([name, secrets]) => [name, secrets])),
    platformSettings: Object.fromEntries(read.map(([name, , settings]) => [name, settings])),
  };
}
