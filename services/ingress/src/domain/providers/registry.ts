// A fixed set of providers, looked up by source key. Ingress itself serves the live SourceCatalog; this static
// registry of the built-in acme and globex sources is what in-process tests of the intake use.
import type { Config } from '@hookway/config';
import { secretHeaderNames } from '../header-snapshot.js';
import { builtinSecrets, ACME_SOURCE, GLOBEX_SOURCE } from '../sources/builtin-sources.js';
import { compileSource } from '../sources/compile-source.js';
import type { ProviderLookup, WebhookProvider } from './provider.js';

export class ProviderRegistry implements ProviderLookup {
  private readonly byName: ReadonlyMap<string, WebhookProvider>;
  private readonly secret: ReadonlySet<string>;

  constructor(providers: readonly WebhookProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
    this.secret = secretHeaderNames(providers.flatMap((provider) => provider.secretHeaders));
  }

  get(name: string): WebhookProvider | undefined {
    return this.byName.get(name);
  }

  secretHeaders(): ReadonlySet<string> {
    return this.secret;
  }
}

/** acme and globex with their configured secrets. */
export function builtinProviders(config: Pick<Config, 'acmeWebhookSecret' | 'globexWebhookToken'>): WebhookProvider[] {
  const secrets = builtinSecrets(config);
  return [ACME_SOURCE, GLOBEX_SOURCE].map((source) => compileSource(source, { current: secrets.get(source.key)! }));
}

export function createProviderRegistry(config: Pick<Config, 'acmeWebhookSecret' | 'globexWebhookToken'>): ProviderRegistry {
  return new ProviderRegistry(builtinProviders(config));
}
