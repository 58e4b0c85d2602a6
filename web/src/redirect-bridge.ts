// MSAL's redirect bridge (web/redirect.html, the redirect URI of the web UI's app registration):
// Entra ID returns here, and the bridge hands the response to the page that started the sign-in
// (learn.microsoft.com/entra/msal/javascript/browser/redirect-bridge).
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

broadcastResponseToMainFrame().catch((error: unknown) => {
  const message = document.getElementById('message');
  if (message) message.textContent = `Sign-in could not be completed: ${error instanceof Error ? error.message : String(error)}`;
});
