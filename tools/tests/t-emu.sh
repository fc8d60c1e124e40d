# SPDX-License-Identifier: GPL-2.0
# emu: the control interface (configfs instances and PKI, sysfs runtime
# state) against fake trees built here: NSMCTL_CONFIGFS, a plain directory
# tree to which fake_configfs.so (preloaded into nsmctl) gives configfs's
# mkdir/rmdir and refused writes, and NSMCTL_SYSFS, the devices' state.
# The tests read back what nsmctl wrote into each attribute. The real
# module is tested in the VM (tests/vm/guest.sh).

# Without the control interface: a clear error and a hint, exit 3.
expect "emu status without configfs" 3 $N emu status
check "missing configfs named, with the mount and modprobe hints" \
	"grep -q '^error: no emulator control directory $NSMCTL_CONFIGFS' $T/err &&
	 grep -q 'mount -t configfs none /sys/kernel/config' $T/err &&
	 grep -q 'modprobe nsm_emu' $T/err"
for c in "list" "create a" "destroy a" "set a module_id x" "reset" "rotate a" \
	 "preset debug" "root" "new-chain"; do
	expect "emu $c without configfs" 3 $N emu $c
done
mkdir -p $T/not-emu
expect "emu list of a directory that is not nsm_emu's" 3 env NSMCTL_CONFIGFS=$T/not-emu $N emu list
check "not an nsm_emu control directory" "grep -q 'is not an nsm_emu control directory' $T/err"

if [ -z "$FAKE_CONFIGFS" ] || [ ! -e "$FAKE_CONFIGFS" ]; then
	skip "emu against a fake configfs" "FAKE_CONFIGFS not built"
	return 0 2>/dev/null || true
fi

C=$T/configfs/nsm_emu
I=$C/instances
P=$C/pki
S=$T/sysfs
LOG=$T/configfs.log
mkdir -p $I $P $S
: > $LOG
E="env NSMCTL_CONFIGFS=$C NSMCTL_SYSFS=$S LD_PRELOAD=$FAKE_CONFIGFS FAKE_CONFIGFS_LOG=$LOG $N"
# $(val FILE): an attribute's value, without its newline
val() { cat "$1"; }
zero=$(printf '0%.0s' $(seq 96))
hexA=$(printf 'a%.0s' $(seq 96))
hexB=$(printf 'B%.0s' $(seq 96))
hexb=$(printf 'b%.0s' $(seq 96))

# The default instance, as the module makes it at load (through the
# fake's mkdir, which fills in the attributes), enabled as /dev/nsm.
env NSMCTL_CONFIGFS=$C LD_PRELOAD=$FAKE_CONFIGFS mkdir $I/default
echo nsm > $I/default/devname
echo i-0123456789abcdef0-enc0123456789abcdef > $I/default/module_id
echo 1 > $I/default/enable
# its device in sysfs: PCR0 = a..., 0-15 locked
D=$S/nsm
mkdir -p $D/pcrs $D/pcr_locked $D/statistics $D/leaf
echo default > $D/instance
for i in $(seq 0 31); do
	v=$zero; [ $i = 0 ] && v=$hexA
	echo $v > $D/pcrs/$i
	[ $i -lt 16 ] && echo 1 > $D/pcr_locked/$i || echo 0 > $D/pcr_locked/$i
done
for c in describe_nsm:3 describe_pcr:40 extend_pcr:2 lock_pcr:0 lock_pcrs:0 \
	 attestation:5 get_random:1 invalid:0 error_responses:1 ioctl_efault:0 \
	 ioctl_emsgsize:0 resets:2; do
	echo ${c#*:} > $D/statistics/${c%:*}
done
echo 1795780800 > $D/leaf/not_before
echo 1795791600 > $D/leaf/not_after
echo 2 > $D/leaf/issued
# the PKI: state, the root as DER, the staging and action files
echo ephemeral > $P/mode; echo 4 > $P/chain_len; echo 1827316800 > $P/ca_not_after
echo 1 > $P/generation; echo none > $P/last_error
$N ca init $T/pki-emu >/dev/null
openssl x509 -in $T/pki-emu/root.pem -outform DER > $P/root
: > $P/chain; : > $P/key; : > $P/commit; : > $P/generate

# list
expect "emu list" 0 $E emu list
check "list: a header and the default instance" \
	"grep -q '^NAME  *DEVICE  *ENABLED  *DEBUG  *MODULE_ID' $T/out &&
	 grep -q '^default  *\/dev\/nsm  *true  *false  *i-0123456789abcdef0-enc0123456789abcdef$' $T/out"
expect "emu list --json" 0 $E emu list --json
json_ok "list JSON" "d == {'instances': [{'name': 'default', 'devname': 'nsm', 'enabled': True, 'debug_mode': False, 'module_id': 'i-0123456789abcdef0-enc0123456789abcdef'}]}"

# status: configfs attributes + the device's sysfs state + the PKI
expect "emu status (the default instance)" 0 $E emu status
check "status text" "grep -q '^instance:        default' $T/out &&
	grep -q '^module_id:       i-0123456789abcdef0-enc0123456789abcdef' $T/out &&
	grep -q '^devname:         nsm  (/dev/nsm, $S/nsm)' $T/out &&
	grep -q '^  PCR0  locked   a\{96\}  (enclave image)' $T/out &&
	grep -q '^  PCR16 unlocked 0\{96\}' $T/out &&
	grep -q '^  attestation     5' $T/out && grep -q '^  pcr3 0\{96\}' $T/out &&
	grep -q '^  not_after       1795791600 (2026-' $T/out &&
	grep -q '^  mode            ephemeral' $T/out"
expect "emu status --json default" 0 $E emu status --json default
json_ok "status JSON" "
d['instance'] == 'default' and d['enabled'] and d['devname'] == 'nsm'
and d['module_id'] == 'i-0123456789abcdef0-enc0123456789abcdef' and d['debug_mode'] is False
and d['indefinite_map'] is True and d['cose_tagged'] is False
and d['clock_offset_ms'] == 0 and d['leaf_lifetime_s'] == 10800
and sorted(d['boot_measurements']) == ['pcr0', 'pcr1', 'pcr2', 'pcr3', 'pcr4', 'pcr8']
and d['boot_measurements']['pcr8'] == '0' * 96
and len(d['pcrs']) == 32 and d['pcrs'][0] == {'index': 0, 'locked': True, 'value': 'a' * 96, 'meaning': 'enclave image'}
and not d['pcrs'][16]['locked']
and d['statistics']['attestation'] == 5 and d['statistics']['resets'] == 2 and len(d['statistics']) == 12
and d['leaf'] == {'not_before': 1795780800, 'not_after': 1795791600, 'issued': 2}
and d['pki'] == {'mode': 'ephemeral', 'chain_len': 4, 'ca_not_after': 1827316800, 'generation': 1, 'last_error': 'none'}"
mv $D/pcr_locked/7 $T/locked7.away
expect "emu status with a sysfs file missing" 3 $E emu status
check "no partial status printed" "[ ! -s $T/out ] && grep -q 'cannot read $D/pcr_locked/7: No such file' $T/err"
mv $T/locked7.away $D/pcr_locked/7
echo other > $D/instance
expect "emu status when the device belongs to another instance" 3 $E emu status
check "the mismatch is named" "grep -q \"belongs to instance 'other', not 'default'\" $T/err"
echo default > $D/instance
expect "emu status of a missing instance" 3 $E emu status nope
check "missing instance named" "grep -q \"^error: no instance 'nope'\" $T/err && grep -q 'nsmctl emu list' $T/err"
expect "emu status with a bad instance name" 2 $E emu status 'a/b'

# create: mkdir, the attributes, then enable
expect "emu create a" 0 $E emu create a
check "create a: enabled, defaults kept" "[ \"\$(val $I/a/enable)\" = 1 ] &&
	[ \"\$(val $I/a/devname)\" = nsm-a ] && [ \"\$(val $I/a/debug_mode)\" = 0 ] &&
	[ \"\$(val $I/a/pcr0)\" = \"\$(printf '1%.0s' \$(seq 96))\" ]"
check "create a: says where its device is" "grep -qx \"instance 'a' created: /dev/nsm-a\" $T/out"
check "create a: enable written last, once" "[ \"\$(tail -1 $LOG)\" = 'instances/a/enable 2' ]"
: > $LOG
expect "emu create b with every option" 0 $E emu create b --module-id i-0fedcba9876543210-enc0000000000000001 \
	--pcr 0=$hexB --pcr 8=0x$hexA --debug-mode --devname nsm-bee --no-enable --json
json_ok "create JSON" "d == {'instance': 'b', 'devname': 'nsm-bee', 'enabled': False}"
check "create b: what nsmctl wrote" "[ \"\$(val $I/b/enable)\" = 0 ] &&
	[ \"\$(val $I/b/devname)\" = nsm-bee ] &&
	[ \"\$(val $I/b/module_id)\" = i-0fedcba9876543210-enc0000000000000001 ] &&
	[ \"\$(val $I/b/debug_mode)\" = 1 ] && [ \"\$(val $I/b/pcr0)\" = $hexb ] &&
	[ \"\$(val $I/b/pcr8)\" = $hexA ] && [ \"\$(val $I/b/pcr3)\" = $zero ]"
check "create b --no-enable: enable never written" "! grep -q enable $LOG"
check "every value written in one write with a newline" \
	"grep -qx 'instances/b/pcr0 97' $LOG && grep -qx 'instances/b/devname 8' $LOG"
expect "emu list shows both" 0 $E emu list --json
json_ok "list: a and b too, sorted" "[i['name'] for i in d['instances']] == ['a', 'b', 'default'] and d['instances'][1]['enabled'] is False and d['instances'][1]['devname'] == 'nsm-bee'"
expect "emu status of a disabled instance" 0 $E emu status --json b
json_ok "disabled: no device state" "not d['enabled'] and 'pcrs' not in d and 'statistics' not in d and d['debug_mode'] and d['boot_measurements']['pcr0'] == 'b' * 96"

expect "emu create of an existing instance" 3 $E emu create a --module-id changed
check "exists already, nothing changed" "grep -q \"instance 'a' exists already\" $T/err && [ \"\$(val $I/a/module_id)\" != changed ]"
for bad in "" "x/y" ".." "$(printf 'n%.0s' $(seq 29))" "sp ace" "a*"; do
	expect "emu create with the bad name '$bad'" 2 $E emu create "$bad"
done
check "bad name explained" "grep -q 'is not an instance name: 1 to 28 characters' $T/err"
expect "emu create with 28 characters" 0 $E emu create --no-enable "$(printf 'n%.0s' $(seq 28))"
expect "emu create --pcr 5: not a boot measurement" 2 $E emu create p --pcr 5=$hexA
check "refused for its index" "grep -q 'PCR5 has no boot measurement; only PCR0, 1, 2, 3, 4 and 8' $T/err && ! grep -q bytes $T/err"
expect "emu create --pcr 32" 2 $E emu create p --pcr 32=$hexA
check "PCR32 refused for its index" "grep -q 'PCR32 has no boot measurement' $T/err"
expect "emu create --pcr 3 with 2 bytes" 2 $E emu create p --pcr 3=abcd
check "refused for its length" "grep -q -- '--pcr 3: the value is 2 bytes; a boot measurement is 48 bytes (96 hex digits)' $T/err"
expect "emu create --pcr 3 with 49 bytes" 2 $E emu create p --pcr 3=${hexA}00
check "49 bytes named" "grep -q 'the value is 49 bytes' $T/err"
expect "emu create --pcr with bad hex" 2 $E emu create p --pcr 3=${hexA%a}g
check "bad hex named" "grep -q 'is not hex' $T/err"
expect "emu create --pcr without index" 2 $E emu create p --pcr $hexA
expect "emu create --pcr with a word for index" 2 $E emu create p --pcr x=$hexA
check "index named" "grep -q \"'x' is not a PCR index\" $T/err"
expect "emu create --devname with a slash" 2 $E emu create p --devname a/b
expect "emu create --module-id with a space" 2 $E emu create p --module-id 'a b'
expect "emu create without a name" 2 $E emu create
check "refused options made no instance" "[ ! -e $I/p ] && [ ! -e $I/x ]"
expect "emu create when enable is refused (EEXIST)" 3 \
	env FAKE_CONFIGFS_FAIL=instances/c/enable=EEXIST $E emu create c --devname nsm
check "EEXIST explained" "grep -q 'cannot write $I/c/enable: File exists (the name is already in use)' $T/err && grep -q 'choose another with --devname' $T/err"
check "no half-made instance left (c)" "[ ! -e $I/c ]"
expect "emu create when a value is refused (EINVAL)" 3 \
	env FAKE_CONFIGFS_FAIL=instances/d/module_id=EINVAL $E emu create d --module-id i-x
check "EINVAL explained" "grep -q 'the module refused the value' $T/err"
check "no half-made instance left (d)" "[ ! -e $I/d ]"

# set
expect "emu set b module_id" 0 $E emu set b module_id i-new
check "module_id written" "[ \"\$(val $I/b/module_id)\" = i-new ]"
expect "emu set with a negative value and two pairs" 0 $E emu set b clock_offset_ms -3600000 cose_tagged 1
check "both written" "[ \"\$(val $I/b/clock_offset_ms)\" = -3600000 ] && [ \"\$(val $I/b/cose_tagged)\" = 1 ]"
expect "emu set b pcr3 HEX" 0 $E emu set b pcr3 $hexB
check "pcr3 written in lower case" "[ \"\$(val $I/b/pcr3)\" = $hexb ]"
expect "emu set b pcr3 default" 0 $E emu set b pcr3 default
check "default is an empty write (a lone newline)" "[ \"\$(od -An -c $I/b/pcr3 | tr -d ' ')\" = '\\n' ]"
expect "emu set b pcr5" 2 $E emu set b pcr5 $hexA
check "pcr5 refused for its index" "grep -q 'PCR5 has no boot measurement' $T/err"
expect "emu set b pcr0 short" 2 $E emu set b pcr0 abcd
check "short value refused for its length" "grep -q 'the value is 2 bytes' $T/err"
expect "emu set of an unknown attribute" 2 $E emu set b pcrs 1
check "settable attributes listed" "grep -q \"'pcrs' cannot be set\" $T/err && grep -q leaf_lifetime_s $T/err && grep -q devname $T/err"
expect "emu set of a bad devname" 2 $E emu set b devname '../x'
expect "emu set without a value" 2 $E emu set b debug_mode
expect "emu set of a missing instance" 3 $E emu set nope debug_mode 1
expect "emu set devname while enabled (EBUSY)" 3 env FAKE_CONFIGFS_FAIL=instances/a/devname=EBUSY $E emu set a devname nsm-x
check "EBUSY explained" "grep -q 'not while the instance is enabled' $T/err && grep -q 'nsmctl emu set a enable 0' $T/err"
check "checked before writing: nothing of a bad pair written" "[ \"\$(val $I/b/debug_mode)\" = 1 ]"
expect "emu set a refused value (EINVAL)" 3 env FAKE_CONFIGFS_FAIL=instances/b/leaf_lifetime_s=EINVAL $E emu set b leaf_lifetime_s 0
check "what it takes is hinted" "grep -q 'hint: leaf_lifetime_s takes seconds' $T/err"

# reset, rotate
expect "emu reset (default)" 0 $E emu reset
check "reset wrote 1" "[ \"\$(val $I/default/reset)\" = 1 ]"
expect "emu rotate b" 0 $E emu rotate b
check "rotate wrote 1 to b" "[ \"\$(val $I/b/rotate)\" = 1 ] && [ -z \"\$(cat $I/default/rotate)\" ]"
expect "emu reset of a disabled instance (ENODEV)" 3 env FAKE_CONFIGFS_FAIL=instances/b/reset=ENODEV $E emu reset b
check "disabled explained" "grep -q 'the instance is disabled' $T/err && grep -q 'nsmctl emu set b enable 1' $T/err"
expect "emu reset with two names" 2 $E emu reset a b

# destroy
expect "emu destroy a" 0 $E emu destroy a
check "a removed" "[ ! -e $I/a ]"
expect "emu destroy default" 3 $E emu destroy default
check "default: the kernel's EPERM explained" "grep -q \"cannot destroy instance 'default': Operation not permitted\" $T/err && grep -q 'can only be disabled' $T/err && [ -d $I/default ]"
expect "emu destroy of a missing instance" 3 $E emu destroy a
expect "emu destroy with a bad name" 2 $E emu destroy ../pki
expect "emu destroy without a name" 2 $E emu destroy

# presets: boot measurements written in userspace, then a reset
expect "emu preset lists the presets" 0 $E emu preset --json
json_ok "preset list" "[p['name'] for p in d['presets']] == ['default', 'debug', 'zero', 'iam-role']"
: > $I/default/reset
expect "emu preset iam-role (default instance)" 0 $E emu preset iam-role
p3=$(python3 -c "import hashlib; print(hashlib.sha384(bytes(48) + b'arn:aws:iam::123456789012:role/Webserver').hexdigest())")
check "iam-role: PCR3 = SHA384(48 zero bytes || ARN), the others default, reset" \
	"[ \"\$(val $I/default/pcr3)\" = $p3 ] && [ -z \"\$(val $I/default/pcr0)\" ] &&
	 [ \"\$(val $I/default/debug_mode)\" = 0 ] && [ \"\$(val $I/default/reset)\" = 1 ]"
check "PCR3 of iam-role is AWS's example (78fce75d...)" "[ \"\${p3:0:8}\" = 78fce75d ]"
: > $LOG
expect "emu preset zero b (disabled: no reset)" 0 $E emu preset zero b
check "zero: six zero measurements, no reset" \
	"for i in 0 1 2 3 4 8; do [ \"\$(val $I/b/pcr\$i)\" = $zero ] || exit 1; done &&
	 [ \"\$(val $I/b/debug_mode)\" = 0 ] && ! grep -q 'instances/b/reset' $LOG"
check "zero: the disabled instance is mentioned" "grep -q \"instance 'b' is disabled\" $T/out"
expect "emu preset debug" 0 $E emu preset debug default
check "debug: debug_mode 1" "[ \"\$(val $I/default/debug_mode)\" = 1 ]"
expect "emu preset of an unknown preset" 2 $E emu preset load
check "unknown preset named" "grep -q \"no preset 'load'\" $T/err"
expect "emu preset of a missing instance" 3 $E emu preset default nope

# measurements: a file (or describe-eif JSON) into the boot measurement attributes
cat > $T/boot.json <<JSON
{ "Measurements": { "HashAlgorithm": "Sha384 { ... }", "PCR0": "$hexA", "PCR3": "$p3" } }
JSON
expect "emu measurements from describe-eif JSON" 0 $E emu measurements $T/boot.json b
check "PCR0 and 3 written, the others back to default" \
	"[ \"\$(val $I/b/pcr0)\" = $hexA ] && [ \"\$(val $I/b/pcr3)\" = $p3 ] &&
	 [ -z \"\$(val $I/b/pcr1)\" ] && [ -z \"\$(val $I/b/pcr8)\" ]"
printf 'PCR16 %s\n' $zero > $T/pcr16.txt
expect "emu measurements with PCR16" 4 $E emu measurements $T/pcr16.txt b
check "PCR16 refused by index" "grep -q 'PCR16 has no boot measurement' $T/err && [ \"\$(val $I/b/pcr0)\" = $hexA ]"
printf 'PCR2 %s\n' ${zero:0:64} > $T/short.txt
expect "emu measurements with a SHA-256 value" 4 $E emu measurements $T/short.txt b
check "32-byte value refused by length" "grep -q 'PCR2 is 32 bytes; a boot measurement is 48' $T/err"
expect "emu measurements clear" 0 $E emu measurements clear b
check "clear: every boot measurement default" \
	"for i in 0 1 2 3 4 8; do [ -z \"\$(val $I/b/pcr\$i)\" ] || exit 1; done"

# root: pki/root (DER) as PEM
expect "emu root" 0 $E emu root
check "root is the DER of pki/root, as PEM" "cmp -s $T/out $T/pki-emu/root.pem"
expect "emu root -o" 0 $E emu root -o $T/root-out.pem
check "root written" "cmp -s $T/root-out.pem $T/pki-emu/root.pem"
expect "emu root --json" 2 $E emu root --json
cp $P/root $T/root.der && echo junk > $P/root
expect "emu root of something else" 3 $E emu root
check "not a certificate" "grep -q 'is not one DER certificate' $T/err"
cp $T/root.der $P/root

# provision: DER chain and PKCS#8 key staged, then committed
: > $LOG
expect "emu provision" 0 $E emu provision $T/pki-emu
check "chain written as concatenated DER, root first" \
	"csplit -s -z -f $T/pe- $T/pki-emu/chain.pem '/-----BEGIN CERTIFICATE-----/' '{*}' &&
	 for f in $T/pe-0*; do openssl x509 -in \$f -outform DER; done > $T/chain.der &&
	 cmp -s $T/chain.der $P/chain && cmp -s $T/root.der <(head -c \$(stat -c %s $T/root.der) $P/chain)"
check "key written as PKCS#8 DER of the instance key" \
	"openssl asn1parse -inform DER -in $P/key > $T/key.asn1 &&
	 sed -n 2p $T/key.asn1 | grep -q 'INTEGER *:00' && grep -q id-ecPublicKey $T/key.asn1 &&
	 openssl pkey -in $T/pki-emu/instance.key -pubout -outform DER > $T/k1.der &&
	 openssl pkey -inform DER -in $P/key -pubout -outform DER > $T/k2.der &&
	 cmp -s $T/k1.der $T/k2.der"
check "chain, key, commit: each one write, in that order" \
	"[ \"\$(cut -d' ' -f1 $LOG | tr '\\n' ' ')\" = 'pki/chain pki/key pki/commit ' ] &&
	 grep -qx \"pki/chain \$(stat -c %s $P/chain)\" $LOG"
check "then committed" "[ \"\$(val $P/commit)\" = 1 ]"
echo 'certificate 2: not valid now' > $P/last_error
expect "emu provision refused by the module" 3 env FAKE_CONFIGFS_FAIL=pki/commit=EINVAL $E emu provision $T/pki-emu
check "last_error shown" "grep -q 'cannot write $P/commit: Invalid argument' $T/err && grep -q 'the module says: certificate 2: not valid now' $T/err && grep -q 'previous chain stays' $T/err"
expect "emu provision --check does not touch the module" 0 env NSMCTL_CONFIGFS=$T/nowhere $N emu provision --check $T/pki-emu
expect "emu provision of a missing directory" 3 $E emu provision $T/no-pki
expect "emu provision without a directory" 2 $E emu provision

# new-chain: pki/generate
expect "emu new-chain" 0 $E emu new-chain
check "generate wrote 1" "[ \"\$(val $P/generate)\" = 1 ]"
echo 'no entropy' > $P/last_error
expect "emu new-chain refused" 3 env FAKE_CONFIGFS_FAIL=pki/generate=EIO $E emu new-chain
check "last_error shown for generate" "grep -q 'the module says: no entropy' $T/err"
echo none > $P/last_error

expect "emu set enable 0 on default" 0 $E emu set default enable 0
check "enable 0 written" "[ \"\$(val $I/default/enable)\" = 0 ]"
expect "emu status of the disabled default" 0 $E emu status
check "no device while disabled" "grep -q 'no device while disabled' $T/out && ! grep -q '^pcrs:' $T/out"
if [ "$(id -u)" != 0 ]; then
	chmod 0400 $I/default/reset
	expect "emu reset without permission" 3 $E emu reset
	check "permission explained" "grep -q 'root only' $T/err"
	chmod 0644 $I/default/reset
else
	skip "emu reset without permission" "running as root"
	skip "permission explained" "running as root"
fi
