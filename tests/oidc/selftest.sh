#!/usr/bin/env bash
# Self-check of the OIDC test harness: starts server.mjs, drives every flow the Rust tests
# use with curl + browser.mjs, prints PASS/FAIL per step and exits non-zero on a failure.
#   bash tests/oidc/selftest.sh        (needs node and curl; runs `npm ci` when node_modules is missing)
set -u
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
PASSED=0
FAILED=0
PIDS=()

cleanup() {
  exec 3>&- 4>&- 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { echo "PASS: $1"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL: $1${2:+ -- $2}"; FAILED=$((FAILED + 1)); }
# j JSON EXPR: evaluate a JS expression over the parsed JSON `o` (prints '' for undefined)
j() { node -e 'const o = JSON.parse(process.argv[1] || "{}"); const v = eval(process.argv[2]); process.stdout.write(v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"; }
b64url() { node -e 'process.stdout.write(Buffer.from(process.argv[1]).toString("base64url"))' "$1"; }

if [ ! -d "$HERE/node_modules/oidc-provider" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund >&2) || { echo "FAIL: npm ci"; exit 1; }
fi

# start_server FD ARGS...: start server.mjs with its stdin on a fifo held open as fd FD;
# sets ISSUER, PORT, SERVER_PID.
start_server() {
  local fd="$1"; shift
  local fifo="$WORK/in.$fd" out="$WORK/out.$fd"
  rm -f "$fifo"; mkfifo "$fifo"
  node "$HERE/server.mjs" "$@" <"$fifo" >"$out" 2>>"$WORK/server.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  eval "exec $fd>\"$fifo\""
  for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
  local line; line="$(head -n1 "$out")"
  ISSUER="$(j "$line" o.issuer)"
  PORT="$(j "$line" o.port)"
  TOKEN="$ISSUER/token"
  [ -n "$ISSUER" ] && [ "$(wc -l <"$out")" = 1 ]
}

# A one-shot loopback listener standing in for the app: prints its port on stdout, writes the
# query of the first request to FILE, answers 200 and exits.
cat >"$WORK/listener.mjs" <<'EOF'
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
const server = createServer((req, res) => {
  writeFileSync(process.argv[2], new URL(req.url, 'http://x').search.slice(1));
  res.end('you can close this window');
  server.close();
  setTimeout(() => process.exit(0), 50);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(1), 30000);
EOF

# start_listener: sets CB_PORT and CB_FILE
start_listener() {
  CB_FILE="$WORK/callback.$RANDOM"
  rm -f "$CB_FILE" "$WORK/lport"
  node "$WORK/listener.mjs" "$CB_FILE" >"$WORK/lport" &
  PIDS+=("$!")
  for _ in $(seq 50); do [ -s "$WORK/lport" ] && break; sleep 0.1; done
  CB_PORT="$(cat "$WORK/lport")"
}
wait_callback() { for _ in $(seq 100); do [ -s "$CB_FILE" ] && return 0; sleep 0.1; done; return 1; }
qparam() { node -e 'process.stdout.write(new URLSearchParams(process.argv[1]).get(process.argv[2]) ?? "")' "$1" "$2"; }

# token ARGS...: POST to the token endpoint, body in $RESP, HTTP status in $STATUS
post() {
  local url="$1"; shift
  RESP="$(curl -sS -o - -w '\n%{http_code}' "$@" "$url")"
  STATUS="${RESP##*$'\n'}"
  RESP="${RESP%$'\n'*}"
}

# ---------------------------------------------------------------------------------------
if start_server 3 --access-ttl 60; then pass "server prints one JSON line ($ISSUER)"; else fail "server start"; cat "$WORK/server.log"; exit 1; fi
FIRST_PID=$SERVER_PID

DISCO="$(curl -sS "$ISSUER/.well-known/openid-configuration")"
if [ "$(j "$DISCO" o.issuer)" = "$ISSUER" ]; then pass "discovery issuer"; else fail "discovery issuer"; fi
if [ "$(j "$DISCO" o.authorization_response_iss_parameter_supported)" = true ]; then pass "discovery: iss parameter supported (RFC 9207)"; else fail "discovery: iss parameter supported (RFC 9207)"; fi
if [ -n "$(j "$DISCO" 'o.device_authorization_endpoint && o.introspection_endpoint && o.revocation_endpoint')" ]; then pass "discovery: device, introspection, revocation endpoints"; else fail "discovery: device, introspection, revocation endpoints"; fi
if [ "$(j "$DISCO" 'o.grant_types_supported.includes("password")')" = true ]; then pass "discovery: password grant advertised"; else fail "discovery: password grant advertised"; fi

# ---------------------------------------------------------------------------------------
# Authorization code + PKCE through browser.mjs
VERIFIER="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')"
CHALLENGE="$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$VERIFIER")"

# authorize CLIENT [env...]: runs browser.mjs against a fresh listener; sets CB (query string)
authorize() {
  local client="$1"; shift
  start_listener
  STATE="st-$RANDOM$RANDOM"
  local redirect="http://127.0.0.1:$CB_PORT/callback"
  local url="$ISSUER/auth?response_type=code&client_id=$client&scope=openid%20email%20profile&state=$STATE&nonce=n-$RANDOM&code_challenge=$CHALLENGE&code_challenge_method=S256&redirect_uri=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$redirect")"
  env "$@" node "$HERE/browser.mjs" "$url" 2>>"$WORK/browser.log"
  BROWSER_RC=$?
  wait_callback
  CB="$(cat "$CB_FILE" 2>/dev/null)"
  REDIRECT="$redirect"
}

authorize authdeck-pkce OIDC_TEST_LOGIN=alice OIDC_TEST_LOG="$WORK/urls.log"
if [ "$BROWSER_RC" = 0 ]; then pass "browser.mjs exits 0 after delivering"; else fail "browser.mjs exits 0 after delivering"; fi
if [ -n "$(qparam "$CB" code)" ]; then pass "callback has a code (loopback port $CB_PORT accepted)"; else fail "callback has a code (loopback port $CB_PORT accepted)"; fi
if [ "$(qparam "$CB" state)" = "$STATE" ]; then pass "callback state matches"; else fail "callback state matches"; fi
if [ "$(qparam "$CB" iss)" = "$ISSUER" ]; then pass "callback iss = issuer (RFC 9207)"; else fail "callback iss = issuer (RFC 9207)"; fi
if grep -q "client_id=authdeck-pkce" "$WORK/urls.log"; then pass "OIDC_TEST_LOG got the URL"; else fail "OIDC_TEST_LOG got the URL"; fi
CODE="$(qparam "$CB" code)"

post "$TOKEN" -d grant_type=authorization_code -d client_id=authdeck-pkce -d "code=$CODE" -d "redirect_uri=$REDIRECT" -d "code_verifier=wrong-verifier-wrong-verifier-wrong-verifier-00"
if [ "$STATUS" = 400 ] && [ "$(j "$RESP" o.error)" = invalid_grant ]; then pass "code exchange with a wrong code_verifier: invalid_grant"; else fail "code exchange with a wrong code_verifier: invalid_grant"; fi

authorize authdeck-pkce
CODE="$(qparam "$CB" code)"
post "$TOKEN" -d grant_type=authorization_code -d client_id=authdeck-pkce -d "code=$CODE" -d "redirect_uri=$REDIRECT" -d "code_verifier=$VERIFIER"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" 'o.access_token && o.refresh_token && o.id_token')" ]; then pass "code exchange (PKCE, public client)"; else fail "code exchange (PKCE, public client)"; fi
AT1="$(j "$RESP" o.access_token)"; RT1="$(j "$RESP" o.refresh_token)"
IDP="$(j "$RESP" 'JSON.parse(Buffer.from(o.id_token.split(".")[1], "base64url"))')"
if [ "$(j "$IDP" '[o.sub, o.email, o.aud, o.iss].join(" ")')" = "alice alice@example.test authdeck-pkce $ISSUER" ]; then pass "id token: sub alice, email alice@example.test, aud, iss"; else fail "id token: sub alice, email alice@example.test, aud, iss"; fi

UI="$(curl -sS -H "Authorization: Bearer $AT1" "$ISSUER/me")"
if [ "$(j "$UI" o.email)" = alice@example.test ]; then pass "userinfo"; else fail "userinfo"; fi

post "$ISSUER/token/introspection" -d client_id=authdeck-pkce -d "token=$AT1"
if [ "$STATUS" = 200 ] && [ "$(j "$RESP" o.active)" = true ]; then pass "public client introspects its own access token: active true"; else fail "public client introspects its own access token: active true"; fi
post "$TOKEN" -d grant_type=refresh_token -d client_id=authdeck-pkce -d "refresh_token=$RT1"
RT2="$(j "$RESP" o.refresh_token)"
if [ "$STATUS" = 200 ] && [ -n "$RT2" ] && [ "$RT2" != "$RT1" ]; then pass "refresh #1 (rotated)"; else fail "refresh #1 (rotated)"; fi
post "$TOKEN" -d grant_type=refresh_token -d client_id=authdeck-pkce -d "refresh_token=$RT2"
RT3="$(j "$RESP" o.refresh_token)"
if [ "$STATUS" = 200 ] && [ -n "$RT3" ] && [ "$RT3" != "$RT2" ]; then pass "refresh #2 (rotated)"; else fail "refresh #2 (rotated)"; fi
post "$TOKEN" -d grant_type=refresh_token -d client_id=authdeck-pkce -d "refresh_token=$RT1"
if [ "$STATUS" = 400 ] && [ "$(j "$RESP" o.error)" = invalid_grant ]; then pass "replay of the first refresh token: 400 invalid_grant"; else fail "replay of the first refresh token: 400 invalid_grant"; fi
echo "      ($(j "$RESP" o.error_description))"
post "$TOKEN" -d grant_type=refresh_token -d client_id=authdeck-pkce -d "refresh_token=$RT3"
if [ "$(j "$RESP" o.error)" = invalid_grant ]; then pass "after the replay the newest refresh token is revoked too (whole grant)"; else fail "after the replay the newest refresh token is revoked too (whole grant)"; fi

post "$ISSUER/token/introspection" -d client_id=authdeck-pkce -d "token=$AT1"
if [ "$STATUS" = 200 ] && [ "$(j "$RESP" o.active)" = false ]; then pass "the replay revoked the access token too (introspection: active false)"; else fail "the replay revoked the access token too"; fi

# Replaying an authorization code: invalid_grant, and the tokens issued from it are revoked
authorize authdeck-pkce
CODE="$(qparam "$CB" code)"
post "$TOKEN" -d grant_type=authorization_code -d client_id=authdeck-pkce -d "code=$CODE" -d "redirect_uri=$REDIRECT" -d "code_verifier=$VERIFIER"
AT4="$(j "$RESP" o.access_token)"
post "$TOKEN" -d grant_type=authorization_code -d client_id=authdeck-pkce -d "code=$CODE" -d "redirect_uri=$REDIRECT" -d "code_verifier=$VERIFIER"
if [ "$STATUS" = 400 ] && [ "$(j "$RESP" o.error)" = invalid_grant ]; then pass "code replay: invalid_grant"; else fail "code replay: invalid_grant"; fi
post "$ISSUER/token/introspection" -d client_id=authdeck-pkce -d "token=$AT4"
if [ "$(j "$RESP" o.active)" = false ]; then pass "code replay revoked the access token issued from the code"; else fail "code replay revoked the access token issued from the code"; fi

# Confidential clients: basic and post
authorize authdeck-basic
post "$TOKEN" -u authdeck-basic:basic-secret-4f9c2e -d grant_type=authorization_code -d "code=$(qparam "$CB" code)" -d "redirect_uri=$REDIRECT" -d "code_verifier=$VERIFIER"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" 'o.refresh_token')" ]; then pass "authdeck-basic code exchange (client_secret_basic)"; else fail "authdeck-basic code exchange (client_secret_basic)"; fi
BASIC_AT="$(j "$RESP" o.access_token)"
authorize authdeck-post
post "$TOKEN" -d client_id=authdeck-post -d client_secret=post-secret-7a1d3b -d grant_type=authorization_code -d "code=$(qparam "$CB" code)" -d "redirect_uri=$REDIRECT" -d "code_verifier=$VERIFIER"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" 'o.refresh_token')" ]; then pass "authdeck-post code exchange (client_secret_post)"; else fail "authdeck-post code exchange (client_secret_post)"; fi
post "$TOKEN" -u authdeck-post:post-secret-7a1d3b -d grant_type=refresh_token -d "refresh_token=$(j "$RESP" o.refresh_token)"
if [ "$STATUS" = 401 ] && [ "$(j "$RESP" o.error)" = invalid_client ]; then pass "authdeck-post with basic auth instead of post: invalid_client"; else fail "authdeck-post with basic auth instead of post: invalid_client"; fi

post "$ISSUER/token/introspection" -d client_id=authdeck-basic -d client_secret=basic-secret-4f9c2e -d "token=$BASIC_AT"
if [ "$STATUS" = 401 ] && [ "$(j "$RESP" o.error)" = invalid_client ]; then pass "authdeck-basic with post instead of basic: 401 invalid_client"; else fail "authdeck-basic with post instead of basic: 401 invalid_client"; fi
post "$ISSUER/token/introspection" -u authdeck-basic:basic-secret-4f9c2e -d "token=$BASIC_AT"
if [ "$(j "$RESP" '[o.active, o.sub, o.client_id].join(" ")')" = "true alice authdeck-basic" ]; then pass "introspection of an access token: active true"; else fail "introspection of an access token: active true"; fi
post "$ISSUER/token/revocation" -u authdeck-basic:basic-secret-4f9c2e -d "token=$BASIC_AT" -d token_type_hint=access_token
if [ "$STATUS" = 200 ]; then pass "revocation: 200"; else fail "revocation: 200"; fi
post "$ISSUER/token/introspection" -u authdeck-basic:basic-secret-4f9c2e -d "token=$BASIC_AT"
if [ "$(j "$RESP" o.active)" = false ]; then pass "introspection after revocation: active false"; else fail "introspection after revocation: active false"; fi

# Denied consent, tampered state
authorize authdeck-pkce OIDC_TEST_CONSENT=deny
if [ "$(qparam "$CB" error) $(qparam "$CB" state) $(qparam "$CB" iss)" = "access_denied $STATE $ISSUER" ]; then pass "OIDC_TEST_CONSENT=deny: error=access_denied (with state and iss)"; else fail "OIDC_TEST_CONSENT=deny: error=access_denied (with state and iss)"; fi
authorize authdeck-pkce OIDC_TEST_STATE=tamper
if [ -n "$(qparam "$CB" code)" ] && [ "$(qparam "$CB" state)" != "$STATE" ]; then pass "OIDC_TEST_STATE=tamper: state changed"; else fail "OIDC_TEST_STATE=tamper: state changed"; fi
T0=$(date +%s%N)
authorize authdeck-pkce OIDC_TEST_DELAY_MS=1500
if [ $(( ($(date +%s%N) - T0) / 1000000 )) -ge 1500 ] && [ -n "$(qparam "$CB" code)" ]; then pass "OIDC_TEST_DELAY_MS=1500 delays the redirect"; else fail "OIDC_TEST_DELAY_MS=1500 delays the redirect"; fi
node "$HERE/browser.mjs" "http://127.0.0.1:1/nothing-listens-here?x=1" 2>/dev/null
if [ $? != 0 ]; then pass "browser.mjs fails non-zero when a step fails"; else fail "browser.mjs fails non-zero when a step fails"; fi

# ---------------------------------------------------------------------------------------
# Device flow
post "$ISSUER/device/auth" -d client_id=authdeck-device -d "scope=openid email"
DEV="$RESP"
if [ "$STATUS" = 200 ] && [ -n "$(j "$DEV" 'o.device_code && o.user_code && o.verification_uri_complete')" ]; then pass "device authorization (interval $(j "$DEV" o.interval), expires_in $(j "$DEV" o.expires_in))"; else fail "device authorization (interval $(j "$DEV" o.interval), expires_in $(j "$DEV" o.expires_in))"; fi
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$(j "$DEV" o.device_code)"
if [ "$(j "$RESP" o.error)" = authorization_pending ]; then pass "device poll before approval: authorization_pending"; else fail "device poll before approval: authorization_pending"; fi
node "$HERE/browser.mjs" --device "$(j "$DEV" o.verification_uri_complete)" 2>>"$WORK/browser.log"
if [ $? = 0 ]; then pass "browser.mjs --device approves"; else fail "browser.mjs --device approves"; fi
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$(j "$DEV" o.device_code)"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" 'o.access_token && o.refresh_token && o.id_token')" ]; then pass "device poll after approval: tokens with a refresh token"; else fail "device poll after approval: tokens with a refresh token"; fi
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$(j "$DEV" o.device_code)"
if [ "$(j "$RESP" o.error)" = invalid_grant ]; then pass "device code reuse: invalid_grant"; else fail "device code reuse: invalid_grant"; fi

post "$ISSUER/device/auth" -d client_id=authdeck-device -d "scope=openid"
DEV="$RESP"
OIDC_TEST_USER_CODE="$(j "$DEV" o.user_code)" OIDC_TEST_CONSENT=deny node "$HERE/browser.mjs" --device "$(j "$DEV" o.verification_uri)" 2>>"$WORK/browser.log"
if [ $? = 0 ]; then pass "browser.mjs --device with verification_uri + OIDC_TEST_USER_CODE, deny"; else fail "browser.mjs --device with verification_uri + OIDC_TEST_USER_CODE, deny"; fi
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$(j "$DEV" o.device_code)"
if [ "$(j "$RESP" o.error)" = access_denied ]; then pass "device poll after deny: access_denied"; else fail "device poll after deny: access_denied"; fi

# ---------------------------------------------------------------------------------------
# Client credentials
post "$TOKEN" -u authdeck-service:service-secret-9e2b1c -d grant_type=client_credentials -d scope=api:read
if [ "$STATUS" = 200 ] && [ "$(j "$RESP" 'o.scope')" = api:read ] && [ -n "$(j "$RESP" o.access_token)" ]; then pass "client credentials with scope api:read"; else fail "client credentials with scope api:read"; fi
CC_AT="$(j "$RESP" o.access_token)"
post "$TOKEN" -u authdeck-service:service-secret-9e2b1c -d grant_type=client_credentials
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" o.access_token)" ] && [ -z "$(j "$RESP" o.refresh_token)" ]; then pass "client credentials without scope"; else fail "client credentials without scope"; fi
post "$TOKEN" -u authdeck-service:service-secret-9e2b1c -d grant_type=client_credentials -d "scope=api:read api:write"
if [ "$STATUS" = 200 ] && [ "$(j "$RESP" 'o.scope')" = "api:read api:write" ]; then pass "client credentials with two scopes"; else fail "client credentials with two scopes"; fi
post "$TOKEN" -u authdeck-service:service-secret-9e2b1c -d grant_type=client_credentials -d scope=email
if [ "$STATUS" = 400 ] && [ "$(j "$RESP" o.error)" = invalid_scope ]; then pass "client credentials with a scope the client may not have: invalid_scope"; else fail "client credentials with a scope the client may not have: invalid_scope"; fi
post "$TOKEN" -u authdeck-service:service-secret-9e2b1c -d grant_type=client_credentials -d scope=api:admin
if [ "$STATUS" = 200 ] && [ -z "$(j "$RESP" o.scope)" ]; then pass "client credentials with a scope the provider does not know: silently dropped"; else fail "client credentials with an unknown scope: silently dropped"; fi
post "$TOKEN" -u authdeck-service:wrong-secret -d grant_type=client_credentials
if [ "$STATUS" = 401 ] && [ "$(j "$RESP" o.error)" = invalid_client ]; then pass "client credentials with a wrong secret: 401 invalid_client"; else fail "client credentials with a wrong secret: 401 invalid_client"; fi
post "$ISSUER/token/introspection" -u authdeck-service:service-secret-9e2b1c -d "token=$CC_AT"
if [ "$(j "$RESP" '[o.active, o.client_id, o.scope].join(" ")')" = "true authdeck-service api:read" ]; then pass "introspection of the client credentials token: active true"; else fail "introspection of the client credentials token: active true"; fi
post "$ISSUER/token/revocation" -u authdeck-service:service-secret-9e2b1c -d "token=$CC_AT"
post "$ISSUER/token/introspection" -u authdeck-service:service-secret-9e2b1c -d "token=$CC_AT"
if [ "$(j "$RESP" o.active)" = false ]; then pass "introspection after revocation: active false"; else fail "introspection after revocation: active false"; fi

# ---------------------------------------------------------------------------------------
# Password grant (custom)
post "$TOKEN" -u authdeck-password:password-secret-3c8d5f -d grant_type=password -d username=bob -d password=correct-horse -d "scope=openid email"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" 'o.access_token && o.refresh_token && o.id_token')" ]; then pass "password grant"; else fail "password grant"; fi
PW_AT="$(j "$RESP" o.access_token)"; PW_RT="$(j "$RESP" o.refresh_token)"
UI="$(curl -sS -H "Authorization: Bearer $PW_AT" "$ISSUER/me")"
if [ "$(j "$UI" o.email)" = bob@example.test ]; then pass "password grant token works at userinfo"; else fail "password grant token works at userinfo"; fi
post "$TOKEN" -u authdeck-password:password-secret-3c8d5f -d grant_type=refresh_token -d "refresh_token=$PW_RT"
if [ "$STATUS" = 200 ] && [ -n "$(j "$RESP" o.refresh_token)" ]; then pass "password grant refresh"; else fail "password grant refresh"; fi
post "$TOKEN" -u authdeck-password:password-secret-3c8d5f -d grant_type=password -d username=bob -d password=wrong
if [ "$STATUS" = 400 ] && [ "$(j "$RESP" o.error)" = invalid_grant ] && [ -n "$(j "$RESP" o.error_description)" ]; then pass "password grant, wrong password: invalid_grant with a description"; else fail "password grant, wrong password: invalid_grant with a description"; fi

# --slow-down-once on a third server
start_server 5 --slow-down-once >/dev/null
post "$ISSUER/device/auth" -d client_id=authdeck-device -d scope=openid
DC="$(j "$RESP" o.device_code)"
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$DC"
S1="$(j "$RESP" o.error)"
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$DC"
if [ "$S1 $(j "$RESP" o.error)" = "slow_down authorization_pending" ]; then pass "--slow-down-once: slow_down once, then authorization_pending"; else fail "--slow-down-once"; fi
exec 5>&-

# stdin closing stops the server
exec 3>&-
sleep 1
if bash -c "! kill -0 $FIRST_PID 2>/dev/null"; then pass "server exits when its stdin closes"; else fail "server exits when its stdin closes"; fi

# ---------------------------------------------------------------------------------------
# Second server: fixed port, keys file, short device ttl, slow_down; then key rotation.
node "$HERE/keys.mjs" "$WORK/k1.json" kid-one 2>/dev/null
node "$HERE/keys.mjs" "$WORK/k2.json" kid-two 2>/dev/null
FIXED=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
if start_server 4 --port "$FIXED" --keys "$WORK/k1.json" --device-ttl 3 --interval 1 --slow-down; then pass "server on --port $FIXED with --keys"; else fail "second server start"; fi
if [ "$(j "$(curl -sS "$ISSUER/jwks")" 'o.keys.map(k => k.kid).join()')" = kid-one ]; then pass "jwks has kid-one"; else fail "jwks has kid-one"; fi
post "$ISSUER/device/auth" -d client_id=authdeck-device -d scope=openid
DC="$(j "$RESP" o.device_code)"
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$DC"
if [ "$(j "$RESP" o.error)" = slow_down ]; then pass "--slow-down: a poll sooner than interval gets slow_down"; else fail "--slow-down: a poll sooner than interval gets slow_down"; fi
sleep 1.2
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$DC"
if [ "$(j "$RESP" o.error)" = authorization_pending ]; then pass "--slow-down: a poll after interval gets authorization_pending"; else fail "--slow-down: a poll after interval gets authorization_pending"; fi
sleep 2.5
post "$TOKEN" -d client_id=authdeck-device -d grant_type=urn:ietf:params:oauth:grant-type:device_code -d "device_code=$DC"
if [ "$(j "$RESP" o.error)" = expired_token ]; then pass "device code past its ttl: expired_token"; else fail "device code past its ttl: expired_token"; fi
kill -TERM "$SERVER_PID"; sleep 0.5
if bash -c "! kill -0 $SERVER_PID 2>/dev/null"; then pass "server exits on SIGTERM"; else fail "server exits on SIGTERM"; fi
exec 4>&-
if start_server 4 --port "$FIXED" --keys "$WORK/k2.json"; then pass "restart on the same port with another key"; else fail "restart"; fi
if [ "$(j "$(curl -sS "$ISSUER/jwks")" 'o.keys.map(k => k.kid).join()')" = kid-two ]; then pass "jwks after the restart has kid-two only"; else fail "jwks after the restart has kid-two only"; fi
exec 4>&-

echo "browser.mjs printed no tokens: $(grep -cE 'eyJ|code=' "$WORK/browser.log" || true) suspicious lines"
if bash -c "! grep -qE 'eyJ|code=' '$WORK/browser.log'"; then pass "browser.mjs log has no token or code values"; else fail "browser.mjs log has no token or code values"; fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
