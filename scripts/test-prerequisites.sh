#!/usr/bin/env bash
# Run by `npm test` before the suites: makes sure what they use is here. The tools first (Debian
# packages, installed when this runs as root, named otherwise; kafka-python; schemathesis; kubectl with
# kustomize v5), then the servers at the addresses the suites read (the same variables and
# defaults as test/support/services.ts): when one does not answer, `services:up` starts them.
# When everything is already here it takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test prerequisites: %s\n' "$*" >&2; }
die() { printf 'test prerequisites: ERROR: %s\n' "$*" >&2; exit 1; }

# The servers' packages (services:up runs them), the clients the suites read Kafka and the
# MongoDB-wire server with (kcat, pymongo), the browser of the UI tests, promtool, shellcheck.
apt_packages=(redis-server redis-tools rabbitmq-server postgresql kcat python3-pymongo chromium prometheus shellcheck)

debian_packages() {
  local pkg missing=()
  for pkg in "${apt_packages[@]}"; do
    # "install ok installed": a removed package whose configuration files remain also has a status.
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "the tests need these Debian packages: ${missing[*]} (apt-get install ${missing[*]}, or run npm test as root to have them installed)"
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || die "apt-get could not install ${missing[*]}"
}

# kafka-python: an independent client that reads what dtq writes to Kafka (test/e2e/kafka-flow).
kafka_python() {
  python3 -c 'import kafka' 2>/dev/null && return 0
  say "installing kafka-python (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check kafka-python==3.0.12 >&2 \
    || die "python3 -m pip install kafka-python==3.0.12 failed"
}

# schemathesis: an API fuzzer that checks the OpenAPI document against a live API
# (test/api/openapi-fuzz.test.ts runs it as `python3 -m schemathesis.cli`, with this python3).
schemathesis_cli() {
  local version=4.32.5
  python3 -m schemathesis.cli --version 2>/dev/null | grep -q "version ${version}\$" && return 0
  say "installing schemathesis ${version} (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check "schemathesis==${version}" >&2 \
    || die "python3 -m pip install schemathesis==${version} failed"
}

# The deployment tests build k8s/overlays the way `kubectl apply -k` does. kubectl 1.27+ has
# kustomize v5; Debian's kubernetes-client (kubectl 1.20, kustomize v2) is too old.
kubectl_kustomize() {
  kubectl version --client --output=json 2>/dev/null | grep -Eq '"kustomizeVersion": "v([5-9]|[1-9][0-9])\.' \
    || die "kubectl with kustomize v5 or newer is needed (kubectl 1.27+, e.g. from az aks install-cli)"
}

# host:port pairs of a URL (userinfo, path and query dropped; several hosts allowed).
url_addresses() {
  local url=$1 default_port=$2 hosts address
  hosts=${url#*://}
  hosts=${hosts%%/*}
  hosts=${hosts%%\?*}
  hosts=${hosts##*@}
  for address in ${hosts//,/ }; do
    [[ $address == *:* ]] && echo "$address" || echo "$address:$default_port"
  done
}

answers() {
  local host=${1%:*} port=${1##*:}
  timeout 2 bash -c "exec 3<>/dev/tcp/${host}/${port}" 2>/dev/null
}

# Lines of "name (VARIABLE) at host:port" for each server that does not answer.
silent_servers() {
  local name variable address
  while read -r name variable address; do
    answers "$address" || echo "$name ($variable) at $address"
  done < <(
    url_addresses "${REDIS_URL:-redis://127.0.0.1:6379}" 6379 | sed 's/^/Redis REDIS_URL /'
    url_addresses "${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}" 5672 | sed 's/^/RabbitMQ RABBITMQ_URL /'
    url_addresses "${MONGODB_URI:-mongodb://127.0.0.1:27017/}" 27017 | sed 's/^/MongoDB-wire MONGODB_URI /'
    tr ',' '\n' <<<"${KAFKA_BROKERS:-127.0.0.1:9092}" | sed 's/^/Kafka KAFKA_BROKERS /'
    tr ',' '\n' <<<"${REDIS_CLUSTER_NODES:-127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003}" | sed 's/^/Redis-Cluster REDIS_CLUSTER_NODES /'
  )
}

servers() {
  local silent
  silent=$(silent_servers)
  [ -z "$silent" ] && return 0
  say "not answering: ${silent//$'\n'/; }; starting them with services:up"
  # services:up prints export lines for its own addresses, which are the suites' defaults.
  bash scripts/services/up.sh >/dev/null
  silent=$(silent_servers)
  [ -z "$silent" ] && return 0
  die "still not answering after services:up: ${silent//$'\n'/; }. services:up starts the servers on their default addresses; unset the variables that point elsewhere, or start those servers"
}

# kubeconform, checkov and an OpenTelemetry Collector for the deployment and trace tests: pinned,
# installed once (about 7 minutes on a fresh machine, building the Collector), then well under a second.
checking_tools() {
  bash scripts/tools/install.sh || die "scripts/tools/install.sh could not install the checking tools"
}

debian_packages
kafka_python
schemathesis_cli
kubectl_kustomize
checking_tools
servers
