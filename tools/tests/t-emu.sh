# SPDX-License-Identifier: GPL-2.0
# emu: the sysfs control interface, against a fake directory that mimics
# /sys/class/misc/nsm (NSMCTL_SYSFS). The real one is tested in the VM.

expect "emu status without the module" 3 $N emu status
check "missing control directory explained" "grep -q 'no emulator control directory' $T/err && grep -q 'hint: load the nsm_emu module' $T/err"
expect "emu reset without the module" 3 $N emu reset

S=$T/sysfs
mkdir -p $S
expect "emu status of a directory without attributes" 3 env NSMCTL_SYSFS=$S $N emu status
check "not an nsm_emu device" "grep -q 'is not an nsm_emu device' $T/err"

zero=$(printf '0%.0s' $(seq 96))
p0=$(printf 'a%.0s' $(seq 96))
for i in $(seq 0 31); do
	v=$zero; [ $i = 0 ] && v=$p0
	echo "$i $([ $i -lt 16 ] && echo 1 || echo 0) $v"
done > $S/pcrs
echo i-0123456789abcdef0-enc0123456789abcdef > $S/module_id
echo 0 > $S/debug
printf 'describe_nsm 3\ndescribe_pcr 40\nextend_pcr 2\nlock_pcr 0\nlock_pcrs 0\nattestation 5\nget_random 1\ninvalid 0\nerror_responses 1\nioctl_efault 0\nioctl_emsgsize 0\nresets 2\n' > $S/counters
echo "default load debug zero iam-role" > $S/preset
echo "PCR0 $p0" > $S/measurements
: > $S/reset
E="env NSMCTL_SYSFS=$S $N"

expect "emu status" 0 $E emu status
check "status text" "grep -q '^module_id:    i-0123456789abcdef0-enc0123456789abcdef' $T/out &&
	grep -q '^  PCR0  locked   a\{96\}  (enclave image)' $T/out &&
	grep -q '^  attestation     5' $T/out && grep -q '^  PCR0 a\{96\}' $T/out"
expect "emu status --json" 0 $E emu status --json
json_ok "status JSON" "
d['module_id'] == 'i-0123456789abcdef0-enc0123456789abcdef' and d['debug'] is False
and len(d['pcrs']) == 32 and d['pcrs'][0]['locked'] and not d['pcrs'][16]['locked']
and d['counters']['attestation'] == 5 and d['counters']['resets'] == 2
and d['measurements'] == {'PCR0': 'a' * 96}"
expect "emu reset" 0 $E emu reset
check "reset wrote 1" "[ \"\$(cat $S/reset)\" = 1 ]"
expect "emu preset lists presets" 0 $E emu preset --json
json_ok "preset list" "d['presets'] == ['default', 'load', 'debug', 'zero', 'iam-role']"
expect "emu preset debug" 0 $E emu preset debug
check "preset written" "[ \"\$(cat $S/preset)\" = debug ]"
p3=$(python3 -c "import hashlib; print(hashlib.sha384(bytes(48) + b'arn:aws:iam::123456789012:role/Webserver').hexdigest())")
cat > $T/boot.json <<JSON
{ "Measurements": { "HashAlgorithm": "Sha384 { ... }", "PCR0": "$p0", "PCR3": "$p3" } }
JSON
expect "emu measurements from describe-eif JSON" 0 $E emu measurements $T/boot.json
check "measurements written as lines" "[ \"\$(cat $S/measurements)\" = \"\$(printf 'clear\\nPCR0 %s\\nPCR3 %s' $p0 $p3)\" ]"
printf 'PCR16 %s\n' $zero > $T/pcr16.txt
expect "emu measurements beyond PCR15 refused" 4 $E emu measurements $T/pcr16.txt
expect "emu measurements clear" 0 $E emu measurements clear
check "clear written" "[ \"\$(cat $S/measurements)\" = clear ]"
expect "emu --dev selects /sys/class/misc/NAME" 3 $N emu --dev no-such-nsm-dev status
check "--dev path" "grep -q '/sys/class/misc/no-such-nsm-dev' $T/err"
chmod 0444 $S/reset
if [ "$(id -u)" != 0 ]; then
	expect "emu reset without permission" 3 $E emu reset
	check "permission explained" "grep -q 'root only' $T/err"
else
	skip "emu reset without permission" "running as root"
	skip "permission explained" "running as root"
fi
chmod 0644 $S/reset
expect "emu root without the PKI attribute" 3 $E emu root
expect "emu rotate without the PKI attribute" 3 $E emu rotate
mv $S/counters $S/counters.away
expect "emu status with an unreadable attribute" 3 $E emu status
check "no partial status printed" "[ ! -s $T/out ] && grep -q 'cannot read .*counters' $T/err"
mv $S/counters.away $S/counters

# PKI attributes: provisioning stages DER chain and key, then commits.
: > $S/pki_chain; : > $S/pki_key; : > $S/pki_commit; : > $S/pki_rotate; : > $S/pki_reset
printf 'mode ephemeral\nchain_len 4\nclock_offset_ms -5\nlast_error none\n' > $S/pki_status
$N ca init $T/pki-emu >/dev/null
expect "emu provision into the fake directory" 0 $E emu provision $T/pki-emu
check "chain written as concatenated DER, root first" \
	"csplit -s -z -f $T/pe- $T/pki-emu/chain.pem '/-----BEGIN CERTIFICATE-----/' '{*}' &&
	 for f in $T/pe-0*; do openssl x509 -in \$f -outform DER; done > $T/chain.der &&
	 cmp -s $T/chain.der $S/pki_chain"
check "key written as the DER of the instance key" \
	"openssl pkey -in $T/pki-emu/instance.key -pubout -outform DER > $T/k1.der &&
	 openssl pkey -inform DER -in $S/pki_key -pubout -outform DER > $T/k2.der 2>/dev/null &&
	 cmp -s $T/k1.der $T/k2.der"
check "then committed" "[ \"\$(cat $S/pki_commit)\" = 1 ]"
expect "emu status shows the PKI" 0 $E emu status --json
json_ok "pki status in JSON, numbers as numbers" "d['pki'] == {'mode': 'ephemeral', 'chain_len': 4, 'clock_offset_ms': -5, 'last_error': 'none'}"
expect "emu rotate" 0 $E emu rotate
check "rotate wrote 1" "[ \"\$(cat $S/pki_rotate)\" = 1 ]"
expect "emu new-chain" 0 $E emu new-chain
check "new-chain wrote 1 to pki_reset" "[ \"\$(cat $S/pki_reset)\" = 1 ]"
expect "emu set of a missing attribute" 3 $E emu set cose_tagged 1
: > $S/cose_tagged
expect "emu set cose_tagged 1 (attribute present)" 0 $E emu set cose_tagged 1
check "switch written" "[ \"\$(cat $S/cose_tagged)\" = 1 ]"
expect "emu set of an unknown name" 2 $E emu set pcrs 1
check "settable names listed" "grep -q 'leaf_lifetime_s' $T/err"
expect "emu set without value" 2 $E emu set debug
printf 'PEM-ROOT\n' > $S/pki_root
expect "emu root" 0 $E emu root
check "root printed" "[ \"\$(cat $T/out)\" = PEM-ROOT ]"
expect "emu root -o" 0 $E emu root -o $T/root-out.pem
check "root written" "[ \"\$(cat $T/root-out.pem)\" = PEM-ROOT ]"
: > $S/clock_offset_ms
expect "emu set with a negative value" 0 $E emu set clock_offset_ms -3600000
check "negative value written" "[ \"\$(cat $S/clock_offset_ms)\" = -3600000 ]"
