// The providers ingress accepts. Supporting a new one means writing its module and listing it here.
import type { Config } from '@hookway/config';
import { createAcmeProvider } from './acme.provider.js';
import { createGlobexProvider } from './globex.provider.js';
import type { WebhookProvider } from './provider.js';

export class ProviderRegistry {
  private readonly byName: ReadonlyMap<string, WebhookProvider>;

  constructor(providers: readonly WebhookProvider[]) {
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
  }

  get(name: string): WebhookProvider | undefined {
    return this.byName.get(name);
  }

  /** Every header any provider uses as a credential (a token sent to the wrong route is still a secret). */
  secretHeaders(): string[] {
    return [...this.byName.values()].flatMap((provider) => provider.secretHeaders);
  }
}

export function createProviderRegistry(config: Pick<Config, 'acmeWebhookSecret' | 'globexWebhookToken'>): ProviderRegistry {
  return new ProviderRegistry([
    createAcmeProvider(config.acmeWebhookSecret),
    createGlobexProvider(config.globexWebhookToken),
  ]);
}
