#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nsm-kmsd and nsmctl kms against the real nsm_emu module, inside the VM
# (busybox sh, root); run by kmsd/tests/vm/run.sh. The posts' envelope
# encryption demo: the parent makes a key whose policy pins the enclave's
# PCR0 and a data key with GenerateDataKey; the enclave (nsmctl kms, an
# attestation document from the module carrying a fresh RSA key) gets the
# data key back through CiphertextForRecipient. Another PCR0 and a stale
# document are refused. TAP on stdout.

X=/extra
run() { bin=$1; shift; "$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/$bin" "$@"; }
nsmctl() { run nsmctl "$@"; }
T=/tmp/kms-vm
mkdir -p $T
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=1; echo "not ok $n - $1"
	sed 's/^/# /' $T/err 2>/dev/null | head -8
	sed 's/^/# out: /' $T/out 2>/dev/null | head -5
}
expect() { # NAME RC CMD...
	name=$1 want=$2
	shift 2
	"$@" >$T/out 2>$T/err
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else echo "# exit $rc, wanted $want"; not_ok "$name"; fi
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
URL=http://127.0.0.1:4000
kms() { # TARGET BODY: the parent's side, with curl
	run curl -s -X POST -H 'Content-Type: application/x-amz-json-1.1' \
		-H "X-Amz-Target: TrentService.$1" --data-binary "$2" $URL/
}
member() { # NAME: a string member of the JSON in $T/out
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" $T/out
}

echo "TAP version 13"
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
check "loopback up" "ip addr show lo 2>/dev/null | grep -q 127.0.0.1 || ifconfig lo | grep -q 127.0.0.1"
# started directly, not through a function: $! must be the daemon itself
"$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsm-kmsd" --state $T/state \
	--port 4000 --port-file $T/port >$T/kmsd.log 2>&1 &
kmsd_pid=$!
i=0
while [ ! -s $T/port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "nsm-kmsd listens on the guest's loopback" "[ -s $T/port ]"
check "nsm-kmsd trusts the module's root by itself (configfs pki/root)" \
	"grep -q '1 trusted roots' $T/kmsd.log"

PCR0=$(cat /sys/kernel/config/nsm_emu/instances/default/pcr0)
check "the enclave's PCR0 from configfs" "[ \${#PCR0} = 96 ]"
POLICY="{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Sid\\\":\\\"parent\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::111122223333:role/parent\\\"},\\\"Action\\\":[\\\"kms:Create*\\\",\\\"kms:Describe*\\\",\\\"kms:Put*\\\",\\\"kms:Get*\\\",\\\"kms:Encrypt\\\",\\\"kms:GenerateDataKey\\\"],\\\"Resource\\\":\\\"*\\\"},{\\\"Sid\\\":\\\"enclave\\\",\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":{\\\"AWS\\\":\\\"arn:aws:iam::111122223333:role/parent\\\"},\\\"Action\\\":\\\"kms:Decrypt\\\",\\\"Resource\\\":\\\"*\\\",\\\"Condition\\\":{\\\"StringEqualsIgnoreCase\\\":{\\\"kms:RecipientAttestation:ImageSha384\\\":\\\"$PCR0\\\"}}}]}"
kms CreateKey "{\"Description\":\"enclave data\",\"Policy\":\"$POLICY\"}" >$T/out 2>$T/err
KEY=$(sed -n 's/.*"KeyId":"\([0-9a-f-]*\)".*/\1/p' $T/out)
check "CreateKey with a policy pinning PCR0" "[ \${#KEY} = 36 ]"
kms CreateAlias "{\"AliasName\":\"alias/EnclaveKMSKey\",\"TargetKeyId\":\"$KEY\"}" >$T/out 2>$T/err
check "CreateAlias alias/EnclaveKMSKey" "[ ! -s $T/out ]"
kms GenerateDataKey '{"KeyId":"alias/EnclaveKMSKey","KeySpec":"AES_256"}' >$T/out 2>$T/err
member CiphertextBlob >$T/datakey.b64
member Plaintext >$T/datakey.plain
check "the parent's GenerateDataKey: a data key and its ciphertext" \
	"[ -s $T/datakey.b64 ] && [ \$(base64 -d < $T/datakey.plain | wc -c) = 32 ]"
kms Decrypt "{\"CiphertextBlob\":\"$(cat $T/datakey.b64)\"}" >$T/out 2>$T/err
check "the parent cannot Decrypt it without the enclave's attestation" \
	"grep -q AccessDeniedException $T/out"

expect "nsmctl kms decrypt in the enclave" 0 \
	nsmctl kms decrypt --endpoint $URL --ciphertext $T/datakey.b64
check "... recovers the data key (PLAINTEXT as kmstool prints it)" \
	"grep -qx \"PLAINTEXT: \$(cat $T/datakey.plain)\" $T/out"
expect "nsmctl kms decrypt --json -o FILE" 0 \
	nsmctl --json kms decrypt --endpoint $URL --key-id alias/EnclaveKMSKey \
	--ciphertext $T/datakey.b64 -o $T/datakey.bin
check "... the raw data key in FILE" \
	"[ \"\$(base64 < $T/datakey.bin)\" = \"\$(cat $T/datakey.plain)\" ] && grep -q '\"bytes\": *32' $T/out"
kms Encrypt "{\"KeyId\":\"$KEY\",\"Plaintext\":\"c2VjcmV0IGJpZA==\",\"EncryptionContext\":{\"buyer\":\"1\"}}" >$T/out
member CiphertextBlob | base64 -d >$T/bid.bin
expect "nsmctl kms decrypt of a raw blob with an encryption context" 0 \
	nsmctl kms decrypt --endpoint $URL --ciphertext $T/bid.bin --encryption-context buyer=1
check "... gives the plaintext" "grep -qx 'PLAINTEXT: c2VjcmV0IGJpZA==' $T/out"
expect "nsmctl kms decrypt with another context: refused (exit 1)" 1 \
	nsmctl kms decrypt --endpoint $URL --ciphertext $T/bid.bin --encryption-context buyer=2
check "... InvalidCiphertextException" "grep -q InvalidCiphertextException $T/err"
expect "nsmctl kms genkey in the enclave" 0 \
	nsmctl kms genkey --endpoint $URL --key-id alias/EnclaveKMSKey --key-spec AES-256
check "... CIPHERTEXT and a 32-byte PLAINTEXT" \
	"grep -q '^CIPHERTEXT: ' $T/out && [ \$(sed -n 's/^PLAINTEXT: //p' $T/out | base64 -d | wc -c) = 32 ]"
expect "nsmctl kms random --length 64" 0 nsmctl kms random --endpoint $URL --length 64
check "... 64 bytes" "[ \$(sed -n 's/^PLAINTEXT: //p' $T/out | base64 -d | wc -c) = 64 ]"

OTHER=$(printf 'ab%.0s' $(seq 48))
expect "an enclave with another PCR0 (nsmctl emu create)" 0 \
	nsmctl emu create other --pcr 0=$OTHER
expect "nsmctl kms decrypt from it: refused (exit 1)" 1 \
	nsmctl kms decrypt -d /dev/nsm-other --endpoint $URL --ciphertext $T/datakey.b64
check "... AccessDeniedException naming PCR0" \
	"grep -q 'AccessDeniedException' $T/err && grep -q \"PCR0 is $OTHER\" $T/err"
expect "an enclave with the right PCR0 and a clock 10 minutes behind" 0 \
	nsmctl emu create stale --pcr 0=$PCR0
expect "... clock_offset_ms -600000" 0 nsmctl emu set stale clock_offset_ms -600000
expect "nsmctl kms decrypt with its stale document: refused (exit 1)" 1 \
	nsmctl kms decrypt -d /dev/nsm-stale --endpoint $URL --ciphertext $T/datakey.b64
check "... AccessDeniedException, check policy.max_age" \
	"grep -q 'AccessDeniedException' $T/err && grep -q 'policy.max_age' $T/err"
expect "the same instance with its clock back: allowed" 0 \
	nsmctl emu set stale clock_offset_ms 0
expect "... nsmctl kms decrypt from it" 0 \
	nsmctl kms decrypt -d /dev/nsm-stale --endpoint $URL --ciphertext $T/datakey.b64
expect "a new chain for the emulator (nsmctl emu new-chain): a new root" 0 \
	nsmctl emu new-chain
expect "... nsmctl kms decrypt still allowed: nsm-kmsd follows the local root" 0 \
	nsmctl kms decrypt --endpoint $URL --ciphertext $T/datakey.b64
expect "nsmctl kms against no endpoint: exit 3" 3 \
	nsmctl kms random --endpoint http://127.0.0.1:4001
nsmctl emu destroy other >/dev/null 2>&1
nsmctl emu destroy stale >/dev/null 2>&1

kill -TERM $kmsd_pid
wait $kmsd_pid
rc=$?
check "nsm-kmsd stops on SIGTERM with status 0" "[ $rc = 0 ]"
check "nsm-kmsd logged each refusal with its check" \
	"grep -q 'Decrypt -> AccessDeniedException' $T/kmsd.log && grep -q 'policy.max_age' $T/kmsd.log"
sed 's/^/# kmsd: /' $T/kmsd.log | tail -12
echo "1..$n"
exit $fail
