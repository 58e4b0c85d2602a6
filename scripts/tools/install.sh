#!/usr/bin/env bash
# Installs the checking tools the deployment and trace tests run, pinned, into one folder
# (default ~/.cache/dtq/tools; DTQ_TOOLS_DIR overrides it). .ci/run runs it before npm test; the
# tests look there first, then on PATH, and fail naming the tool when it is missing.
#   kubeconform   (Go module)  validates the built k8s/overlays against JSON schemas, strictly
#   kubernetes-validate (PyPI) ships those schemas for each Kubernetes version; the AKS version
#                 bicep/main.bicep pins picks the set (its $id and absolute $refs are made local)
#   checkov       (PyPI)       scans bicep/ and the built k8s/overlays
#   dtq-otelcol   (Go modules) an OpenTelemetry Collector (OTLP receiver, file exporter) built
#                 with the Collector's builder from scripts/tools/otelcol-builder.yaml
# Each tool is installed once per pinned version; when all are there this takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUBECONFORM_VERSION=v0.8.0
CHECKOV_VERSION=3.3.30
KUBERNETES_VALIDATE_VERSION=1.37.0
OTELCOL_BUILDER_VERSION=v0.165.0

TOOLS_DIR=${DTQ_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dtq/tools}
BIN="$TOOLS_DIR/bin"
VENV="$TOOLS_DIR/python"
mkdir -p "$BIN"

say() { printf 'tools: %s\n' "$*" >&2; }
die() { printf 'tools: ERROR: %s\n' "$*" >&2; exit 1; }
# stamp NAME VERSION: true when NAME was installed at VERSION.
stamp_matches() { [ "$(cat "$TOOLS_DIR/$1.version" 2>/dev/null)" = "$2" ]; }
write_stamp() { printf '%s' "$2" >"$TOOLS_DIR/$1.version"; }
need() { command -v "$1" >/dev/null 2>&1 || die "$2 is needed to install the checking tools ('$1' is not on PATH)"; }

# The AKS version bicep/main.bicep pins (param aksKubernetesVersion = '<major>.<minor>').
aks_version() {
  sed -nE "s/^param aksKubernetesVersion string = '([0-9]+\.[0-9]+)'.*/\1/p" bicep/main.bicep | head -n 1
}

kubeconform() {
  stamp_matches kubeconform "$KUBECONFORM_VERSION" && [ -x "$BIN/kubeconform" ] && return 0
  need go "Go 1.24 or newer"
  say "kubeconform ${KUBECONFORM_VERSION} (Go module proxy)"
  GOBIN="$BIN" go install "github.com/yannh/kubeconform/cmd/kubeconform@${KUBECONFORM_VERSION}" >&2
  write_stamp kubeconform "$KUBECONFORM_VERSION"
}

python_tools() {
  local want="checkov==${CHECKOV_VERSION} kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
  stamp_matches python "$want" && [ -x "$BIN/checkov" ] && return 0
  need python3 "Python 3.9 or newer"
  say "checkov ${CHECKOV_VERSION} and kubernetes-validate ${KUBERNETES_VALIDATE_VERSION} (PyPI), in their own virtual environment"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  # shellcheck disable=SC2086 # two requirement words
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $want >&2
  ln -sf "$VENV/bin/checkov" "$BIN/checkov"
  write_stamp python "$want"
}

kubernetes_schemas() {
  local version dest
  version="$(aks_version)"
  [ -n "$version" ] || die "bicep/main.bicep pins no AKS version (param aksKubernetesVersion string = '<major>.<minor>')"
  dest="$TOOLS_DIR/kubernetes-json-schema/v${version}.0-local-strict"
  stamp_matches "schemas-${version}" "$KUBERNETES_VALIDATE_VERSION" && [ -d "$dest" ] && return 0
  say "Kubernetes ${version} JSON schemas from kubernetes-validate ${KUBERNETES_VALIDATE_VERSION}"
  rm -rf "$dest"
  mkdir -p "$dest"
  # kubernetes-validate resolves its schemas' $refs under https://kubernetes.io/api/; kubeconform
  # loads files, so each schema loses its $id and refers to _definitions.json beside it.
  "$VENV/bin/python" - "$version" "$dest" <<'PY'
import glob, json, os, sys
import kubernetes_validate
version, dest = sys.argv[1], sys.argv[2]
source = os.path.join(os.path.dirname(kubernetes_validate.__file__), 'kubernetes-json-schema', f'v{version}.0-local-strict')
if not os.path.isdir(source):
    sys.exit(f'kubernetes-validate has no schemas for Kubernetes {version}')
for path in glob.glob(os.path.join(source, '*.json')):
    with open(path) as f:
        text = f.read().replace('"/api/_definitions.json#', '"_definitions.json#')
    schema = json.loads(text)
    schema.pop('$id', None)
    with open(os.path.join(dest, os.path.basename(path)), 'w') as f:
        json.dump(schema, f)
PY
  write_stamp "schemas-${version}" "$KUBERNETES_VALIDATE_VERSION"
}

otelcol() {
  local manifest=scripts/tools/otelcol-builder.yaml key work
  key="${OTELCOL_BUILDER_VERSION} $(sha256sum "$manifest" | cut -c1-12)"
  stamp_matches otelcol "$key" && [ -x "$BIN/dtq-otelcol" ] && return 0
  need go "Go 1.24 or newer"
  say "OpenTelemetry Collector (builder ${OTELCOL_BUILDER_VERSION}, Go module proxy): a few minutes, once"
  GOBIN="$BIN" go install "go.opentelemetry.io/collector/cmd/builder@${OTELCOL_BUILDER_VERSION}" >&2
  work="$(mktemp -d)"
  cp "$manifest" "$work/manifest.yaml"
  # The builder's own module step (go mod tidy) also wants the components' test dependencies, which
  # the proxy does not always serve: it only writes the sources here, and go resolves what they import.
  (cd "$work" && "$BIN/builder" --config manifest.yaml --skip-compilation --skip-get-modules) >&2
  (
    cd "$work/build"
    go mod init dtq-otelcol
    # shellcheck disable=SC2046 # one argument per gomod line of the manifest
    go get $(sed -nE 's/^ *- gomod: ([^ ]+) ([^ ]+)$/\1@\2/p' ../manifest.yaml)
    GOFLAGS=-mod=mod go build -trimpath -o "$BIN/dtq-otelcol" .
  ) >&2 || die "building the OpenTelemetry Collector failed"
  rm -rf "$work"
  write_stamp otelcol "$key"
}

started=$SECONDS
kubeconform
python_tools
kubernetes_schemas
otelcol
say "ready in $TOOLS_DIR/bin ($((SECONDS - started)) s)"
