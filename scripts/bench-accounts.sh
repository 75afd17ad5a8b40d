# Sourced by the scripts that measure the app (app-bench.sh, page-floor.sh, link-order.sh):
# `bench_accounts CLI WORK` starts the sandbox (its pid in $sandbox, its log in WORK) and signs in
# 50 accounts, bench-01 to bench-50, through the CLI, in the caller's AUTHDECK_HOME and
# AUTHDECK_KEYRING_SERVICE: the desk the app is measured at. The caller kills $sandbox.
bench_accounts() {
  local cli=$1 work=$2 port i
  port=$(( 20000 + RANDOM % 20000 ))
  "$cli" sandbox --port "$port" >"$work/sandbox.log" 2>&1 &
  sandbox=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  for i in $(seq -w 1 50); do
    echo s3cret-pass | "$cli" login "bench-$i" --provider user-login \
      --base-url "http://127.0.0.1:$port/user-login" --email alice@userlogin.test --password-stdin >/dev/null
  done
}
