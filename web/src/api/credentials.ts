import { SIGN_IN, accessToken } from '../sign-in/msal-sign-in.js';
import { getApiKey } from './api-key.js';

/**
 * The headers that say who calls: with sign-in configured, an Entra ID access token for dtq's
 * API (Authorization: Bearer); without, the API key the person entered, if any.
 */
export async function credentialHeaders(): Promise<Record<string, string>> {
  if (SIGN_IN) return { authorization: `Bearer ${await accessToken(SIGN_IN)}` };
  const apiKey = getApiKey();
  // x-api-key for the fallback host, x-functions-key for the Azure Functions host's own check.
  return apiKey ? { 'x-api-key': apiKey, 'x-functions-key': apiKey } : {};
}
