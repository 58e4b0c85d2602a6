#!/usr/bin/env bash
# Deploys dtq to Azure, from an empty subscription to working URLs, and again after any change:
#   1. provisions everything with Bicep (bicep/main.bicep + bicep/main.<env>.bicepparam)
#   2. builds and pushes the images in Azure Container Registry (az acr build: no local Docker)
#   3. applies the Kubernetes manifests (kubectl apply -k k8s/overlays/<env>)
#   4. imports the Grafana dashboard
#   5. publishes the Function App (zip of the server build with production dependencies)
#   6. builds the web UI against the API URL and deploys it to the Static Web App
# Every step is idempotent. --dry-run prints every command and runs none of them.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy.sh --env dev|prod [--dry-run] [--location <region>]
                         [--resource-group <name>] [--image-tag <tag>]

  --env             which bicep/main.<env>.bicepparam and k8s/overlays/<env> to deploy (required)
  --dry-run         print the plan (every command, in order) without running anything
  --location        Azure region of a new resource group (default: $DTQ_LOCATION or westeurope)
  --resource-group  default: rg-dtq-<env>
  --image-tag       tag of the pushed images (default: the git commit, e.g. 3f9c2a1b7d0e)

Environment: DTQ_ALERT_EMAIL (where alerts are mailed, optional).
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
while [ "$#" -gt 0 ]; do
  case "$1" in
    --env) ENVIRONMENT="${2:-}"; shift 2 || die "--env needs a value: dev or prod" ;;
    --env=*) ENVIRONMENT="${1#*=}"; shift ;;
    --dry-run) DRY_RUN=true; shift ;;
    --location) LOCATION="${2:-}"; shift 2 || die "--location needs a value" ;;
    --resource-group) RESOURCE_GROUP="${2:-}"; shift 2 || die "--resource-group needs a value" ;;
    --image-tag) IMAGE_TAG="${2:-}"; shift 2 || die "--image-tag needs a value" ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
case "$ENVIRONMENT" in
  dev | prod) ;;
  *) usage >&2; die "--env must be dev or prod (got '${ENVIRONMENT}')" ;;
esac

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
run_with_retries() {
  show "$@"
  if $DRY_RUN; then return 0; fi
  local attempt
  for attempt in 1 2 3 4 5; do
    if "$@"; then return 0; fi
    note "attempt ${attempt} failed; retrying in 30 s (role assignments can take minutes to apply)"
    sleep 30
  done
  die "giving up after 5 attempts: $*"
}

step "Checking tools"
install_hint() {
  case "$1" in
    az) printf 'Azure CLI: https://learn.microsoft.com/cli/azure/install-azure-cli (then: az login)' ;;
    kubectl | kubelogin) printf 'az aks install-cli (installs kubectl and kubelogin)' ;;
    node | npm) printf 'Node.js 20 or newer, with npm' ;;
    zip) printf 'apt-get install zip (or: brew install zip)' ;;
    swa) printf 'npm install -g @azure/static-web-apps-cli' ;;
  esac
}
missing=()
for tool in az kubectl kubelogin node npm zip swa; do
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
  note "az kubectl kubelogin node npm zip swa: found"
fi
# k8s/overlays use kustomize components the way kustomize v5 (kubectl 1.27+) resolves them.
if ! $DRY_RUN && ! kubectl version --client --output=json 2>/dev/null | grep -Eq '"kustomizeVersion": "v([5-9]|[1-9][0-9])\.'; then
  die "kubectl 1.27 or newer is needed (its kustomize v5 builds k8s/overlays): az aks install-cli"
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
user_type="$(capture 'user' az account show --query user.type --output tsv)"
if [ "$user_type" = "servicePrincipal" ]; then
  app_id="$(capture '<client id>' az account show --query user.name --output tsv)"
  DTQ_DEPLOYER_PRINCIPAL_ID="$(capture '<deployer object id>' az ad sp show --id "$app_id" --query id --output tsv)"
  DTQ_DEPLOYER_PRINCIPAL_TYPE="ServicePrincipal"
else
  DTQ_DEPLOYER_PRINCIPAL_ID="$(capture '<deployer object id>' az ad signed-in-user show --query id --output tsv)"
  DTQ_DEPLOYER_PRINCIPAL_TYPE="User"
fi
export DTQ_DEPLOYER_PRINCIPAL_ID DTQ_DEPLOYER_PRINCIPAL_TYPE

step "Resource group"
run az group create --name "$RESOURCE_GROUP" --location "$LOCATION" \
  --tags application=dtq "environment=${ENVIRONMENT}" --output none

step "RabbitMQ password (kept across deployments)"
# RabbitMQ applies its password on first boot only, so a re-run must reuse the one in Key Vault.
previous_vault="$(capture '' az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
  --query properties.outputs.keyVaultName.value --output tsv 2>/dev/null || true)"
if [ -n "$previous_vault" ]; then
  DTQ_RABBITMQ_PASSWORD="$(capture '' az keyvault secret show --vault-name "$previous_vault" --name rabbitmq-password \
    --query value --output tsv)" ||
    die "cannot read rabbitmq-password from Key Vault ${previous_vault}; you need Key Vault Secrets Officer on it. A new password would lock the API and worker out of RabbitMQ, so none is generated."
  note "reusing the password in ${previous_vault}"
elif $DRY_RUN; then
  DTQ_RABBITMQ_PASSWORD="<generated on the first deployment, reused after>"
  note "first deployment: a new random password"
else
  DTQ_RABBITMQ_PASSWORD="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  note "first deployment: generated a new random password"
fi
export DTQ_RABBITMQ_PASSWORD
export DTQ_ALERT_EMAIL="${DTQ_ALERT_EMAIL:-}"

step "Provision with Bicep"
note "bicep/main.${ENVIRONMENT}.bicepparam reads DTQ_RABBITMQ_PASSWORD (hidden), DTQ_DEPLOYER_PRINCIPAL_ID, DTQ_DEPLOYER_PRINCIPAL_TYPE, DTQ_ALERT_EMAIL"
run az deployment group create --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
  --template-file bicep/main.bicep --parameters "bicep/main.${ENVIRONMENT}.bicepparam" --output none
outputs_json="$(capture '{}' az deployment group show --resource-group "$RESOURCE_GROUP" --name "$DEPLOYMENT_NAME" \
  --query properties.outputs --output json)"
# One deployment output; a dry run shows its name instead.
output() {
  if $DRY_RUN; then
    printf '<%s>' "$1"
  else
    # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
    OUTPUTS="$outputs_json" node -e 'const name = process.argv[1]; const o = JSON.parse(process.env.OUTPUTS)[name];
      if (!o) { console.error("missing Bicep output " + name); process.exit(1); }
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

step "Build and push images (az acr build)"
run az acr build --registry "$ACR_NAME" --image "dtq-worker:${IMAGE_TAG}" --file worker-container/Dockerfile .
run az acr build --registry "$ACR_NAME" --image "dtq-api:${IMAGE_TAG}" --file functions/fallback-host/Dockerfile .

step "Apply the Kubernetes manifests"
run mkdir -p "$WORK_DIR"
export KUBECONFIG="${REPO_ROOT}/${WORK_DIR}/kubeconfig"
run az aks get-credentials --resource-group "$RESOURCE_GROUP" --name "$AKS_NAME" --file "$KUBECONFIG" --overwrite-existing
# Entra ID clusters: let kubectl use the az login.
run kubelogin convert-kubeconfig --login azurecli --kubeconfig "$KUBECONFIG"
azure_env="k8s/overlays/${ENVIRONMENT}/azure.env"
azure_values="$(cat <<EOF
WORKER_IMAGE=${ACR_LOGIN_SERVER}/dtq-worker:${IMAGE_TAG}
EVENTHUBS_KAFKA_ENDPOINT=${KAFKA_ENDPOINT}
KEY_VAULT_NAME=${KEY_VAULT_NAME}
AZURE_TENANT_ID=$(output tenantId)
WORKER_IDENTITY_CLIENT_ID=$(output workerIdentityClientId)
RABBITMQ_IDENTITY_CLIENT_ID=$(output rabbitmqIdentityClientId)
RABBITMQ_PRIVATE_IP=$(output rabbitmqPrivateIp)
EOF
)"
printf '+ write %s:\n' "$azure_env" >&3
printf '%s\n' "$azure_values" | sed 's/^/    /' >&3
if ! $DRY_RUN; then printf '%s\n' "$azure_values" >"$azure_env"; fi
# The add-ons install these CRDs; on a new cluster they may still be on their way.
run kubectl wait --for condition=established --timeout=10m \
  crd/scaledobjects.keda.sh crd/triggerauthentications.keda.sh \
  crd/secretproviderclasses.secrets-store.csi.x-k8s.io crd/podmonitors.azmonitoring.coreos.com
# Server-side apply: the dashboard ConfigMap can exceed the client-side last-applied annotation limit.
run kubectl apply --server-side --force-conflicts -k "k8s/overlays/${ENVIRONMENT}"
run kubectl --namespace "$NAMESPACE" rollout status statefulset/dtq-rabbitmq --timeout=10m
run kubectl --namespace "$NAMESPACE" rollout status deployment/dtq-worker --timeout=10m

step "Grafana dashboard"
run_with_retries az grafana dashboard import --name "$GRAFANA_NAME" --resource-group "$RESOURCE_GROUP" \
  --definition ops/grafana/dtq-dashboard.json --overwrite true --only-show-errors

step "Publish the Function App"
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
run env "VITE_API_BASE_URL=${API_URL}" npm run build:web
SWA_CLI_DEPLOYMENT_TOKEN="$(capture '<deployment token>' az staticwebapp secrets list --name "$STATIC_WEB_APP_NAME" \
  --resource-group "$RESOURCE_GROUP" --query properties.apiKey --output tsv)"
# swa reads the token from the environment, so it never appears in a command line.
export SWA_CLI_DEPLOYMENT_TOKEN
run swa deploy web/dist --env production
unset SWA_CLI_DEPLOYMENT_TOKEN

step "Done"
note "web UI:         ${STATIC_WEB_APP_URL}"
note "API:            ${API_URL}   (try ${API_URL}/readyz)"
note "Grafana:        ${GRAFANA_URL}   (dashboard: dtq)"
note "Kafka endpoint: ${KAFKA_ENDPOINT}"
note "cluster:        KUBECONFIG=${WORK_DIR}/kubeconfig kubectl --namespace ${NAMESPACE} get pods"
