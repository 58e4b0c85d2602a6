#!/usr/bin/env bash
# Deploys dtq to Azure, from an empty subscription to working URLs, and again after any change:
#   1. provisions everything with Bicep (bicep/main.bicep + bicep/main.<env>.bicepparam)
#   2. takes the worker image CI pushed (--worker-image <registry>/dtq-worker@sha256:...), or builds
#      it in Azure Container Registry (az acr build: no local Docker), and deploys it by digest
#   3. applies the Kubernetes manifests (kubectl apply -k k8s/overlays/<env>)
#   4. publishes the Function App (zip of the server build with production dependencies)
#   5. builds the web UI against the API URL and deploys it to the Static Web App
#   6. imports the Grafana dashboard (optional: a failure is reported and changes nothing above)
# --provision-only stops after 1; --skip-provision starts at 2 from the last deployment's outputs
# (CI runs the two halves with the image push between them). Every step is idempotent.
# --dry-run prints every command and runs none of them.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy.sh --env dev|prod [--dry-run] [--location <region>]
                         [--resource-group <name>] [--image-tag <tag>]
                         [--worker-image <registry>/dtq-worker@sha256:<digest>]
                         [--provision-only | --skip-provision]

  --env             which bicep/main.<env>.bicepparam and k8s/overlays/<env> to deploy (required)
  --dry-run         print the plan (every command, in order) without running anything
  --location        Azure region of a new resource group (default: $DTQ_LOCATION or westeurope)
  --resource-group  default: rg-dtq-<env>
  --image-tag       tag of the image built with az acr build (default: the git commit, e.g. 3f9c2a1b7d0e)
  --worker-image    deploy this image (by digest) instead of building one
  --provision-only  stop after Bicep (CI pushes the image to the new registry next)
  --skip-provision  start from the existing deployment's outputs (no Bicep run)

Environment (all optional): DTQ_ALERT_EMAIL (where alerts are mailed); DTQ_AUTH_CLIENT_ID (the
Entra ID app registration that signs people in to the API and the web UI); DTQ_WEB_CLIENT_ID (a
separate app registration for the web UI, default DTQ_AUTH_CLIENT_ID); DTQ_API_KEYS_SECRET (with
sign-in: the Key Vault secret of API keys services may send instead of a token); DTQ_DEPLOYER_PRINCIPAL_ID (object id
of the deploying identity; default: the oid claim of its Azure token); DTQ_RABBITMQ_PASSWORD (sets
a new RabbitMQ password; default: the first deployment generates one, later ones keep it).
Needs: az (logged in: az login), kubectl and kubelogin (az aks install-cli), node and npm,
zip, swa (npm install -g @azure/static-web-apps-cli).
EOF
}

die() {
  printf 'deploy.sh: %s\n' "$*" >&2
  exit 1
}

ENVIRONMENT=""
DRY_RUN=false
LOCATION="${DTQ_LOCATION:-westeurope}"
RESOURCE_GROUP=""
IMAGE_TAG=""
WORKER_IMAGE=""
PROVISION=true
APPS=true
while [ "$#" -gt 0 ]; do
  case "$1" in
    --env) ENVIRONMENT="${2:-}"; shift 2 || die "--env needs a value: dev or prod" ;;
    --env=*) ENVIRONMENT="${1#*=}"; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    --location) LOCATION="${2:-}"; shift 2 || die "--location needs a value" ;;
    --resource-group) RESOURCE_GROUP="${2:-}"; shift 2 || die "--resource-group needs a value" ;;
    --image-tag) IMAGE_TAG="${2:-}"; shift 2 || die "--image-tag needs a value" ;;
    --worker-image) WORKER_IMAGE="${2:-}"; shift 2 || die "--worker-image needs a value" ;;
    --provision-only) APPS=false; shift ;;
    --skip-provision) PROVISION=false; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
case "$ENVIRONMENT" in
  dev | prod) ;;
  *) usage >&2; die "--env must be dev or prod (got '${ENVIRONMENT}')" ;;
esac
if ! $PROVISION && ! $APPS; then die "--provision-only and --skip-provision leave nothing to do"; fi
# Deployed by digest, so the cluster runs exactly the image that was built and tested.
if [ -n "$WORKER_IMAGE" ] && [[ ! $WORKER_IMAGE =~ ^[a-z0-9.-]+(:[0-9]+)?/dtq-worker@sha256:[0-9a-f]{64}$ ]]; then
  die "--worker-image must name an image by digest, <registry>/dtq-worker@sha256:<64 hex> (got '${WORKER_IMAGE}')"
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
RESOURCE_GROUP="${RESOURCE_GROUP:-rg-dtq-${ENVIRONMENT}}"
DEPLOYMENT_NAME="dtq-main"
NAMESPACE="dtq"
WORK_DIR=".deploy/${ENVIRONMENT}"
if [ -z "$IMAGE_TAG" ]; then
  IMAGE_TAG="$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)"
fi

# The plan goes to fd 3 (the original stdout), so it stays in order even inside $(...).
exec 3>&1
step() { printf '\n== %s\n' "$*" >&3; }
note() { printf '   %s\n' "$*" >&3; }
# Arguments are shell-quoted where needed; dry-run placeholders read <output name>.
quote() {
  if [[ $1 =~ ^[][A-Za-z0-9_@%+=:,./\<\>{}-]+$ ]]; then printf ' %s' "$1"; else printf ' %q' "$1"; fi
}
show() {
  local arg
  printf '+' >&3
  for arg in "$@"; do quote "$arg" >&3; done
  printf '\n' >&3
}
# Prints a command, then runs it unless this is a dry run.
run() {
  show "$@"
  if ! $DRY_RUN; then "$@"; fi
}
# Like run, for commands whose output the script needs: a dry run yields the placeholder.
capture() {
  local placeholder=$1
  shift
  show "$@"
  if $DRY_RUN; then printf '%s' "$placeholder"; else "$@"; fi
}
# Runs a command from another directory.
run_in() {
  local dir=$1 arg
  shift
  printf '+ (cd%s &&' "$(quote "$dir")" >&3
  for arg in "$@"; do quote "$arg" >&3; done
  printf ')\n' >&3
  if ! $DRY_RUN; then (cd "$dir" && "$@"); fi
}
# For steps that can fail while a fresh role assignment propagates (minutes on a new deployment).
try_with_retries() {
  show "$@"
  if $DRY_RUN; then return 0; fi
  local attempt
  for attempt in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    note "attempt ${attempt} failed; retrying in 30 s (role assignments can take minutes to apply)"
    sleep 30
  done
  return 1
}
run_with_retries() {
  try_with_retries "$@" || die "giving up after 5 attempts: $*"
}
# A GitHub Actions OIDC token lives 5 to 10 minutes and the Azure CLI cannot renew a login made
# with one (Azure/azure-cli#28708): a step that asks for a new token audience (kubelogin for AKS,
# az grafana) after a long wait would fail with AADSTS700024. Before such steps this logs in again
# with a fresh OIDC token from the runner. Any other login (a person's az login) renews itself.
fresh_login() {
  if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
    note "Azure login kept (not a GitHub Actions OIDC login; az renews its own tokens)"
    return 0
  fi
  if [ -z "${AZURE_CLIENT_ID:-}" ] || [ -z "${AZURE_TENANT_ID:-}" ]; then
    die "a GitHub Actions OIDC run needs AZURE_CLIENT_ID and AZURE_TENANT_ID in the environment to log in again"
  fi
  show az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token '<fresh-github-oidc-token>'
  if $DRY_RUN; then return 0; fi
  local token
  # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
  token="$(curl -fsS -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange" \
    | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).value ?? ""))')" \
    || die "could not get a fresh OIDC token from the GitHub Actions runner"
  [ -n "$token" ] || die "the GitHub Actions runner returned no OIDC token"
  az login --service-principal --username "$AZURE_CLIENT_ID" --tenant "$AZURE_TENANT_ID" --federated-token "$token" --output none \
    || die "logging in again with a fresh OIDC token failed"
  if [ -n "${AZURE_SUBSCRIPTION_ID:-}" ]; then az account set --subscription "$AZURE_SUBSCRIPTION_ID"; fi
}

step "Checking tools"
install_hint() {
  case "$1" in
    az) printf 'Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli (then: az login)' ;;
    kubectl | kubelogin) printf 'az aks install-cli (installs kubectl and kubelogin)' ;;
    node | npm) printf 'Node.js 22 (20 works too), with npm' ;;
    zip) printf 'apt-get install zip (or: brew install zip)' ;;
    swa) printf 'npm install -g @azure/static-web-apps-cli' ;;
  esac
}
# Provisioning alone (CI's first half) needs only az, node and npm.
if $APPS; then tools=(az kubectl kubelogin node npm zip swa); else tools=(az node npm); fi
missing=()
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  for tool in "${missing[@]}"; do printf 'deploy.sh: %s not found: %s\n' "$tool" "$(install_hint "$tool")" >&2; done
  if $DRY_RUN; then
    note "(dry run: continuing without ${missing[*]})"
  else
    die "install the tools above, then run again"
  fi
else
  note "${tools[*]}: found"
fi
# k8s/overlays use kustomize components the way kustomize v5 (kubectl 1.27+) resolves them.
if $APPS && ! $DRY_RUN && ! kubectl version --client --output=json 2>/dev/null | grep -Eq '"kustomizeVersion": "v([5-9]|[1-9][0-9])\.'; then
  die "kubectl 1.27 or newer is needed (its kustomize v5 builds k8s/overlays): az aks install-cli"
fi
# Production always signs people in: without an app registration the web UI would ask for a pasted
# key and the job routes would take function keys only.
if [ "$ENVIRONMENT" = prod ] && $PROVISION && [ -z "${DTQ_AUTH_CLIENT_ID:-}" ]; then
  die "--env prod needs DTQ_AUTH_CLIENT_ID, the Entra ID app registration people sign in with (docs/deploy.md, Before the first deployment)"
fi
if $DRY_RUN; then note "DRY RUN: nothing below is run"; fi
note "environment ${ENVIRONMENT}, resource group ${RESOURCE_GROUP}, image tag ${IMAGE_TAG}"

step "Local build dependencies and generated monitoring manifests"
run npm ci --no-audit --no-fund
# Bicep loads the rendered alert rules; stale ones would deploy old alerts.
run npx tsx scripts/render-monitoring-manifests.ts --check

step "Azure account"
run az extension add --name amg --upgrade --only-show-errors
note "subscription: $(capture '<subscription>' az account show --query name --output tsv)"
# The deploying identity's object id, without Microsoft Graph (which a deploying service principal
# may not read): the oid claim of its own Azure Resource Manager token, unless given.
jwt_claim() {
  # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
  node -e 'const [, payload] = process.argv[1].split(".");
    process.stdout.write(String(JSON.parse(Buffer.from(payload, "base64url").toString())[process.argv[2]] ?? ""));' "$1" "$2"
}
if [ -n "${DTQ_DEPLOYER_PRINCIPAL_ID:-}" ]; then
  note "deployer object id from DTQ_DEPLOYER_PRINCIPAL_ID"
else
  arm_token="$(capture '<token>' az account get-access-token --resource https://management.azure.com/ --query accessToken --output tsv)"
  if $DRY_RUN; then DTQ_DEPLOYER_PRINCIPAL_ID="<oid claim of the token>"; else DTQ_DEPLOYER_PRINCIPAL_ID="$(jwt_claim "$arm_token" oid)"; fi
  unset arm_token
  [ -n "$DTQ_DEPLOYER_PRINCIPAL_ID" ] || die "the Azure token has no oid claim; set DTQ_DEPLOYER_PRINCIPAL_ID to the deploying identity's object id"
fi
user_type="$(capture 'user' az account show --query user.type --output tsv)"
if [ "$user_type" = "servicePrincipal" ]; then DTQ_DEPLOYER_PRINCIPAL_TYPE="ServicePrincipal"; else DTQ_DEPLOYER_PRINCIPAL_TYPE="User"; fi
export DTQ_DEPLOYER_PRINCIPAL_ID DTQ_DEPLOYER_PRINCIPAL_TYPE
note "deployer: ${DTQ_DEPLOYER_PRINCIPAL_TYPE} ${DTQ_DEPLOYER_PRINCIPAL_ID}"

if $PROVISION; then
  step "Resource group"
  run az group create --name "$RESOURCE_GROUP" --location "$LOCATION" \
    --tags application=dtq "environment=${ENVIRONMENT}" --output none

  step "RabbitMQ password (generated once, kept in Key Vault)"
  # RabbitMQ applies its password on first boot only, so it must never change by accident. The
  # script never reads it back (a deployer new to the vault could not before Bicep grants it the
  # role): when Key Vault already holds it, an empty password tells Bicep to leave it as it is.
  # Finding the secret takes only Azure Resource Manager reads, never the secret's value.
  if [ -n "${DTQ_RABBITMQ_PASSWORD:-}" ]; then
    note "setting the password from DTQ_RABBITMQ_PASSWORD (rotate it in RabbitMQ too: README, Tear down)"
  else
    vault_id="$(capture '' az keyvault list --resource-group "$RESOURCE_GROUP" --query "[?tags.application=='dtq'] | [0].id" --output tsv 2>/dev/null || true)"
    if [ -n "$vault_id" ] && capture '' az resource show --ids "${vault_id}/secrets/rabbitmq-password" --query name --output tsv >/dev/null 2>&1; then
      DTQ_RABBITMQ_PASSWORD=""
      note "Key Vault holds rabbitmq-password: kept as it is"
    elif $DRY_RUN; then
      DTQ_RABBITMQ_PASSWORD=""
      note "first deployment: a new random password (later ones keep it)"
    else
      DTQ_RABBITMQ_PASSWORD="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
      note "first deployment: generated a new random password"
    fi
  fi
  export DTQ_RABBITMQ_PASSWORD
  export DTQ_ALERT_EMAIL="${DTQ_ALERT_EMAIL:-}" DTQ_AUTH_CLIENT_ID="${DTQ_AUTH_CLIENT_ID:-}" DTQ_API_KEYS_SECRET="${DTQ_API_KEYS_SECRET:-}"

  step "Provision with Bicep"
  note "bicep/main.${ENVIRONMENT}.bicepparam reads DTQ_RABBITMQ_PASSWORD (hidden), DTQ_DEPLOYER_PRINCIPAL_ID, DTQ_DEPLOYER_PRINCIPAL_TYPE, DTQ_ALERT_EMAIL, DTQ_AUTH_CLIENT_ID, DTQ_API_KEYS_SECRET"
  run az deployment group create --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
    --template-file bicep/main.bicep --parameters "bicep/main.${ENVIRONMENT}.bicepparam" --output none
  unset DTQ_RABBITMQ_PASSWORD
fi
if ! $APPS; then
  step "Done (provisioned; --provision-only)"
  exit 0
fi

outputs_json="$(capture '{}' az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
  --query properties.outputs --output json)"
# One deployment output; a dry run shows its name instead.
output() {
  if $DRY_RUN; then
    printf '<%s>' "$1"
  else
    # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
    OUTPUTS="$outputs_json" node -e 'const name = process.argv[1]; const o = JSON.parse(process.env.OUTPUTS || "{}")[name];
      if (!o) { console.error("missing Bicep output " + name + " (has the deployment run? drop --skip-provision)"); process.exit(1); }
      process.stdout.write(String(o.value));' "$1"
  fi
}
ACR_NAME="$(output acrName)"
ACR_LOGIN_SERVER="$(output acrLoginServer)"
AKS_NAME="$(output aksName)"
API_URL="$(output apiUrl)"
FUNCTION_APP_NAME="$(output functionAppName)"
STATIC_WEB_APP_NAME="$(output staticWebAppName)"
STATIC_WEB_APP_URL="$(output staticWebAppUrl)"
GRAFANA_NAME="$(output grafanaName)"
GRAFANA_URL="$(output grafanaUrl)"
KEY_VAULT_NAME="$(output keyVaultName)"
KAFKA_ENDPOINT="$(output eventHubsKafkaEndpoint)"
# Sign-in for the web UI (all empty without an app registration: the UI then asks for a key).
SIGN_IN_CLIENT_ID="$(output signInClientId)"
SIGN_IN_AUTHORITY="$(output signInAuthority)"
SIGN_IN_SCOPE="$(output signInScope)"
if [ -n "$SIGN_IN_CLIENT_ID" ] && [ -n "${DTQ_WEB_CLIENT_ID:-}" ]; then SIGN_IN_CLIENT_ID="$DTQ_WEB_CLIENT_ID"; fi
if [ "$ENVIRONMENT" = prod ] && [ -z "$SIGN_IN_CLIENT_ID" ]; then
  die "the prod deployment has no sign-in (output signInClientId is empty): provision again with DTQ_AUTH_CLIENT_ID set"
fi

# The API runs on Functions; the fallback host's image (dtq-api) is for running it elsewhere.
if [ -n "$WORKER_IMAGE" ]; then
  step "Worker image: ${WORKER_IMAGE} (built by CI)"
else
  step "Build the worker image in the registry (az acr build), and take its digest"
  run az acr build --registry "$ACR_NAME" --image "dtq-worker:${IMAGE_TAG}" --file worker-container/Dockerfile .
  worker_digest="$(capture '<dtq-worker digest>' az acr repository show --name "$ACR_NAME" --image "dtq-worker:${IMAGE_TAG}" --query digest --output tsv)"
  WORKER_IMAGE="${ACR_LOGIN_SERVER}/dtq-worker@${worker_digest}"
fi

step "Apply the Kubernetes manifests"
run mkdir -p "$WORK_DIR"
export KUBECONFIG="${REPO_ROOT}/${WORK_DIR}/kubeconfig"
# The image build can take long enough for the login's OIDC token to have expired.
fresh_login
run az aks get-credentials --resource-group "$RESOURCE_GROUP" --name "$AKS_NAME" --file "$KUBECONFIG" --overwrite-existing
# Entra ID clusters: let kubectl use the az login.
run kubelogin convert-kubeconfig --login azurecli --kubeconfig "$KUBECONFIG"
azure_env="k8s/overlays/${ENVIRONMENT}/azure.env"
azure_values="$(cat <<EOF
WORKER_IMAGE=${WORKER_IMAGE}
EVENTHUBS_KAFKA_ENDPOINT=${KAFKA_ENDPOINT}
KEY_VAULT_NAME=${KEY_VAULT_NAME}
AZURE_TENANT_ID=$(output tenantId)
WORKER_IDENTITY_CLIENT_ID=$(output workerIdentityClientId)
RABBITMQ_IDENTITY_CLIENT_ID=$(output rabbitmqIdentityClientId)
RABBITMQ_PRIVATE_IP=$(output rabbitmqPrivateIp)
KEDA_IDENTITY_CLIENT_ID=$(output kedaIdentityClientId)
PROMETHEUS_QUERY_ENDPOINT=$(output prometheusQueryEndpoint)
APPLICATIONINSIGHTS_CONNECTION_STRING=$(output appInsightsConnectionString)
EOF
)"
printf '+ write %s:\n' "$azure_env" >&3
printf '%s\n' "$azure_values" | sed 's/^/    /' >&3
if ! $DRY_RUN; then printf '%s\n' "$azure_values" >"$azure_env"; fi
# The add-ons install these CRDs; on a new cluster they may still be on their way. Retried: a
# deployer new to the cluster got its RBAC role from this very Bicep run, which takes minutes to apply.
run_with_retries kubectl wait --for condition=established --timeout=10m \
  crd/scaledobjects.keda.sh crd/triggerauthentications.keda.sh \
  crd/secretproviderclasses.secrets-store.csi.x-k8s.io crd/podmonitors.azmonitoring.coreos.com
# Server-side apply: no last-applied annotation, whose size limit large ConfigMaps can exceed.
run kubectl apply --server-side --force-conflicts -k "k8s/overlays/${ENVIRONMENT}"
# KEDA reads the worker's lag from managed Prometheus as its own identity (workload identity of
# the add-on's kube-system/keda-operator, federated by Bicep). Its pods get the token only when
# they start after the federation exists: restart them once, while they lack it.
keda_env="$(capture '' kubectl --namespace kube-system get pods --selector app.kubernetes.io/name=keda-operator \
  --output 'jsonpath={.items[*].spec.containers[*].env[*].name}')"
if [[ " $keda_env " != *" AZURE_FEDERATED_TOKEN_FILE "* ]]; then
  run kubectl --namespace kube-system rollout restart deployment/keda-operator
  run kubectl --namespace kube-system rollout status deployment/keda-operator --timeout=5m
fi
run kubectl --namespace "$NAMESPACE" rollout status statefulset/dtq-rabbitmq --timeout=10m
run kubectl --namespace "$NAMESPACE" rollout status deployment/dtq-worker --timeout=10m

step "Publish the Function App"
# Up to two 10-minute rollout waits lie behind: log in again before asking Azure for anything.
fresh_login
stage="${WORK_DIR}/functionapp"
run npm run build:server
run rm -rf "$stage" "${WORK_DIR}/functionapp.zip"
run mkdir -p "$stage"
run cp -R dist host.json package.json package-lock.json "$stage/"
run npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefix "$stage"
run_in "$stage" zip -q -r ../functionapp.zip .
run az functionapp deployment source config-zip --resource-group "$RESOURCE_GROUP" --name "$FUNCTION_APP_NAME" \
  --src "${WORK_DIR}/functionapp.zip"

step "Deploy the web UI to the Static Web App"
run env "VITE_API_BASE_URL=${API_URL}" "VITE_AUTH_CLIENT_ID=${SIGN_IN_CLIENT_ID}" "VITE_AUTH_AUTHORITY=${SIGN_IN_AUTHORITY}" \
  "VITE_AUTH_SCOPE=${SIGN_IN_SCOPE}" npm run build:web
SWA_CLI_DEPLOYMENT_TOKEN="$(capture '<deployment token>' az staticwebapp secrets list --name "$STATIC_WEB_APP_NAME" \
  --resource-group "$RESOURCE_GROUP" --query properties.apiKey --output tsv)"
# swa reads the token from the environment, so it never appears in a command line.
export SWA_CLI_DEPLOYMENT_TOKEN
run swa deploy web/dist --env production
unset SWA_CLI_DEPLOYMENT_TOKEN

# Last and optional: the API and the web UI are published whatever happens here.
step "Grafana dashboard (optional)"
fresh_login
if ! try_with_retries az grafana dashboard import --name "$GRAFANA_NAME" --resource-group "$RESOURCE_GROUP" \
  --definition ops/grafana/dtq-dashboard.json --overwrite true --only-show-errors; then
  note "WARNING: the Grafana dashboard was not imported (the deployment is otherwise complete); import"
  note "ops/grafana/dtq-dashboard.json by hand or run this script again"
fi

step "Done"
note "web UI:         ${STATIC_WEB_APP_URL}"
note "API:            ${API_URL}   (try ${API_URL}/healthz; /readyz and /metrics take a function key)"
if [ -n "$SIGN_IN_CLIENT_ID" ]; then
  note "sign-in:        app registration ${SIGN_IN_CLIENT_ID} needs the SPA redirect URI ${STATIC_WEB_APP_URL}/redirect.html"
fi
note "Grafana:        ${GRAFANA_URL}   (dashboard: dtq)"
note "Kafka endpoint: ${KAFKA_ENDPOINT}"
note "cluster:        KUBECONFIG=${WORK_DIR}/kubeconfig kubectl --namespace ${NAMESPACE} get pods"
