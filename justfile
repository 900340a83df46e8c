# pspkit developer commands. `just --list` describes them; `./run test` installs `just` into
# .venv and runs `just test`, which is what CI runs.

python := ".venv/bin/python"

# List the recipes
default:
    @just --list

# Build the workspace and run every test: lint, spec validation, Rust tests, examples, the Python
# package's tests and type checks (the README's code blocks included), and the demo (what CI runs)
test: lint spec-check
    # the Python module is left out: it turns on serde_json's `arbitrary_precision`, which would
    # then hold for every crate here, and the Rust crates are tested as an application uses them
    # (the feature off, serde_json's default); `just python-test` runs them with it on
    cargo test --workspace --exclude pspkit-python --locked
    cargo test -q --locked -p pspkit-tests --features schemars --test it json_schemas
    just package
    just conformance
    just sandbox-schemathesis
    just examples
    just python-test
    just exact-numbers
    ./run demo

# The publishable crates as they would be uploaded (each verified by building it from its
# package, in a target dir of its own: see the script), and a new project outside the workspace
# that depends on pspkit-onepay by path
package:
    scripts/package.sh
    scripts/outside-project.sh

# Build the Python package (debug) and install it into .venv, editable
python-dev:
    cd python && VIRTUAL_ENV="$PWD/../.venv" ../.venv/bin/maturin develop --locked -q

# The Rust decoders, webhook checks and fuzzer as the Python module builds them: with serde_json's
# `arbitrary_precision` on (the Rust tests run with it off, an application's default)
exact-numbers:
    cargo test -q --locked -p pspkit-tests -p pspkit-python --test it -- decoding webhooks fuzz

# The Python suite against the sandbox the package carries (the demo included), mypy --strict
# and pyright strict on the Python examples and the demo, and stubtest (the stubs match the module)
python-test: python-dev
    {{python}} -m pytest -q python/tests
    .venv/bin/mypy --strict python/examples examples/reconcile.py
    .venv/bin/pyright -p python/pyrightconfig.json
    {{python}} -m mypy.stubtest pspkit --allowlist python/stubtest-allowlist.txt

# Build the release wheel into target/wheels and print its size
wheel:
    rm -f target/wheels/pspkit-*.whl
    cd python && ../.venv/bin/maturin build --profile wheel --locked -q -o ../target/wheels
    ls -l target/wheels/pspkit-*.whl

# Format check, clippy (the Python module also as built for the stable ABI) and rustdoc with warnings as errors, and the spec lint rules
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    cargo clippy -p pspkit-python --features abi3 --locked -- -D warnings
    cargo run -q --locked -p pspkit-codegen --bin pspkit-spec -- lint specs/*.yaml
    RUSTDOCFLAGS="-D warnings" cargo doc -q --locked --no-deps --workspace --exclude pspkit-tests --exclude pspkit-examples

# Validate every spec with the OpenAPI 3.0 validator and every example against its schema
spec-check:
    {{python}} tests/spec_check.py --self-test
    {{python}} tests/spec_check.py

# Operations per spec and per x-source (the README's coverage table)
spec-stats:
    cargo run -q --locked -p pspkit-codegen --bin pspkit-spec -- stats specs/*.yaml

# Print the Rust module generated from one spec, e.g. `just generated onepay`
generated provider:
    cargo run -q --locked -p pspkit-codegen --bin pspkit-spec -- generate specs/{{provider}}.yaml

# After a spec edit: regenerate the API snapshots and show what changed, for review
review:
    INSTA_UPDATE=always cargo test --locked -p pspkit-tests --test it snapshots
    git --no-pager diff --stat -- tests/it/snapshots
    git --no-pager diff -- tests/it/snapshots

# Measure the clean build of the workspace and the rebuild after touching one spec
build-times:
    scripts/build-times.sh

# Benchmarks (about 25 minutes on 2 cores, builds included): pspkit from Python against httpx + pydantic and requests, the
# Rust client against hand-written reqwest + serde, build times, wheel size and import time.
# Writes docs/benchmarks.md, docs/benchmarks.png and the README's summary.
bench: wheel
    {{python}} -m pip install -q --disable-pip-version-check -r python/requirements-bench.txt
    {{python}} -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$(ls -t target/wheels/pspkit-*.whl | head -1)"
    cargo build --release --locked -q -p pspkit-examples --example bench --example bench_server --example bench_load
    mkdir -p target/bench
    "${CARGO_TARGET_DIR:-target}/release/examples/bench" > target/bench/rust.json
    scripts/build-times.sh > target/bench/build.txt
    just bench-webhooks | tee target/bench/webhooks.md
    just bench-reconcile | tee target/bench/reconcile.md
    {{python}} python/bench/bench.py --server "${CARGO_TARGET_DIR:-target}/release/examples/bench_server" --load "${CARGO_TARGET_DIR:-target}/release/examples/bench_load" --rust target/bench/rust.json --build target/bench/build.txt --wheel "$(ls -t target/wheels/pspkit-*.whl | head -1)" --reconcile target/bench/reconcile.md
    @echo "the release wheel is installed in .venv; just python-dev puts the debug build back"

# Webhook verification on hostile bodies (release): forged 1 MiB OnePay bodies must be refused
# in under 20 ms (median); prints the table, exits non-zero on a miss
bench-webhooks:
    cargo run --release --locked -q -p pspkit-examples --example webhook_bench

# Reconciliation at scale (release): a million sandbox records of one provider exported with
# `pspkit payments` and reconciled against a ledger with planted discrepancies; wall time,
# records/s and peak RSS of each step (about a minute)
bench-reconcile size="1000000":
    cargo build --release --locked -q -p pspkit-cli
    {{python}} python/bench/reconcile_bench.py --pspkit "${CARGO_TARGET_DIR:-target}/release/pspkit" --size {{size}}

# Sandbox benchmark: start-up time of the binary and list-page requests per second (release)
bench-sandbox:
    cargo build --release --locked -p pspkit-sandbox
    target/release/sandbox-bench --seconds 5 --connections 32

# Fuzz every generated response decoder (a million mutated bodies per provider, release build),
# the response headers the runtime reads, webhook deliveries and the reconciliation ledger
# reader; prints the count and time per target. Arguments
# go to the runner, e.g. `just fuzz --cases 10000 --seed 7 --only onepay`
fuzz *args:
    cargo run -q --release --locked -p pspkit-tests --bin fuzz -- {{args}}

# Hostile command lines for the `pspkit` binary (each run of the tests makes 250), against a
# sandbox of its own: `just fuzz-cli 5000 7` runs 5,000 cases from seed 7
fuzz-cli cases="2000" seed="1":
    PSPKIT_CLI_FUZZ_CASES={{cases}} PSPKIT_CLI_FUZZ_SEED={{seed}} cargo test -q --locked -p pspkit-cli --test it hostile_command_lines -- --nocapture

# Schemathesis against the sandbox binary, each spec with every default check, signed as the
# clients sign (crates/pspkit-sandbox/schemathesis/; about 3 minutes)
sandbox-schemathesis:
    cargo build -q --locked -p pspkit-sandbox --bin pspkit-sandbox
    {{python}} crates/pspkit-sandbox/schemathesis/run.py

# Prism (a third-party OpenAPI mock, dynamic mode: random responses valid under each spec, every
# request validated) serves the five specs; every operation callable without arguments is called 5
# times through the Rust clients: 0 decode failures and 0 refused requests. scripts/prism.sh
# installs the pinned Prism into .tools/prism with the Node.js in .venv (about 10 s)
conformance:
    scripts/prism.sh --install
    PSPKIT_PRISM="$PWD/scripts/prism.sh" cargo test --locked -p pspkit-tests --test it conformance -- --ignored --nocapture

# Run the sandbox on a port, for your own tests or the demo (the dev build the tests use, so it
# starts at once; `cargo run --release -p pspkit-sandbox` serves faster after a longer build)
sandbox port="8080":
    cargo run --locked -p pspkit-sandbox --bin pspkit-sandbox -- --port {{port}}

# The demo: builds the Python package into .venv and the sandbox, then runs examples/reconcile.py
# (five providers reconciled against the sandbox; `examples/reconcile.rs` is the Rust version)
demo: python-dev
    {{python}} examples/reconcile.py

# Run every example (the demo with a smaller data set), as the test command does
examples:
    PSPKIT_DEMO_SIZE=300 cargo run -q --locked -p pspkit-examples --example reconcile > /dev/null
    for e in onepay onchainpay firstpay firekassa onlyonepays; do cargo run -q --locked -p pspkit-examples --example $e > /dev/null || exit 1; done
