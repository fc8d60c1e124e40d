#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsmctl kms on the host: its command line, its errors and exit codes, and
# the whole call path with libnsm's fake device (kmod/core in-process): the
# fake device's documents chain to a root made in that process, which
# nsm-kmsd cannot know, so the call ends in AccessDeniedException
# (chain.trusted_root) - the successful path runs in the VM
# (tests/vm/guest.sh) with the real module. Also libcurl's SigV4 against
# nsm-kmsd --require-sigv4, and answers no KMS would give. TAP on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$OUT/test-nsmctl
rm -rf "$T" && mkdir -p "$T"
export ASAN_OPTIONS=detect_leaks=1
echo "TAP version 13"
N=$NSMCTL
# the fake device answers whatever path it is given; /dev/null opens
fake() { NSM_DEVICE=/dev/null "$NSMCTL_FAKE" "$@"; }
F=fake
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN NSM_KMS_ENDPOINT

expect() { # NAME RC CMD...: exit status RC, no sanitizer report
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc = "$want" ] && ! grep -qE 'Sanitizer|runtime error' "$T/err"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, wanted $want)" "$T/err" "$T/out"
	fi
}
has() { grep -q -- "$2" "$T/$1"; }

expect "kms without a call: usage" 2 "$N" kms
expect "kms bogus: usage" 2 "$N" kms bogus
expect "kms -h" 0 "$N" kms -h
check "kms -h shows the three calls" has out 'nsmctl kms genkey'
expect "decrypt without --ciphertext: usage" 2 "$N" kms decrypt
expect "genkey without --key-id: usage" 2 "$N" kms genkey
expect "random --length 1025: usage" 2 "$N" kms random --length 1025
expect "random --key-id: usage" 2 "$N" kms random --key-id x
expect "--endpoint ftp://: usage" 2 "$N" kms random --endpoint ftp://h/
expect "--encryption-context without =: usage" 2 "$N" kms decrypt --ciphertext x --encryption-context ab
expect "genkey --key-spec and --bytes: usage" 2 "$N" kms genkey --key-id k --key-spec AES-128 --bytes 16
expect "no such device: exit 3" 3 "$N" kms random -d "$T/no-such-nsm"
expect "a ciphertext file that does not exist: exit 3" 3 "$N" kms decrypt --ciphertext "$T/none"
: >"$T/empty"
expect "an empty ciphertext: exit 4" 4 "$N" kms decrypt --ciphertext "$T/empty"
head -c 1100000 /dev/zero >"$T/huge"
expect "a ciphertext file above 1 MiB: exit 4" 4 "$N" kms decrypt --ciphertext "$T/huge"
check "... named" has err 'larger than 1 MiB'
if [ -z "$NSMCTL_FAKE" ]; then
	echo "not ok - no fake-device nsmctl (tools/ builds it)"; n=$((n + 1)); failed=$((failed + 1))
	finish; exit
fi
expect "fake device, no endpoint listening: exit 3" 3 "$F" kms random --endpoint http://127.0.0.1:1/
check "... the connection error is named" has err 'http://127.0.0.1:1/'

check "nsm-kmsd starts" start_kmsd main "$KMSD" --state "$T/state" --no-local-root -q
URL=http://127.0.0.1:$PORT_main
kms "$PORT_main" CreateKey '{}'
KEY=$(python3 -c "import json; print(json.load(open('$T/body'))['KeyMetadata']['KeyId'])")
kms "$PORT_main" Encrypt "{\"KeyId\":\"$KEY\",\"Plaintext\":\"aGVsbG8=\"}"
python3 -c "import json; print(json.load(open('$T/body'))['CiphertextBlob'])" >"$T/blob.b64"
expect "decrypt with the fake device's document: refused, exit 1" 1 \
	"$F" kms decrypt --endpoint "$URL" --ciphertext "$T/blob.b64"
check "... AccessDeniedException, check chain.trusted_root" has err 'Decrypt: AccessDeniedException (HTTP 400): Recipient attestation document rejected: check chain.trusted_root'
expect "genkey likewise" 1 "$F" kms genkey --endpoint "$URL" --key-id "$KEY"
expect "random likewise" 1 "$F" kms random --endpoint "$URL" --length 16
check "... the request reached nsm-kmsd with a document carrying an RSA-2048 key" has err 'chain.trusted_root'
expect "decrypt of a key that does not exist: exit 1, NotFoundException" 1 \
	"$F" kms genkey --endpoint "$URL" --key-id alias/none
check "... the message is KMS's" has err 'NotFoundException (HTTP 400): Alias arn:aws:kms:us-east-1:111122223333:alias/none is not found.'
check "nsm-kmsd stops" stop_kmsd main

# SigV4 by libcurl, checked by nsm-kmsd
check "nsm-kmsd --require-sigv4 starts" start_kmsd sig "$KMSD" --state "$T/state-sig" \
	--no-local-root -q --require-sigv4 AKIDEXAMPLE:test-secret
SIG=http://127.0.0.1:$PORT_sig
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=test-secret \
	expect "SigV4 (libcurl): the signature verifies; the document's root does not" 1 \
	"$F" kms random --endpoint "$SIG"
check "... refused at chain.trusted_root, not at the signature" has err 'chain.trusted_root'
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wrong \
	expect "SigV4 with a wrong secret: exit 1" 1 "$F" kms random --endpoint "$SIG"
check "... InvalidSignatureException" has err 'InvalidSignatureException'
expect "SigV4 required, none sent: exit 1" 1 "$F" kms random --endpoint "$SIG"
check "... MissingAuthenticationTokenException" has err 'MissingAuthenticationTokenException'
check "nsm-kmsd --require-sigv4 stops" stop_kmsd sig

# answers no KMS would give, from a stand-in endpoint
python3 - "$T/fake.port" >"$T/fake.log" 2>&1 <<'EOP' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = {"/garbage": b"<html>", "/empty": b"{}",
                "/badcms": b'{"CiphertextForRecipient":"MIAGCSqGSIb3DQEHA6CAMIACAQIxAA=="}'}[self.path]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
for i in range(3):
    s.handle_request()
EOP
fake_pid=$!
for i in $(seq 50); do [ -s "$T/fake.port" ] && break; sleep 0.1; done
FP=$(cat "$T/fake.port")
expect "an answer that is not JSON: exit 4" 4 "$F" kms random --endpoint "http://127.0.0.1:$FP/garbage"
expect "an answer without CiphertextForRecipient: exit 4" 4 "$F" kms random --endpoint "http://127.0.0.1:$FP/empty"
check "... named" has err 'no CiphertextForRecipient'
expect "a CiphertextForRecipient that is no envelope: exit 4" 4 "$F" kms random --endpoint "http://127.0.0.1:$FP/badcms"
wait $fake_pid

# the whole path once more under ASan/UBSan and LeakSanitizer
fake_asan() { NSM_DEVICE=/dev/null "$NSMCTL_FAKE_ASAN" "$@"; }
if [ -x "${NSMCTL_FAKE_ASAN:-}" ]; then
	check "nsm-kmsd starts for the ASan client" start_kmsd asan "$KMSD" --state "$T/state-asan" --no-local-root -q
	expect "ASan/UBSan nsmctl kms random: refused, no sanitizer report, no leak" 1 \
		fake_asan kms random --endpoint "http://127.0.0.1:$PORT_asan"
	expect "ASan/UBSan nsmctl kms decrypt of a base64 file: no report" 1 \
		fake_asan kms decrypt --endpoint "http://127.0.0.1:$PORT_asan" --ciphertext "$T/blob.b64" \
		--encryption-context a=b --encryption-context c=d
	expect "ASan/UBSan nsmctl kms with no endpoint: no report" 3 \
		fake_asan kms genkey --key-id k --endpoint http://127.0.0.1:1/
	check "nsm-kmsd stops" stop_kmsd asan
else
	not_ok "the ASan/UBSan fake-device nsmctl was built"
fi
finish
