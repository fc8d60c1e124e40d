#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-kmsd (the ASan/UBSan build) under real clients: AWS's JavaScript SDK
# v3 (t-sdk.js), Debian's awscli, openssl cms (inside t-sdk.js), plus SigV4,
# malformed and hostile requests, slow clients, a restart, a crash, and a
# clean exit without leaks. Documents come from the emulator's core
# (mkdoc), with RSA keys made here. TAP on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$OUT/test-daemon
rm -rf "$T" && mkdir -p "$T"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
echo "TAP version 13"

# ---- documents --------------------------------------------------------
spki_hex() { openssl pkey -in "$1" -pubout -outform DER | od -An -v -tx1 | tr -d ' \n'; }
mk() { # name mkdoc-args...
	local name=$1; shift
	"$MKDOC" -o "$T/$name.cbor" -r "$T/$name.root.pem" "$@" >/dev/null
}
setup() {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa.pem" &&
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$T/rsa3072.pem" &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ec.pem" &&
	pk=$(spki_hex "$T/rsa.pem") &&
	mk ok --public-key "$pk" &&
	mk stale --public-key "$pk" --offset -600000 &&
	mk untrusted --public-key "$pk" &&
	mk debug --debug --public-key "$pk" &&
	mk nokey &&
	mk ec --public-key "$(spki_hex "$T/ec.pem")" &&
	mk rsa3072 --public-key "$(spki_hex "$T/rsa3072.pem")" &&
	# the signature is the document's last 96 bytes
	python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[-5]^=1; open(sys.argv[2],"wb").write(b)' \
		"$T/ok.cbor" "$T/tampered.cbor" &&
	"$UNIT" pcr "$T/ok.cbor" 0 >"$T/pcr0"
}
check "test documents made by the emulator's core, with RSA-2048, RSA-3072 and EC keys" setup
roots=()
for d in ok stale debug nokey ec rsa3072; do roots+=(--root "$T/$d.root.pem"); done

# ---- the SDK ------------------------------------------------------------
SDK_VERSION=3.936.0  # engines: node >= 18, the node of Debian 12
NODE_DIR=$OUT/node
if ! grep -qs "\"version\": \"$SDK_VERSION\"" "$NODE_DIR/node_modules/@aws-sdk/client-kms/package.json"; then
	mkdir -p "$NODE_DIR"
	npm install --prefix "$NODE_DIR" --cache "$TOP/.cache/npm" --no-audit \
		--no-fund --silent "@aws-sdk/client-kms@$SDK_VERSION" >"$T/npm.log" 2>&1
fi
check "npm package @aws-sdk/client-kms@$SDK_VERSION installed" \
	grep -q "\"version\": \"$SDK_VERSION\"" "$NODE_DIR/node_modules/@aws-sdk/client-kms/package.json"
export NODE_PATH=$NODE_DIR/node_modules

check "nsm-kmsd (ASan/UBSan) starts" \
	start_kmsd main "$KMSD_SAN" --state "$T/state" --no-local-root "${roots[@]}" \
	--timeout 2 --request-timeout 3
URL=http://127.0.0.1:$PORT_main

# t-sdk.js prints its own TAP document; ours continues after it
node "$here/t-sdk.js" "$URL" "$T" >"$T/sdk.tap" 2>"$T/sdk.err"
sdk_rc=$?
if [ $sdk_rc -eq 0 ] && grep -q '^1\.\.' "$T/sdk.tap"; then
	ok "AWS SDK for JavaScript v3: $(grep -c '^ok' "$T/sdk.tap") tests pass"
else
	not_ok "AWS SDK for JavaScript v3 (exit $sdk_rc)" "$T/sdk.err"
fi
cat "$T/sdk.tap"	# an embedded TAP document: each SDK test counts

# ---- the AWS CLI (Debian's awscli 2.9.19: no Recipient) ------------------
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=test-secret \
	AWS_DEFAULT_REGION=us-east-1 AWS_PAGER= AWS_CONFIG_FILE=/dev/null \
	AWS_SHARED_CREDENTIALS_FILE=/dev/null
# Debian's awscli by path: a pip-installed aws earlier in PATH is another
# program with another model
AWS=${AWS_CLI:-/usr/bin/aws}
cli() { $AWS --endpoint-url "$URL" --output json "$@"; }
jq_() { python3 -c "import json,sys; d=json.load(open('$T/last.out')); print($1)"; }
printf 'attack at dawn' >"$T/msg"
check "aws kms create-key" cli kms create-key --description "from the cli"
KEY=$(jq_ 'd["KeyMetadata"]["KeyId"]' 2>/dev/null)
check "aws kms describe-key" cli kms describe-key --key-id "$KEY"
check "aws kms create-alias" cli kms create-alias --alias-name alias/cli --target-key-id "$KEY"
check "aws kms list-aliases lists it" sh -c "$AWS --endpoint-url $URL kms list-aliases | grep -q '\"alias/cli\"'"
check "aws kms list-keys lists the key" sh -c "$AWS --endpoint-url $URL kms list-keys | grep -q '$KEY'"
check "aws kms encrypt with an encryption context" sh -c \
	"$AWS --endpoint-url $URL kms encrypt --key-id alias/cli --plaintext fileb://$T/msg \
	 --encryption-context purpose=test --query CiphertextBlob --output text | base64 -d >$T/blob"
check "aws kms decrypt recovers the plaintext" sh -c \
	"$AWS --endpoint-url $URL kms decrypt --ciphertext-blob fileb://$T/blob \
	 --encryption-context purpose=test --query Plaintext --output text | base64 -d | cmp - $T/msg"
wrong_context() {
	! cli kms decrypt --ciphertext-blob "fileb://$T/blob" \
		--encryption-context purpose=other 2>"$T/cli.err" &&
	grep -q InvalidCiphertextException "$T/cli.err"
}
check "aws kms decrypt with another context fails with InvalidCiphertextException" wrong_context
check "aws kms generate-data-key, its blob decrypts to its plaintext" sh -c \
	"$AWS --endpoint-url $URL kms generate-data-key --key-id $KEY --key-spec AES_256 >$T/gdk.json &&
	 python3 -c 'import json,base64; d=json.load(open(\"$T/gdk.json\")); open(\"$T/gdk.blob\",\"wb\").write(base64.b64decode(d[\"CiphertextBlob\"])); print(d[\"Plaintext\"])' >$T/gdk.pt &&
	 $AWS --endpoint-url $URL kms decrypt --ciphertext-blob fileb://$T/gdk.blob --query Plaintext --output text | cmp - $T/gdk.pt"
check "aws kms generate-data-key-without-plaintext" sh -c \
	"$AWS --endpoint-url $URL kms generate-data-key-without-plaintext --key-id alias/cli --number-of-bytes 24 | grep -q CiphertextBlob"
check "aws kms generate-random 16 bytes" sh -c \
	"test \$($AWS --endpoint-url $URL kms generate-random --number-of-bytes 16 --query Plaintext --output text | base64 -d | wc -c) = 16"
check "aws kms get-key-policy" sh -c \
	"$AWS --endpoint-url $URL kms get-key-policy --key-id $KEY --policy-name default | grep -q 'kms:\*'"
cat >"$T/policy.json" <<EOP
{"Version":"2012-10-17","Statement":[{"Sid":"all","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}]}
EOP
check "aws kms put-key-policy" cli kms put-key-policy --key-id "$KEY" --policy-name default --policy "file://$T/policy.json"
check "aws kms describe-key of a missing key: NotFoundException, exit 254" sh -c \
	"$AWS --endpoint-url $URL kms describe-key --key-id 00000000-0000-4000-8000-000000000000 2>$T/cli.err; \
	 test \$? = 254 && grep -q NotFoundException $T/cli.err"
echo '{"Statement":{"Effect":"Allow","NotPrincipal":"*","Action":"kms:*","Resource":"*"}}' >"$T/bad-policy.json"
check "aws kms put-key-policy with NotPrincipal: MalformedPolicyDocumentException" sh -c \
	"$AWS --endpoint-url $URL kms put-key-policy --key-id $KEY --policy-name default --policy file://$T/bad-policy.json 2>&1 | grep -q 'MalformedPolicyDocumentException.*NotPrincipal is not supported'"
check "awscli 2.9.19 has no --recipient (why the Recipient tests use the SDK)" sh -c \
	"$AWS --endpoint-url $URL kms generate-random --number-of-bytes 8 --recipient x 2>&1 | grep -q 'Unknown options: --recipient'"

# ---- hostile and malformed requests ---------------------------------------
P=$PORT_main
raw() { # name status type curl-args...
	local name=$1 want=$2 type=$3; shift 3
	local got
	got=$(curl -s -o "$T/body" -w '%{http_code}' "$@" "$URL/")
	if [ "$got" = "$want" ] && grep -q "\"__type\":\"$type\"" "$T/body"; then
		ok "$name: $want $type"
	else
		not_ok "$name: want $want $type, got $got" "$T/body"
	fi
}
J=(-H 'Content-Type: application/x-amz-json-1.1')
raw "malformed JSON" 400 SerializationException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.ListKeys' --data-binary '{"Limit": 5,'
raw "binary garbage" 400 SerializationException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.Encrypt' --data-binary @"$T/ok.cbor"
head -c 600000 /dev/zero | tr '\0' ' ' >"$T/big"
raw "a 600,000-byte body" 413 RequestEntityTooLargeException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.ListKeys' --data-binary @"$T/big"
raw "a 600,000-byte chunked body" 413 RequestEntityTooLargeException -X POST "${J[@]}" \
	-H 'Transfer-Encoding: chunked' -H 'X-Amz-Target: TrentService.ListKeys' --data-binary @"$T/big"
raw "Content-Type text/plain" 415 UnsupportedMediaTypeException -X POST \
	-H 'Content-Type: text/plain' -H 'X-Amz-Target: TrentService.ListKeys' --data-binary '{}'
raw "Content-Type application/x-amz-json-1.0" 415 UnsupportedMediaTypeException -X POST \
	-H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: TrentService.ListKeys' --data-binary '{}'
raw "an unknown target" 400 UnknownOperationException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.ScheduleKeyDeletion' --data-binary '{}'
raw "no target" 400 UnknownOperationException -X POST "${J[@]}" --data-binary '{}'
raw "GET /" 400 UnknownOperationException
raw "Recipient on Encrypt" 400 ValidationException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.Encrypt' \
	--data-binary "{\"KeyId\":\"$KEY\",\"Plaintext\":\"YQ==\",\"Recipient\":{}}"
# slow clients: cut off, never waited for
slow() { python3 - "$P" "$1" <<'EOP'
import socket, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
t0 = time.time()
if mode == "idle":        # headers never finished
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(15)
    data = s.recv(100)
else:                     # a body that trickles in, a byte every 0.4 s
    s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
              b"X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 100\r\n\r\n")
    s.settimeout(15)
    try:
        for i in range(100):
            s.sendall(b" ")
            time.sleep(0.4)
        data = s.recv(100)
    except (BrokenPipeError, ConnectionResetError):
        data = b""
took = time.time() - t0
print(f"closed after {took:.1f} s, answer {data[:40]!r}")
sys.exit(0 if took < 10 and not data.startswith(b"HTTP/1.1 200") else 1)
EOP
}
check "a client that never finishes its headers is cut off by the idle timeout" slow idle
check "a body trickling in is cut off by the request deadline" slow drip
check "50 stalled connections at once do not stop a real request" sh -c "
	python3 -c '
import socket, time
ss = [socket.create_connection((\"127.0.0.1\", $P)) for i in range(50)]
[s.sendall(b\"POST / HTTP/1.1\\r\\n\") for s in ss]
time.sleep(4)' &
	sleep 0.5
	curl -s -m 5 -X POST -H 'Content-Type: application/x-amz-json-1.1' \
		-H 'X-Amz-Target: TrentService.ListKeys' -d '{}' $URL/ | grep -q Keys
	rc=\$?; wait; exit \$rc"
check "the daemon still answers after all of that" sh -c \
	"curl -s -X POST -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: TrentService.ListKeys' -d '{}' $URL/ | grep -q Keys"

# ---- SigV4 ---------------------------------------------------------------
check "nsm-kmsd --require-sigv4 starts" start_kmsd sig "$KMSD_SAN" --state "$T/state-sig" \
	--no-local-root --require-sigv4 AKIDEXAMPLE:test-secret
SIG=http://127.0.0.1:$PORT_sig
sdk_call() { # secret: CreateKey and ListKeys through the SDK, print the outcome
	node -e '
const kms = require("@aws-sdk/client-kms");
const c = new kms.KMSClient({ endpoint: process.argv[1], region: "us-east-1", maxAttempts: 1,
	credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: process.argv[2] } });
c.send(new kms.CreateKeyCommand({})).then(() => c.send(new kms.ListKeysCommand({})))
	.then((r) => console.log("ok", r.Keys.length), (e) => console.log(e.name, e.message));' "$SIG" "$1"
}
sig_good() { [ "$(sdk_call test-secret)" = "ok 1" ]; }
sig_bad() { sdk_call wrong | grep -q '^InvalidSignatureException The request signature we calculated'; }
check "SigV4: the SDK's signed requests verify" sig_good
check "SigV4: a wrong secret is InvalidSignatureException" sig_bad
check "SigV4: awscli's signed requests verify" $AWS --endpoint-url "$SIG" kms list-keys
URL_SAVE=$URL; URL=$SIG
raw "SigV4: an unsigned request" 403 MissingAuthenticationTokenException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.ListKeys' --data-binary '{}'
raw "SigV4: a forged Authorization header" 400 InvalidSignatureException -X POST "${J[@]}" \
	-H 'X-Amz-Target: TrentService.ListKeys' -H "X-Amz-Date: $(date -u +%Y%m%dT%H%M%SZ)" \
	-H "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/$(date -u +%Y%m%d)/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=$(printf '0%.0s' $(seq 64))" \
	--data-binary '{}'
URL=$URL_SAVE
check "nsm-kmsd --require-sigv4 exits cleanly, no leak" stop_kmsd sig

# ---- internal failure: the state directory breaks under it --------------
check "a daemon for the broken-state test starts" start_kmsd broken "$KMSD_SAN" \
	--state "$T/state-broken" --no-local-root
rm -rf "$T/state-broken/keys" && : >"$T/state-broken/keys"
kms "$PORT_broken" CreateKey '{}'
if [ "$(cat "$T/status")" = 500 ] && grep -q '"__type":"KMSInternalException".*cannot store the key' "$T/body"; then
	ok "a key that cannot be stored: 500 KMSInternalException, nothing half made"
else
	not_ok "a key that cannot be stored: 500 KMSInternalException" "$T/body"
fi
check "the broken-state daemon exits cleanly, no leak" stop_kmsd broken

# ---- restart: nothing lost --------------------------------------------------
kms "$P" ListKeys '{"Limit":1000}'
before=$(python3 -c "import json; print(len(json.load(open('$T/body'))['Keys']))")
check "nsm-kmsd exits on SIGTERM with status 0: no leak, no sanitizer report" stop_kmsd main
check "no sanitizer report in its log" sh -c "! grep -E 'AddressSanitizer|runtime error|LeakSanitizer' $T/main.log"
check "state: master.key is 0600" sh -c "test \$(stat -c %a $T/state/master.key) = 600"
check "nsm-kmsd restarts on the same state" \
	start_kmsd main "$KMSD_SAN" --state "$T/state" --no-local-root "${roots[@]}"
URL=http://127.0.0.1:$PORT_main; P=$PORT_main
kms "$P" ListKeys '{"Limit":1000}'
after=$(python3 -c "import json; print(len(json.load(open('$T/body'))['Keys']))")
check "after the restart the same $before keys are there" test "$before" = "$after"
check "after the restart the alias and the old ciphertext still decrypt" sh -c \
	"$AWS --endpoint-url $URL kms decrypt --ciphertext-blob fileb://$T/blob \
	 --encryption-context purpose=test --query Plaintext --output text | base64 -d | cmp - $T/msg"
alter_key_file() { # one base64 character of a key's sealed material changed
	python3 - "$1" <<'EOP'
import json, sys
f = sys.argv[1]
d = json.load(open(f))
m = d["Material"]
d["Material"] = m[:5] + ("B" if m[5] != "B" else "C") + m[6:]
json.dump(d, open(f, "w"))
EOP
}
bad_state() {
	cp -r "$T/state" "$T/state-bad" &&
	alter_key_file "$(ls "$T"/state-bad/keys/*.json | head -1)" &&
	! timeout 20 "$KMSD" --state "$T/state-bad" --port 0 --no-local-root 2>"$T/bad.err" &&
	grep -q 'does not open with master.key' "$T/bad.err"
}
check "a key file altered on disk stops the start, with the reason" bad_state
check "nsm-kmsd exits cleanly again" stop_kmsd main

# ---- a crash in the middle of writes -----------------------------------------
check "a daemon for the crash test starts" start_kmsd crash "$KMSD" --state "$T/state-crash" --no-local-root -q
( for i in $(seq 400); do
	curl -s -X POST -H 'Content-Type: application/x-amz-json-1.1' \
		-H 'X-Amz-Target: TrentService.CreateKey' -d '{}' \
		"http://127.0.0.1:$PORT_crash/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])' 2>/dev/null || break
done >"$T/crash-ids" ) &
sleep 1.5
kill -KILL "$PID_crash"
wait "$PID_crash" 2>/dev/null
wait
check "killed with SIGKILL after $(wc -l <"$T/crash-ids") answered CreateKeys; it restarts on that state" \
	start_kmsd crash "$KMSD" --state "$T/state-crash" --no-local-root -q
missing=0
for id in $(cat "$T/crash-ids"); do
	kms "$PORT_crash" DescribeKey "{\"KeyId\":\"$id\"}"
	[ "$(cat "$T/status")" = 200 ] || missing=$((missing + 1))
done
check "every key whose CreateKey was answered before the crash is there ($missing missing)" test "$missing" = 0
check "no temporary file is left after the restart" sh -c "! ls $T/state-crash/keys | grep -q tmp"
check "the crash-test daemon exits" stop_kmsd crash

finish
