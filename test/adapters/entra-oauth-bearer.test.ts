// kafkajs' OAUTHBEARER provider for Azure Event Hubs, fed by a real @azure/identity credential:
// ManagedIdentityCredential as it runs on the Function App, talking the App Service managed
// identity protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER) to a local endpoint that plays the
// platform's token service.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManagedIdentityCredential } from '@azure/identity';
import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraOAuthBearerProvider, eventHubsKafkaScope } from '../../adapters/kafka/index.js';

const NAMESPACE_HOST = 'evhns-dtq-test.servicebus.windows.net';
const IDENTITY_HEADER = 'identity-header-for-the-test';

let server: Server;
const requests: { resource: string | null; header: string | undefined }[] = [];
const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ resource: url.searchParams.get('resource'), header: request.headers['x-identity-header'] as string | undefined });
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        access_token: `token-${requests.length}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get('resource'),
        token_type: 'Bearer',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}/msi/token`;
  process.env.IDENTITY_HEADER = IDENTITY_HEADER;
});
afterAll(async () => {
  for (const [name, value] of [['IDENTITY_ENDPOINT', saved.endpoint], ['IDENTITY_HEADER', saved.header]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await new Promise((resolve) => server.close(resolve));
});

describe('eventHubsKafkaScope', () => {
  it('is the namespace host of the first broker with /.default', () => {
    expect(eventHubsKafkaScope([`${NAMESPACE_HOST}:9093`])).toBe(`https://${NAMESPACE_HOST}/.default`);
    expect(() => eventHubsKafkaScope([''])).toThrow(/KAFKA_BROKERS/);
  });
});

describe('entraOAuthBearerProvider with ManagedIdentityCredential', () => {
  it("answers kafkajs' provider shape with the identity's token for the namespace, asked for once while it is fresh", async () => {
    const provider = entraOAuthBearerProvider({ credential: new ManagedIdentityCredential(), scope: eventHubsKafkaScope([`${NAMESPACE_HOST}:9093`]) });
    // The shape kafkajs takes (a type error here would mean the provider does not fit).
    new Kafka({ brokers: [`${NAMESPACE_HOST}:9093`], ssl: true, sasl: { mechanism: 'oauthbearer', oauthBearerProvider: provider } });

    const [first, second] = await Promise.all([provider(), provider()]);
    expect(first).toEqual({ value: 'token-1' });
    expect(second).toEqual({ value: 'token-1' });
    expect(await provider()).toEqual({ value: 'token-1' });
    expect(requests).toEqual([{ resource: `https://${NAMESPACE_HOST}`, header: IDENTITY_HEADER }]);
  });

  it('asks for a new token once the one it has is within refreshBeforeMs of expiring', async () => {
    // A credential that counts its calls (MSAL caches tokens across instances, so the real one
    // above would hide whether the provider asked again).
    let asked = 0;
    const counting = entraOAuthBearerProvider({
      credential: { getToken: async () => ((asked += 1), { token: `t${asked}`, expiresOnTimestamp: Date.now() + 3600_000 }) },
      scope: 'https://x/.default',
      refreshBeforeMs: 2 * 3600_000,
    });
    expect(await counting()).toEqual({ value: 't1' });
    expect(await counting()).toEqual({ value: 't2' });
  });
});
