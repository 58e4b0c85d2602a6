import type { AccessToken, TokenCredential } from '@azure/identity';

/** What kafkajs' `sasl: { mechanism: 'oauthbearer', oauthBearerProvider }` calls on every (re)authentication. */
export type OAuthBearerProvider = () => Promise<{ value: string }>;

/**
 * The Entra scope of an Event Hubs namespace's Kafka endpoint: Kafka clients ask for a token for
 * the resource https://<namespace>.servicebus.windows.net (Event Hubs' "Authorize access with
 * Microsoft Entra ID" page), so the scope is that with /.default. Taken from the first broker.
 */
export function eventHubsKafkaScope(brokers: readonly string[]): string {
  const host = brokers[0]?.trim().replace(/:\d+$/, '');
  if (!host) throw new Error('KAFKA_BROKERS names no broker to take the Entra token scope from');
  return `https://${host}/.default`;
}

/**
 * Tokens from an @azure/identity credential (managed identity on the Function App, workload
 * identity on AKS, DefaultAzureCredential picks the one present) for kafkajs' OAUTHBEARER.
 * A token is reused until `refreshBeforeMs` before it expires; concurrent connections that need
 * one share a single request.
 */
export function entraOAuthBearerProvider(options: { credential: TokenCredential; scope: string; refreshBeforeMs?: number; now?: () => number }): OAuthBearerProvider {
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  return async () => {
    if (current && current.expiresOnTimestamp - refreshBeforeMs > now()) return { value: current.token };
    pending ??= options.credential
      .getToken(options.scope)
      .then((token) => {
        if (!token) throw new Error(`no Entra token for ${options.scope}`);
        current = token;
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return { value: (await pending).token };
  };
}
